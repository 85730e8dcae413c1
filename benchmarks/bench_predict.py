"""Prediction: ``predict_proba`` on 60,000 rows, for each training contender.

The networks are the training benchmark's (784-128-10 and 784-512-256-10),
each fitted for one short pass over the first rows first (scikit-learn refuses
to predict before it is fitted; the speed does not depend on the weights).
Target: glassnet at most 1.0x scikit-learn and PyTorch.
"""

from __future__ import annotations

import numpy as np

from . import _contenders
from ._common import check_target, interleave, log, markdown_table, summarize

NAME = "predict"
TITLE = "Prediction: predict_proba on all rows (float32)"
NETWORKS = ((784, 128, 10), (784, 512, 256, 10))
TARGETS = {"scikit-learn": 1.0, "PyTorch": 1.0}


def _predictor(model, X, store: dict, label: str):
    """Return a call that predicts ``X`` and keeps the result in ``store[label]``."""

    def call():
        store[label] = model.predict_proba(X)

    return call


def run(
    X,
    y,
    *,
    networks=NETWORKS,
    repeats: int = 7,
    include_torch: bool = True,
    data_note: str = "Fashion-MNIST training images",
) -> dict:
    """Time ``predict_proba(X)`` of every contender, interleaved; return the results.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        float32 rows to predict.
    y : ndarray of shape (n_samples,)
        Labels, only for the short fit before timing.
    networks : sequence of tuple of int, default=NETWORKS
    repeats : int, default=7
        Timed predictions per contender and network.
    include_torch : bool, default=True
    data_note : str
        What ``X`` is, for the report.
    """
    classes = _contenders.contender_classes(include_torch)
    notes = [f"data: {data_note}, {X.shape[0]:,} x {X.shape[1]} float32"]
    if include_torch and _contenders.torch_or_none() is None:
        notes.append(_contenders.TORCH_MISSING)
    n_fit = min(len(X), 1280)
    results, targets, checks = [], [], {}
    for widths in networks:
        name = "-".join(map(str, widths))
        log(f"{NAME}: {name}, {len(X):,} rows, {repeats} repeats")
        models = {cls.name: cls(widths, seed=0) for cls in classes}
        for model in models.values():
            model.train_epoch(X[:n_fit], y[:n_fit])
        probabilities = {}
        times = interleave(
            {
                label: _predictor(model, X, probabilities, label)
                for label, model in models.items()
            },
            repeats=repeats,
            label=f"{NAME} {name}",
        )
        rows = summarize(times)
        for row in rows:
            row["network"] = name
            row["median_ms"] = row["median_s"] * 1e3
            row["min_ms"] = row["min_s"] * 1e3
            row["rows_per_s"] = len(X) / row["median_s"]
        results += rows
        targets += [
            t
            for other, limit in TARGETS.items()
            if (t := check_target(rows, other, limit, case=name, benchmark=NAME))
        ]
        # Every contender must return one probability row per sample.
        checks[name] = {
            label: bool(
                p.shape == (len(X), widths[-1])
                and np.allclose(p.sum(axis=1), 1, atol=1e-4)
            )
            for label, p in probabilities.items()
        }
    return {
        "title": TITLE,
        "config": {
            "networks": ["-".join(map(str, w)) for w in networks],
            "n_rows": len(X),
            "repeats": repeats,
            "warmup": 1,
        },
        "results": results,
        "targets": targets,
        "checks": checks,
        "notes": notes,
    }


def to_markdown(result: dict) -> str:
    """Return the benchmark's table in Markdown."""
    table = markdown_table(
        result["results"],
        [
            ("network", "network", ""),
            ("contender", "contender", ""),
            ("ms (median)", "median_ms", ".1f"),
            ("min ms", "min_ms", ".1f"),
            ("glassnet / this", "ratio", ".2f"),
            ("paired", "paired_ratio", ".2f"),
        ],
    )
    notes = "\n\n".join(f"Note: {note}." for note in result["notes"])
    return f"{table}\n\n{notes}" if notes else table
