"""A table model's glossary: its neurons, rows and reasons in the user's words.

The learning report (:mod:`glassnet.report`) draws what a glossary
(:mod:`glassnet.glossary`) names. This module writes it for a table model:
the input neurons by what they carry (``age``, ``sex=female``,
``age_missing``), the outputs by class (or the target), the recorded rows as
the file spelled them, and after training what matters (permutation
importance) and why one row was predicted as it was (integrated gradients).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ..report.surface import GRID, NEURON_GRID, plane_grid, widened
from ._cells import as_text, texts
from .attribution import integrated_gradients
from .binned import BinnedNumeric
from .encoders import Numeric
from .importance import permutation_importance
from .model import TabularModel
from .preprocessor import TabularPreprocessor

#: The most rows permutation importance scores for the report (the first ones),
#: the fewest it scores when the work allows, and the shuffles of each column.
IMPORTANCE_ROWS, MIN_IMPORTANCE_ROWS, N_REPEATS = 5000, 200, 5
#: The multiply-adds the report's importance may cost: a few seconds of NumPy.
IMPORTANCE_WORK = 5e10
#: How many rows a recorder watches, and how many a plane shows as points.
WATCHED_ROWS, PLANE_POINTS = 5, 300


def neuron_words(prep: TabularPreprocessor) -> dict:
    """Return the glossary's names for a table model's network.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"size": [1.0, 2.0, 3.0], "kind": ["a", "b", "a"],
    ...                       "price": [10.0, 20.0, 30.0]})
    >>> prep = TabularPreprocessor().fit(frame, target="price", task="regression")
    >>> words = neuron_words(prep)
    >>> words["inputs"], words["outputs"], words["task"]
    (['size', 'kind=a', 'kind=b'], ['price'], 'regression')
    """
    words = {"inputs": list(prep.feature_names), "target": str(prep.target)}
    words["input_columns"] = [
        encoder.column for encoder in prep.encoders for _ in encoder.feature_names
    ]
    words["task"] = prep.task
    if prep.task == "classification":
        words["outputs"] = [str(name) for name in prep.target_codec.class_names]
    else:
        words["outputs"] = [str(prep.target)]
        words["output_scale"] = [prep.target_mean, prep.target_scale]
    return words


def _cell(value) -> str:
    """Return a cell as text, a missing one as empty."""
    return "" if pd.isna(value) else as_text(value)


def shown_rows(prep: TabularPreprocessor, rows: pd.DataFrame) -> dict:
    """Return the glossary's ``table``: the rows' used cells as written, and targets."""
    columns = list(prep.input_columns)
    table = {
        "columns": columns,
        "cells": [[_cell(value) for value in row] for row in rows[columns].values],
        "truth": [],
    }
    if prep.target in rows.columns:
        table["truth"] = [_cell(value) for value in rows[prep.target]]
    return table


def _axis(values: pd.Series) -> list[float] | None:
    """Return a numeric column's drawn range: its 1st to 99th percentile, widened."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    numbers = numbers[np.isfinite(numbers)]
    if not len(numbers):
        return None
    low, high = np.percentile(numbers, [1, 99])
    return widened(float(low), float(high), 0.05, 0.5 if high == low else 0.0)


def plane(prep: TabularPreprocessor, frame: pd.DataFrame) -> dict | None:
    """Return the glossary's ``plane`` for a model of two numeric columns, else None.

    The grids are the plane's points encoded as the model encodes a row, so
    that the report draws the network's output over the columns' own values.
    """
    numeric = all(isinstance(e, Numeric | BinnedNumeric) for e in prep.encoders)
    if len(prep.encoders) != 2 or not numeric:
        return None
    columns = list(prep.input_columns)
    ranges = [_axis(frame[column]) for column in columns]
    if None in ranges:
        return None

    def grid(size: int) -> list:
        """The plane's grid as the model encodes it, shape (size², n_inputs)."""
        points = plane_grid(ranges[0], ranges[1], size)
        cells = pd.DataFrame({columns[0]: points[:, 0], columns[1]: points[:, 1]})
        return prep.transform(cells).astype(float).tolist()

    shown = frame[columns].apply(pd.to_numeric, errors="coerce").iloc[:PLANE_POINTS]
    present = shown.notna().all(axis=1).to_numpy()
    truth = []
    if prep.task == "classification" and prep.target in frame.columns:
        truth = [_cell(v) for v in frame[prep.target].iloc[:PLANE_POINTS][present]]
    return {
        "columns": columns,
        "x": ranges[0],
        "y": ranges[1],
        "size": GRID,
        "inputs": grid(GRID),
        "neuron_size": NEURON_GRID,
        "neuron_inputs": grid(NEURON_GRID),
        "points": shown[present].to_numpy(dtype=float).tolist(),
        "truth": truth,
    }


def watched(prep: TabularPreprocessor, frame: pd.DataFrame) -> tuple[np.ndarray, dict]:
    """Return the encoded rows a recorder watches (the first ones), and the glossary."""
    rows = frame.iloc[:WATCHED_ROWS]
    words = {**neuron_words(prep), "table": shown_rows(prep, rows)}
    surface = plane(prep, frame)
    if surface is not None:
        words["plane"] = surface
    return prep.transform(rows), words


def importance_rows(model: TabularModel, n_rows: int) -> int:
    """Return how many rows the report's importance scores; 0 when too costly.

    Shuffling each column ``N_REPEATS`` times costs about columns x repeats x
    rows x parameters multiply-adds: the rows are the first ``IMPORTANCE_ROWS``,
    fewer (at least ``MIN_IMPORTANCE_ROWS``) to stay within ``IMPORTANCE_WORK``,
    and none when even those would cost ten times as much (a very wide table).
    """
    per_row = len(model.preprocessor.input_columns) * N_REPEATS
    per_row *= model.network.n_params
    rows = min(
        n_rows, IMPORTANCE_ROWS, max(MIN_IMPORTANCE_ROWS, IMPORTANCE_WORK // per_row)
    )
    return int(rows) if rows * per_row <= 10 * IMPORTANCE_WORK else 0


def reasons(
    model: TabularModel,
    frame: pd.DataFrame,
    note: str = "",
    say: Callable[[str], None] | None = None,
) -> dict:
    """Return the glossary's ``importance`` and ``why`` for a trained table model.

    Parameters
    ----------
    model : TabularModel
    frame : DataFrame
        Rows: importance is scored on the first rows with a target (how
        many: :func:`importance_rows`), and ``why`` explains the first row.
    note : str, default=""
        Said after the importance's sentence; ``{rows}`` becomes the number
        of rows scored.
    say : callable(str), optional
        Told when importance is left out, and why.
    """
    prep, words = model.preprocessor, {}
    target = frame[prep.target] if prep.target in frame.columns else None
    present = frame if target is None else frame[~texts(target)[1]]
    rows = importance_rows(model, len(present)) if len(present) else 0
    if target is not None and rows:
        importance = permutation_importance(
            model, present.iloc[:rows], n_repeats=N_REPEATS, notes=[]
        )
        words["importance"] = {
            "metric": importance.metric,
            "score": importance.score,
            "rows": importance.rows,
            "n_repeats": importance.n_repeats,
            "columns": importance.columns,
            "mean": importance.mean.tolist(),
            "std": importance.std.tolist(),
            "note": note.format(rows=rows),
        }
    elif target is not None and say is not None:
        say(
            f"what matters: left out of the report, as shuffling"
            f" {len(prep.input_columns)} columns through this network would take"
            " long; glassnet explain MODEL DATA --importance computes it"
        )
    frame = present if len(present) else frame
    why = integrated_gradients(model, frame, row=0)
    words["why"] = {
        "row": 0,
        "columns": why.columns,
        "values": why.values,
        "contributions": why.contributions.tolist(),
        "prediction": why.prediction,
        "sentence": why.sentence(),
    }
    return words
