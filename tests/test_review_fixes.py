"""Cases a review found: pipes, overwrites, ranges."""

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
tabular = pytest.importorskip("glassnet.tabular")

GLASSNET = shutil.which(
    "glassnet", path=str(Path(sys.executable).parent)
) or shutil.which("glassnet")


def table(n=120, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)})
    frame["y"] = np.where(frame["a"] + frame["b"] > 0, "up", "down")
    return frame


def run(*args, **kwargs):
    if GLASSNET is None:
        pytest.fail("the glassnet command is not installed: pip install .")
    return subprocess.run([GLASSNET, *args], capture_output=True, timeout=300, **kwargs)


@pytest.fixture
def model(tmp_path):
    data = tmp_path / "data.csv"
    table(n=3000).to_csv(data, index=False)
    path = tmp_path / "model.npz"
    assert (
        run("train", str(data), "--target", "y", "-o", str(path), "-q").returncode == 0
    )
    return path, data


def test_predict_to_a_pipe_that_closes_early_is_quiet(model):
    path, data = model
    command = f"'{GLASSNET}' predict '{path}' '{data}' -o - | head -n 2"
    result = subprocess.run(
        ["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True
    )
    assert len(result.stdout.splitlines()) == 2
    assert "Broken pipe" not in result.stderr and "Exception" not in result.stderr


def test_outputs_never_overwrite_inputs(model):
    path, data = model
    before = path.read_bytes()
    result = run("report", str(path), "-o", str(path), text=True)
    assert result.returncode == 1 and "would overwrite" in result.stderr
    result = run(
        "train", str(data), "--target", "y", "-o", str(path.parent / "m2.npz"),
        "--report", str(data), "-q", text=True,
    )  # fmt: skip
    assert result.returncode == 1 and "would overwrite" in result.stderr
    assert path.read_bytes() == before


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_estimator_accepts_scikit_learn_ranges():
    estimator = pytest.importorskip("glassnet.estimator")
    X = np.random.default_rng(0).normal(size=(40, 3))
    y = (X[:, 0] > 0).astype(int)
    for params in ({"validation_fraction": 0.0}, {"solver": "sgd", "momentum": 1.0}):
        estimator.GlassnetClassifier(max_iter=2, **params).fit(X, y)
