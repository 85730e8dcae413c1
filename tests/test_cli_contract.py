"""The command line's contract: what reaches a closed pipe."""

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

import glassnet  # noqa: E402
from glassnet import tabular  # noqa: E402

# The script installed beside this interpreter (a venv's bin/), else on PATH.
GLASSNET = shutil.which(
    "glassnet", path=str(Path(sys.executable).parent)
) or shutil.which("glassnet")


def patched(source: Path, target: Path, edit) -> None:
    """Copy a model file, with ``edit`` applied to its JSON header."""
    with zipfile.ZipFile(source) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    header = json.loads(np.load(io.BytesIO(members["header.npy"])).tobytes())
    edit(header)
    buffer = io.BytesIO()
    text = json.dumps(header).encode()
    np.lib.format.write_array(buffer, np.frombuffer(text, np.uint8))
    members["header.npy"] = buffer.getvalue()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def make_inputs(folder: Path) -> None:
    """Write the small files every case starts from."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
    frame["colour"] = rng.choice(["red", "blue"], 40)
    frame["y"] = np.where(frame["a"] + frame["b"] > 0, "up", "down")
    frame.to_csv(folder / "data.csv", index=False)
    frame.drop(columns=["a", "y"]).to_csv(folder / "wrong.csv", index=False)
    (folder / "empty.csv").write_bytes(b"")
    (folder / "garbage.csv").write_bytes(bytes(range(256)) * 4)
    (folder / "folder").mkdir()
    net = tabular.train(frame, "y", hidden=[4], epochs=2)
    net.save(folder / "model.npz")
    glassnet.Network([glassnet.Dense(2, 1)], seed=0).save(folder / "python.npz")
    model = folder / "model.npz"

    def encoding(header):
        header["metadata"]["preprocessing"]["columns"][0]["encoding"] = ["numeric"]

    edits = {
        "encoding.npz": encoding,
        "metrics.npz": lambda h: h["metadata"]["training"].update(
            validation_metrics={"accuracy": 1.0}
        ),
        "stop.npz": lambda h: h["metadata"]["training"].update(stop_reason=["x"]),
        "mae.npz": lambda h: h["metadata"]["training"].update(
            validation_metrics={"mae": "x"}
        ),
    }
    for name, edit in edits.items():
        patched(model, folder / name, edit)


# -- a reader that stops early (| head -1) ---------------------------------------


def run_into_closed_pipe(args, cwd):
    """Run glassnet with stdout a pipe whose reading end is already closed."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [GLASSNET, *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            cwd=cwd,
        )
    finally:
        os.close(write_end)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pipe")
    make_inputs(folder)
    return folder


@pytest.mark.parametrize(
    "args",
    [
        ("info", "model.npz"),
        ("evaluate", "model.npz", "data.csv"),
        ("explain", "model.npz", "data.csv"),
        ("tutorial", "trask-3layer"),
        ("predict", "model.npz", "data.csv", "-o", "-"),
        ("--help",),
    ],
    ids=lambda args: args[0],
)
def test_output_into_a_closed_pipe_ends_quietly(inputs, args):
    # F15: before, "glassnet: error: [Errno 32] Broken pipe" and status 1.
    result = run_into_closed_pipe(args, inputs)
    assert result.returncode == 0
    assert result.stderr == ""


def test_train_into_a_closed_pipe_still_saves_the_model(inputs, tmp_path):
    # The reader of the log went away: the work it started is not lost.
    model = tmp_path / "piped.npz"
    args = ("train", "data.csv", "--target", "y", "--epochs", "3", "-o", str(model))
    result = run_into_closed_pipe(args, inputs)
    assert result.returncode == 0, result.stderr
    assert "error" not in result.stderr
    assert glassnet.load(model).epochs_trained == 3
