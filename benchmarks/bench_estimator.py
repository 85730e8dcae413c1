"""What the scikit-learn estimator adds around the engine: one epoch, both ways.

``GlassnetClassifier(max_iter=1)`` on 30,000 x 784 float32 rows (128 hidden
ReLU units, batches of 128, Adam 1e-3, ``alpha=0``) against ``Network.fit``
training the same network for the same one epoch, and the hand-written NumPy
loop for scale, interleaved round by round. The estimator checks and encodes
its data, builds a fresh network each ``fit`` and keeps scikit-learn's
bookkeeping; target: at most 1.05x ``Network.fit``.
"""

from __future__ import annotations

import warnings

from . import _contenders
from ._common import check_target, interleave, log, markdown_table, summarize

NAME = "estimator"
TITLE = "The estimator around the engine: one epoch, 784-128-10, batch 128"
ESTIMATOR = "GlassnetClassifier"
NETWORK_FIT = "Network.fit"
HIDDEN = 128
TARGET = 1.05


def _estimator(seed: int):
    from glassnet.estimator import GlassnetClassifier

    return GlassnetClassifier(
        hidden_layer_sizes=(HIDDEN,),
        alpha=0.0,
        batch_size=128,
        learning_rate_init=1e-3,
        max_iter=1,
        random_state=seed,
        dtype="float32",
    )


def estimator_epoch(X, y, seed: int = 0) -> None:
    """Fit a fresh ``GlassnetClassifier`` for one epoch (as a user's ``fit``)."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        # max_iter=1 never converges: scikit-learn says so every time.
        warnings.simplefilter("ignore", ConvergenceWarning)
        _estimator(seed).fit(X, y)


def _widths(X, y) -> tuple[int, int, int]:
    return (X.shape[1], HIDDEN, int(y.max()) + 1)


def network_epoch(X, y, seed: int = 0) -> None:
    """Build the same network and train it one epoch with ``Network.fit``."""
    _contenders.GlassnetMLP(_widths(X, y), seed=seed).train_epoch(X, y)


def run(X, y, *, repeats: int = 7, data_note: str = "") -> dict:
    """Time the estimator against ``Network.fit`` (and the hand loop), interleaved.

    Parameters
    ----------
    X, y : ndarray of shape (n_samples, 784) and (n_samples,)
        float32 rows and integer labels 0..9.
    repeats : int, default=7
    data_note : str
        What the data are, for the report.
    """
    log(f"{NAME}: {X.shape[0]:,} rows, {repeats} timed epochs each")
    widths = _widths(X, y)
    case = "-".join(map(str, widths))
    hand = _contenders.NumpyLoop(widths, seed=0)
    times = interleave(
        {
            ESTIMATOR: lambda: estimator_epoch(X, y),
            NETWORK_FIT: lambda: network_epoch(X, y),
            _contenders.NumpyLoop.name: lambda: hand.train_epoch(X, y),
        },
        repeats=repeats,
        label=NAME,
    )
    rows = summarize(times, reference=ESTIMATOR)
    target = check_target(rows, NETWORK_FIT, TARGET, case=case, benchmark=NAME)
    return {
        "title": TITLE,
        "reference": ESTIMATOR,  # the numerator of every ratio
        "config": {
            "widths": list(widths),
            "n_rows": int(X.shape[0]),
            "repeats": repeats,
        },
        "results": rows,
        "targets": [target],
        "notes": [f"data: {data_note}, {X.shape[0]:,} x {X.shape[1]} float32"],
    }


def to_markdown(result: dict) -> str:
    """Return the benchmark's table in Markdown."""
    table = markdown_table(
        result["results"],
        [
            ("contender", "contender", ""),
            ("s / epoch (median)", "median_s", ".3f"),
            ("min s", "min_s", ".3f"),
            ("estimator / this", "ratio", ".2f"),
            ("paired", "paired_ratio", ".2f"),
        ],
    )
    notes = "".join(f"\n\nNote: {note}." for note in result["notes"])
    return (
        f"{table}\n\nEach run builds a fresh network (weights drawn, seed 0) and"
        f" trains one epoch; target GlassnetClassifier <= {TARGET}x"
        f" Network.fit.{notes}"
    )
