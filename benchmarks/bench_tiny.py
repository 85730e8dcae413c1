"""Per-step overhead on a tiny network: 10-16-1, batches of 32, in µs per step.

Small tables are where most practitioners' time goes, and there a step's
arithmetic costs less than the Python around it: a 10-16-1 network (ReLU, a
sigmoid output, binary cross-entropy, Adam 1e-3, float32) takes 64 steps of 32
rows per epoch over 2,048 synthetic rows. Contenders: glassnet's
``Network.fit`` (every epoch of a timed run in one ``fit`` call), the careful
hand-written NumPy loop and PyTorch on the CPU, interleaved round by round.
Target: glassnet at most 1.25x the hand-written loop per step (as the tutorial).
"""

from __future__ import annotations

import numpy as np

from . import _contenders
from ._common import GLASSNET, check_target, interleave, log, markdown_table, summarize

NAME = "tiny"
TITLE = "Per-step overhead: a 10-16-1 network, batches of 32 (Adam, float32)"
WIDTHS = (10, 16, 1)
BATCH = 32
#: glassnet / contender must be at most this.
TARGETS = {"NumPy loop": 1.25}


def tiny_data(n_rows: int = 2048, seed: int = 0):
    """Return a learnable binary task: 10 standard-normal columns, labels 0/1."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n_rows, WIDTHS[0]), dtype=np.float32)
    y = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(np.float32)
    return X, y


class GlassnetTiny:
    """glassnet's ``Network`` with a sigmoid output and binary cross-entropy."""

    name = GLASSNET

    def __init__(self, seed=0):
        from glassnet import Adam, Dense, Network

        self.network = Network(
            [Dense(10, 16, "relu"), Dense(16, 1, "sigmoid")],
            loss="binary_crossentropy",
            optimizer=Adam(1e-3),
            dtype="float32",
            seed=seed,
        )

    def train(self, X, y, epochs):
        self.network.fit(X, y, epochs=epochs, batch_size=BATCH)


class NumpyTiny(_contenders.NumpyLoop):
    """The hand-written loop of the MNIST benchmark, with a sigmoid output."""

    def __init__(self, seed=0):
        super().__init__(WIDTHS, batch_size=BATCH, seed=seed)
        self.labels = np.empty(BATCH, dtype=np.float32)  # 0/1 targets, not classes

    def train(self, X, y, epochs):
        for _ in range(epochs):
            self.train_epoch(X, y)

    def _loss_and_delta(self, logits, labels):
        """Binary cross-entropy from the logits z; dL/dz = (sigmoid(z) - y) / n."""
        n = len(labels)
        z = logits[:, 0]
        # loss = max(z, 0) - z y + log(1 + exp(-|z|)), summed over the batch
        loss = float(
            (np.maximum(z, 0) - z * labels + np.log1p(np.exp(-np.abs(z)))).sum()
        )
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1
        np.reciprocal(z, out=z)
        z -= labels
        z *= 1 / n
        return loss


class TorchTiny(_contenders.TorchMLP):
    """PyTorch on the CPU, ``BCEWithLogitsLoss`` on the one output."""

    def __init__(self, seed=0):
        super().__init__(WIDTHS, batch_size=BATCH, seed=seed)
        self.loss = self.torch.nn.BCEWithLogitsLoss()

    def train(self, X, y, epochs):
        for _ in range(epochs):
            self.train_epoch(X, y.reshape(-1, 1))


def run(*, n_rows: int = 2048, epochs: int = 10, repeats: int = 7, include_torch=True):
    """Time ``epochs`` epochs of each contender, interleaved; return the results.

    Returns
    -------
    dict
        ``title``, ``config``, ``results`` (µs per step in
        ``median_us_per_step``), ``targets`` and ``notes``.
    """
    X, y = tiny_data(n_rows)
    classes = [GlassnetTiny, NumpyTiny]
    if include_torch and _contenders.torch_or_none() is not None:
        classes.append(TorchTiny)
    models = {cls.name: cls(seed=0) for cls in classes}
    steps = epochs * -(-n_rows // BATCH)
    log(f"{NAME}: {steps} steps x {repeats} repeats per contender")
    times = interleave(
        {
            name: (lambda m=model: m.train(X, y, epochs))
            for name, model in models.items()
        },
        repeats=repeats,
        label=NAME,
    )
    rows = summarize(times, per_unit=steps, unit_name="step")
    targets = [
        check_target(rows, other, limit, case="10-16-1", benchmark=NAME)
        for other, limit in TARGETS.items()
    ]
    notes = [] if "PyTorch" in models else [_contenders.TORCH_MISSING]
    return {
        "title": TITLE,
        "config": {
            "widths": list(WIDTHS),
            "batch_size": BATCH,
            "n_rows": n_rows,
            "epochs_per_run": epochs,
            "steps_per_run": steps,
            "repeats": repeats,
        },
        "results": rows,
        "targets": [target for target in targets if target],
        "notes": notes,
    }


def to_markdown(result: dict) -> str:
    """Return the benchmark's table in Markdown."""
    table = markdown_table(
        result["results"],
        [
            ("contender", "contender", ""),
            ("µs / step (median)", "median_us_per_step", ".1f"),
            ("median s", "median_s", ".3f"),
            ("min s", "min_s", ".3f"),
            ("glassnet / this", "ratio", ".2f"),
            ("paired", "paired_ratio", ".2f"),
        ],
    )
    config = result["config"]
    notes = "".join(f"\n\nNote: {note}." for note in result["notes"])
    return (
        f"{table}\n\n{config['steps_per_run']:,} steps ({config['epochs_per_run']}"
        f" epochs of {config['n_rows']:,} rows) per run, median of"
        f" {config['repeats']} runs each; target glassnet <="
        f" {TARGETS['NumPy loop']}x the NumPy loop.{notes}"
    )
