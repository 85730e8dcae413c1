"""MNIST-shaped training: seconds per epoch on Fashion-MNIST, and GFLOP/s.

Fashion-MNIST (60,000 training rows of 784 pixels scaled to [0, 1] float32, 10
classes) trains two networks, 784-128-10 and 784-512-256-10, with ReLU hidden
layers, softmax cross-entropy, Adam (learning rate 1e-3) and shuffled batches
of 128, one epoch per timed run, contenders alternating (see
:mod:`benchmarks._contenders`). Targets: glassnet at most 0.9x the
hand-written NumPy loop, 0.75x scikit-learn and 0.9x PyTorch on the CPU.

With ``--accuracy`` each contender also trains a fresh network for a few
epochs and reports its test accuracy on the 10,000 test images.
"""

from __future__ import annotations

import gzip
import os
import statistics
import time
from pathlib import Path

import numpy as np

from . import _contenders
from ._common import check_target, interleave, log, markdown_table, summarize

NAME = "mnist"
TITLE = "Fashion-MNIST training: seconds per epoch (batch 128, Adam, float32)"
NETWORKS = ((784, 128, 10), (784, 512, 256, 10))
#: glassnet / contender must be at most this.
TARGETS = {"NumPy loop": 0.9, "scikit-learn": 0.75, "PyTorch": 0.9}

DATA_ENV = "GLASSNET_FASHION_MNIST"
DATA_DIRS = (
    Path("/usr/share/datasets/fashion-mnist"),  # Debian: dataset-fashion-mnist
    Path("~/.cache/glassnet/fashion-mnist").expanduser(),
    Path("data/fashion-mnist"),
)
DATA_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
HOW_TO_GET_DATA = (
    "Fashion-MNIST not found (looked for {files} in {dirs}). Install it with "
    "`apt-get install dataset-fashion-mnist` (Debian/Ubuntu), or put the four IDX "
    "files (gzipped or not) in a folder and pass --data FOLDER or set "
    f"{DATA_ENV}=FOLDER."
)


class DatasetMissing(FileNotFoundError):
    """Fashion-MNIST is not on this machine; the message says how to get it."""


def read_idx(path: Path) -> np.ndarray:
    """Read an IDX file of unsigned bytes (gzipped or not) into an array.

    The format: two zero bytes, a type code (``0x08`` for unsigned bytes), the
    number of dimensions, then each dimension as a big-endian 32-bit integer,
    then the data.
    """
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as file:
        data = file.read()
    if data[:2] != b"\x00\x00" or data[2] != 0x08:
        raise ValueError(f"{path} is not an IDX file of unsigned bytes")
    ndim = data[3]
    shape = tuple(np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def find_fashion_mnist(directory=None) -> dict[str, Path]:
    """Return the path of each IDX file, looking in ``directory`` or the usual places.

    Raises
    ------
    DatasetMissing
        If no folder holds all four files.
    """
    if directory is not None:
        candidates = [Path(directory)]
    else:
        candidates = list(DATA_DIRS)
        if os.environ.get(DATA_ENV):
            candidates.insert(0, Path(os.environ[DATA_ENV]))
    for folder in candidates:
        found = {}
        for stem in DATA_FILES:
            for name in (stem + ".gz", stem):
                if (folder / name).is_file():
                    found[stem] = folder / name
                    break
        if len(found) == len(DATA_FILES):
            return found
    raise DatasetMissing(
        HOW_TO_GET_DATA.format(
            files=", ".join(DATA_FILES), dirs=", ".join(map(str, candidates))
        )
    )


def load_fashion_mnist(directory=None):
    """Return ``X_train, y_train, X_test, y_test``: float32 in [0, 1], int64 labels.

    Raises
    ------
    DatasetMissing
        If the files cannot be found (the message says how to install them).
    """
    paths = find_fashion_mnist(directory)
    arrays = [read_idx(paths[stem]) for stem in DATA_FILES]
    X_train, y_train, X_test, y_test = arrays
    scale = np.float32(1 / 255)
    return (
        (X_train.reshape(len(X_train), -1) * scale).astype(np.float32),
        y_train.astype(np.int64),
        (X_test.reshape(len(X_test), -1) * scale).astype(np.float32),
        y_test.astype(np.int64),
    )


def synthetic_data(n_train=1024, n_test=256, n_features=64, n_classes=10, seed=0):
    """Return a small learnable stand-in for Fashion-MNIST (for the smoke run).

    Each class is a random prototype in [0, 1]; samples are noisy copies of it.
    """
    rng = np.random.default_rng(seed)
    prototypes = rng.random((n_classes, n_features), dtype=np.float32)

    def draw(n):
        labels = rng.integers(n_classes, size=n)
        noise = rng.normal(0, 0.3, (n, n_features)).astype(np.float32)
        return np.clip(prototypes[labels] + noise, 0, 1), labels.astype(np.int64)

    return (*draw(n_train), *draw(n_test))


def _network_name(widths) -> str:
    return "-".join(map(str, widths))


def time_epochs(widths, X, y, *, repeats, classes, gemm_gflops=None) -> dict:
    """Time one training epoch of each contender on ``widths``, interleaved."""
    name = _network_name(widths)
    models = {cls.name: cls(widths, seed=0) for cls in classes}
    times = interleave(
        {
            label: (lambda m=model: m.train_epoch(X, y))
            for label, model in models.items()
        },
        repeats=repeats,
        label=f"{NAME} {name}",
    )
    flops = _contenders.dense_flops(widths, len(X))
    rows = summarize(times)
    for row in rows:
        row["network"] = name
        row["gflops"] = flops / row["median_s"] / 1e9
        if gemm_gflops:
            row["percent_of_gemm"] = 100 * row["gflops"] / gemm_gflops
    targets = [
        check_target(rows, other, limit, case=name, benchmark=NAME)
        for other, limit in TARGETS.items()
    ]
    return {"rows": rows, "targets": [t for t in targets if t], "flops": flops}


def measure_accuracy(widths, X, y, X_test, y_test, *, epochs, classes) -> list[dict]:
    """Train a fresh network per contender for ``epochs`` epochs; return test accuracy.

    Accuracy does not drift with the machine's speed, so these runs are not
    interleaved; the epoch times are reported for information only.
    """
    rows = []
    for cls in classes:
        model = cls(widths, seed=0)
        seconds = []
        for _ in range(epochs):
            start = time.perf_counter()
            model.train_epoch(X, y)
            seconds.append(time.perf_counter() - start)
        predicted = np.argmax(model.predict_proba(X_test), axis=1)
        accuracy = float(np.mean(predicted == y_test))
        log(f"  accuracy {_network_name(widths)} {cls.name}: {accuracy:.4f}")
        rows.append(
            {
                "network": _network_name(widths),
                "contender": cls.name,
                "epochs": epochs,
                "test_accuracy": accuracy,
                "median_epoch_s": statistics.median(seconds),
            }
        )
    return rows


def run(
    X,
    y,
    X_test,
    y_test,
    *,
    networks=NETWORKS,
    repeats=(5, 3),
    accuracy_epochs: int | None = None,
    include_torch: bool = True,
    gemm_gflops: float | None = None,
    data_note: str = "Fashion-MNIST",
) -> dict:
    """Run the training benchmark on each network; return its results.

    Parameters
    ----------
    X, y : ndarray of shape (n_samples, n_features) and (n_samples,)
        Training data: float32 in [0, 1], int64 labels.
    X_test, y_test : ndarray
        Test data, for ``accuracy_epochs``.
    networks : sequence of tuple of int, default=NETWORKS
        Layer widths, inputs first.
    repeats : sequence of int, default=(5, 3)
        Timed epochs per contender for each network.
    accuracy_epochs : int or None, default=None
        If given, also train fresh networks this many epochs and report their
        test accuracy.
    include_torch : bool, default=True
        Run PyTorch when it is importable.
    gemm_gflops : float or None
        The machine's measured float32 GEMM rate, for the percentage column.
    data_note : str, default="Fashion-MNIST"
        What the data are, for the report.
    """
    classes = _contenders.contender_classes(include_torch)
    notes = [f"data: {data_note}, {X.shape[0]:,} x {X.shape[1]} float32"]
    if include_torch and _contenders.torch_or_none() is None:
        notes.append(_contenders.TORCH_MISSING)
    results, targets, accuracy, flops = [], [], [], {}
    for widths, n_repeats in zip(networks, repeats, strict=True):
        log(f"{NAME}: {_network_name(widths)}, {n_repeats} timed epochs each")
        timed = time_epochs(
            widths, X, y, repeats=n_repeats, classes=classes, gemm_gflops=gemm_gflops
        )
        results += timed["rows"]
        targets += timed["targets"]
        flops[_network_name(widths)] = timed["flops"]
    if accuracy_epochs:
        for widths in networks:
            log(f"{NAME}: test accuracy after {accuracy_epochs} epochs")
            accuracy += measure_accuracy(
                widths, X, y, X_test, y_test, epochs=accuracy_epochs, classes=classes
            )
    return {
        "title": TITLE,
        "config": {
            "networks": [_network_name(w) for w in networks],
            "repeats": list(repeats),
            "warmup": 1,
            "batch_size": 128,
            "optimizer": "Adam(1e-3)",
            "dtype": "float32",
            "n_train": int(X.shape[0]),
            "accuracy_epochs": accuracy_epochs,
            "flops_per_epoch": flops,
        },
        "results": results,
        "accuracy": accuracy,
        "targets": targets,
        "notes": notes,
    }


def to_markdown(result: dict) -> str:
    """Return the benchmark's tables in Markdown."""
    parts = [
        markdown_table(
            result["results"],
            [
                ("network", "network", ""),
                ("contender", "contender", ""),
                ("s / epoch (median)", "median_s", ".3f"),
                ("min", "min_s", ".3f"),
                ("max", "max_s", ".3f"),
                ("GFLOP/s", "gflops", ".1f"),
                ("% of GEMM", "percent_of_gemm", ".0f"),
                ("glassnet / this", "ratio", ".2f"),
                ("paired", "paired_ratio", ".2f"),
            ],
        )
    ]
    if result["accuracy"]:
        parts.append(
            markdown_table(
                result["accuracy"],
                [
                    ("network", "network", ""),
                    ("contender", "contender", ""),
                    ("epochs", "epochs", "d"),
                    ("test accuracy", "test_accuracy", ".4f"),
                    ("s / epoch", "median_epoch_s", ".3f"),
                ],
            )
        )
    parts += [f"Note: {note}." for note in result["notes"]]
    return "\n\n".join(parts)
