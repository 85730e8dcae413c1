"""The benchmarks' smoke run: every benchmark's code runs, in seconds, and reports.

``python -m benchmarks --smoke`` runs in a subprocess from the repository root,
on tiny synthetic data (no Fashion-MNIST needed; PyTorch only if installed),
with ``-W error`` so that a warning fails it as it would in this test suite.
The full benchmarks stay out of CI: they take minutes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import glassnet

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = (
    "tutorial",
    "tiny",
    "mnist",
    "estimator",
    "predict",
    "accuracy",
    "lbfgs",
    "tables",
    "startup",
)


@pytest.fixture(scope="module")
def smoke(tmp_path_factory):
    """Run the smoke benchmarks once; return (report, stdout, markdown file text)."""
    if not (ROOT / "benchmarks" / "__main__.py").is_file():
        pytest.skip("no benchmarks/ folder beside tests/ (installed tests only)")
    json_path = tmp_path_factory.mktemp("bench") / "smoke.json"
    # The subprocess imports the same glassnet as this test process (the
    # installed package, or src/ when run from the source tree).
    env = dict(os.environ)
    package_parent = str(Path(glassnet.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (package_parent, env.get("PYTHONPATH")) if p
    )
    completed = subprocess.run(
        [
            *(sys.executable, "-W", "error", "-m", "benchmarks", "--smoke"),
            *("--json", str(json_path)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        # Generous: on a busy shared machine the smoke run takes 1-2 minutes.
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(json_path.read_text(encoding="utf-8"))
    markdown = json_path.with_suffix(".md").read_text(encoding="utf-8")
    return report, completed.stdout, markdown


def test_report_describes_the_machine_and_threads(smoke):
    report, _, _ = smoke
    assert report["schema"] == "glassnet-benchmarks/1"
    assert report["mode"] == "smoke"
    assert report["machine"]["versions"]["numpy"]
    assert report["machine"]["versions"]["glassnet"] == glassnet.__version__
    assert report["threads"]["n"] >= 1
    assert report["gemm"]["square"]["gflops"] > 0
    assert report["gemm"]["batch"]["gflops"] > 0


def test_every_benchmark_reports_results_and_targets(smoke):
    report, _, _ = smoke
    assert list(report["benchmarks"]) == list(BENCHMARKS)
    for name, result in report["benchmarks"].items():
        assert {"title", "config", "results", "targets", "notes"} <= set(result), name
        assert result["results"], name
        assert result["targets"], name
    for target in report["targets"]:
        assert {"benchmark", "case", "versus", "target", "met", "measured"} <= set(
            target
        )
        assert isinstance(target["met"], bool)


@pytest.mark.parametrize(
    "name", ["tutorial", "tiny", "mnist", "estimator", "predict", "lbfgs", "startup"]
)
def test_timed_rows_have_medians_and_ratios(smoke, name):
    report, _, _ = smoke
    result = report["benchmarks"][name]
    rows = result["results"]
    # Ratios are to glassnet, or to what the benchmark names (the estimator's
    # to itself, start-up's to the bare interpreter).
    reference = result.get("reference", "glassnet")
    contenders = {row["contender"] for row in rows}
    assert reference in contenders
    for row in rows:
        assert 0 < row["min_s"] <= row["median_s"] <= row["max_s"]
        assert len(row["runs_s"]) >= 2
        assert row["ratio"] > 0
        assert row["paired_ratio"] > 0
        if row["contender"] == reference:
            assert row["ratio"] == pytest.approx(1.0)


@pytest.mark.parametrize("name", ["mnist", "predict"])
def test_training_and_prediction_run_every_contender(smoke, name):
    report, _, _ = smoke
    expected = {"glassnet", "NumPy loop", "scikit-learn"}
    if importlib.util.find_spec("torch") is not None:
        expected.add("PyTorch")
    rows = report["benchmarks"][name]["results"]
    for network in {row["network"] for row in rows}:
        assert {row["contender"] for row in rows if row["network"] == network} == (
            expected
        )


def test_mnist_reports_gflops_and_accuracy(smoke):
    report, _, _ = smoke
    mnist = report["benchmarks"]["mnist"]
    assert all(row["gflops"] > 0 for row in mnist["results"])
    assert all(0 <= row["test_accuracy"] <= 1 for row in mnist["accuracy"])


def test_tutorial_loops_agree_bit_for_bit(smoke):
    report, _, _ = smoke
    assert report["benchmarks"]["tutorial"]["checks"]["bit_identical"]


def test_predictions_are_probabilities(smoke):
    report, _, _ = smoke
    for network, checks in report["benchmarks"]["predict"]["checks"].items():
        assert all(checks.values()), (network, checks)


def test_tables_are_printed_in_markdown(smoke):
    _, stdout, markdown = smoke
    for text in (stdout, markdown):
        assert "### Targets" in text
        assert "| contender |" in text
        assert "|---|" in text


def test_lbfgs_reports_accuracy_and_iterations_of_both(smoke):
    report, _, _ = smoke
    rows = report["benchmarks"]["lbfgs"]["results"]
    assert {row["contender"] for row in rows} == {"glassnet", "scikit-learn"}
    for row in rows:
        assert 0 <= row["accuracy_percent"] <= 100
        assert 1 <= row["median_n_iter"] <= 20


def test_tables_score_every_contender_on_every_smoke_table(smoke):
    report, stdout, _ = smoke
    tables = report["benchmarks"]["tables"]
    contenders = ("glassnet", "MLP", "HGB", "LightGBM")
    assert tables["config"]["contenders"] == list(contenders)
    rows = {row["table"]: row for row in tables["results"]}
    assert set(rows) == {"penguins", "car_mpg"}
    assert {row["task"] for row in rows.values()} == {"classification", "regression"}
    for name, row in rows.items():
        assert [entry["seed"] for entry in row["per_seed"]] == [0], name
        for contender in contenders:
            entry = row["per_seed"][0][contender]
            assert "error" not in entry, (name, contender, entry)
            assert row[f"{contender}_score"] == entry["score"]
            assert row[f"{contender}_seconds"] == entry["seconds"] > 0
        assert -1 < row["glassnet_score"] <= 1
        assert row["time_vs_hgb"] > 0
    summary = tables["summary"]
    assert summary["n_tables"] == 2
    assert {"MLP", "HGB", "LightGBM"} <= set(summary)
    assert "glassnet is at least as good as MLP on" in stdout
    assert {(t["versus"], t["case"]) for t in tables["targets"]} == {
        ("HGB", "share of tables at least as good"),
        ("HGB", "mean score difference"),
        ("MLP", "share of tables at least as good"),
        ("time budget", "train 500 x 10 with the defaults"),
    }
    assert tables["budget"]["rows"] == 500 and tables["budget"]["seconds"] > 0
