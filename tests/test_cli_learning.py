"""glassnet explain, glassnet report and train --report/--plot, as a user runs them."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from glassnet import tutorials

GLASSNET = shutil.which(
    "glassnet", path=str(Path(sys.executable).parent)
) or shutil.which("glassnet")


def glassnet(*args, cwd=None):
    if GLASSNET is None:
        pytest.fail("the glassnet command is not installed: pip install .")
    return subprocess.run(
        [GLASSNET, *args], capture_output=True, text=True, timeout=300, cwd=cwd
    )


@pytest.fixture
def survey(tmp_path):
    """A small table with numbers, yes/no and text columns."""
    rng = np.random.default_rng(0)
    n = 160
    age = rng.integers(18, 70, n)
    has_cat = rng.choice(["yes", "no"], n)
    colour = rng.choice(["red", "blue", "green"], n)
    bought = np.where((has_cat == "yes") ^ (age > 40), "yes", "no")
    lines = ["age,has_cat,colour,bought"] + [
        f"{a},{c},{k},{b}"
        for a, c, k, b in zip(age, has_cat, colour, bought, strict=True)
    ]
    path = tmp_path / "survey.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_explain_without_arguments_walks_the_pet_shop_networks_first_step():
    result = glassnet("explain")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for name in ("l0", "syn0", "l1", "syn1", "l2", "l2_error", "l2_delta", "l1_error"):
        assert f"\n{name} = " in out
    assert "\nsyn0_update = 1 * l0.T @ l1_delta    [3x4]" in out
    # The tutorial's first l2_delta, as in `glassnet tutorial pet-shop`'s run.
    net = tutorials.tutorial_network([3, 4, 1])
    first = net.explain(tutorials.PET_SHOP_X, tutorials.PET_SHOP_Y)["l2_delta"][0, 0]
    assert f"[[ {first:.8f}]" in out


def test_train_writes_report_and_plot_then_explain_and_report_read_the_model(
    survey, tmp_path
):
    model, html, png = (
        tmp_path / "model.npz",
        tmp_path / "report.html",
        tmp_path / "loss.png",
    )
    result = glassnet(
        "train", str(survey), "--target", "bought", "-o", str(model),
        "--report", str(html), "--plot", str(png), "--quiet",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = html.read_text()
    assert text.startswith("<!DOCTYPE html>") and 'id="epoch-slider"' in text
    # A slider across recorded epochs: more than one snapshot.
    assert 'max="0"' not in text
    assert png.read_bytes().startswith(b"\x89PNG")

    explained = glassnet("explain", str(model), str(survey), "--rows", "3")
    assert explained.returncode == 0, explained.stderr
    # The default model: five one-hidden-layer members merged into one network.
    assert "on 3 samples" in explained.stdout and "\nl2_delta = " in explained.stdout

    again = glassnet("report", str(model), "-o", str(tmp_path / "again.html"))
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "again.html").read_text().count('class="neuron"') > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("report", "missing.npz"), "No such file"),
        (("report", "{survey}"), "is not a glassnet run recording"),
        (("report", "{model}", "-o", "/no/such/dir/r.html"), "does not exist"),
        (("explain", "{model}"), None),  # usage: MODEL without DATA
        (("explain", "{model}", "{nocolumn}"), "has no column 'bought'"),
    ],
    ids=["missing", "not-a-model", "bad-output", "model-only", "no-target"],
)
def test_bad_explain_and_report_calls_are_one_line_errors(
    survey, tmp_path, args, message
):
    model = tmp_path / "model.npz"
    assert (
        glassnet(
            "train", str(survey), "--target", "bought", "-o", str(model), "-q"
        ).returncode
        == 0
    )
    nocolumn = tmp_path / "nocolumn.csv"
    nocolumn.write_text("age,has_cat,colour\n30,yes,red\n")
    args = [a.format(survey=survey, model=model, nocolumn=nocolumn) for a in args]
    result = glassnet(*args, cwd=tmp_path)
    assert "Traceback" not in result.stderr
    if message is None:
        assert result.returncode == 2 and "give both MODEL and DATA" in result.stderr
    else:
        assert result.returncode == 1
        assert result.stderr.count("\n") == 1 and message in result.stderr
    assert not (tmp_path / "report.html").exists()
