"""A network's glossary: what its neurons and recorded rows mean, in the user's words.

The engine knows inputs and outputs only by position (``l0[3]``). A table
model knows more: input 3 is ``sex=female``, output 1 is the class
``'survived'``, the rows it watched read ``male, 22, 3rd`` in the file. The
glossary is that knowledge as plain JSON data, so that the seeing layer can
speak it without knowing how tables are encoded. Every key is optional:

- ``inputs``, ``outputs`` (list of str): a name for each input neuron and each
  output neuron; ``input_columns`` (list of str): the original column each
  input neuron encodes.
- ``task`` ("classification" or "regression") and ``target`` (str).
- ``output_scale`` ([shift, scale]): for a regression, the prediction in the
  target's units is ``output * scale + shift``.
- ``table`` (``columns``, ``cells``, ``truth``): the recorded rows as they were
  written in the file, and their targets.
- ``importance`` (``metric``, ``score``, ``rows``, ``n_repeats``, ``columns``,
  ``mean``, ``std``, ``note``): permutation importance per original column.
- ``why`` (``row``, ``columns``, ``values``, ``contributions``, ``prediction``,
  ``sentence``): one row's prediction, column by column.
- ``plane`` (``columns``, ``x``, ``y``, ``size``, ``inputs``, ``neuron_size``,
  ``neuron_inputs``, ``points``, ``truth``): for a model of two numeric
  columns, the plane of their values (ranges ``x`` and ``y``) as two grids of
  encoded inputs, row by row from the top (``size`` squared and
  ``neuron_size`` squared rows), and rows of the table as points.

:func:`check` is the one reader: it refuses a glossary that does not fit the
network it describes, in one line, so that a report drawn from it cannot fail.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import is_int

#: The longest text kept in a glossary (longer names are cut, not refused).
MAX_TEXT = 200
#: The most recorded table columns a glossary holds.
MAX_COLUMNS = 1000

#: The largest grid side a plane may have.
MAX_GRID = 64


def _invalid(detail: str) -> ValueError:
    return ValueError(f"invalid glossary: {detail}")


def _text(value, what: str, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise _invalid(f"{what} must be text, got {type(value).__name__}")
    return value[:limit]


def _texts(values, what: str, length: int | None = None) -> list[str]:
    if not isinstance(values, list) or len(values) > max(MAX_COLUMNS, length or 0):
        raise _invalid(f"{what} must be a list of text")
    if length is not None and len(values) != length:
        raise _invalid(f"{what} must have {length} entries, got {len(values)}")
    return [_text(value, what) for value in values]


def _numbers(values, what: str, length: int) -> list[float]:
    if not isinstance(values, list) or len(values) != length:
        raise _invalid(f"{what} must be a list of {length} numbers")
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _invalid(f"{what} must hold numbers")
        if not math.isfinite(value):
            raise _invalid(f"{what} must hold finite numbers")
    return [float(value) for value in values]


def _table(table, n_rows: int) -> dict:
    if not isinstance(table, dict):
        raise _invalid("table must be a JSON object")
    columns = _texts(table.get("columns"), "table columns")
    cells = table.get("cells")
    if not isinstance(cells, list) or len(cells) != n_rows:
        raise _invalid(f"table cells must be a list of {n_rows} rows")
    truth = table.get("truth", [])
    return {
        "columns": columns,
        "cells": [_texts(row, "a table row", len(columns)) for row in cells],
        "truth": _texts(truth, "table truth", n_rows) if truth else [],
    }


def _importance(data) -> dict:
    if not isinstance(data, dict):
        raise _invalid("importance must be a JSON object")
    columns = _texts(data.get("columns"), "importance columns")
    n = len(columns)
    score = _numbers([data.get("score", 0.0)], "importance score", 1)[0]
    rows, repeats = data.get("rows"), data.get("n_repeats")
    if not (is_int(rows) and rows >= 1 and is_int(repeats) and repeats >= 1):
        raise _invalid("importance rows and n_repeats must be positive integers")
    return {
        "metric": _text(data.get("metric", ""), "importance metric"),
        "score": score,
        "rows": rows,
        "n_repeats": repeats,
        "columns": columns,
        "mean": _numbers(data.get("mean"), "importance mean", n),
        "std": _numbers(data.get("std"), "importance std", n),
        "note": _text(data.get("note", ""), "importance note", 4 * MAX_TEXT),
    }


def _why(data) -> dict:
    if not isinstance(data, dict):
        raise _invalid("why must be a JSON object")
    columns = _texts(data.get("columns"), "why columns")
    row = data.get("row")
    if not (is_int(row) and row >= 0):
        raise _invalid("why row must be a whole number >= 0")
    return {
        "row": row,
        "columns": columns,
        "values": _texts(data.get("values"), "why values", len(columns)),
        "contributions": _numbers(
            data.get("contributions"), "why contributions", len(columns)
        ),
        "prediction": _text(data.get("prediction", ""), "why prediction"),
        "sentence": _text(data.get("sentence", ""), "why sentence", 4 * MAX_TEXT),
    }


def _grid(values, size, n_inputs: int, what: str) -> list:
    if not (is_int(size) and 2 <= size <= MAX_GRID):
        raise _invalid(f"plane {what} size must be a whole number from 2 to {MAX_GRID}")
    if not isinstance(values, list) or len(values) != size * size:
        raise _invalid(f"plane {what} needs {size * size} rows")
    return [_numbers(row, f"plane {what} rows", n_inputs) for row in values]


def _range(values, what: str) -> list[float]:
    """Return ``[low, high]``, finite, low < high, and not too wide to draw."""
    low, high = _numbers(values, what, 2)
    if not (low < high and math.isfinite(high / 2 - low / 2)):
        raise _invalid(f"{what} must be [low, high] with low < high")
    return [low, high]


def _plane(plane, n_inputs: int) -> dict:
    if not isinstance(plane, dict):
        raise _invalid("plane must be a JSON object")
    points = plane.get("points", [])
    if not isinstance(points, list) or len(points) > 10_000:
        raise _invalid("plane points must be a list of at most 10000 [x, y]")
    return {
        "columns": _texts(plane.get("columns"), "plane columns", 2),
        "x": _range(plane.get("x"), "plane x"),
        "y": _range(plane.get("y"), "plane y"),
        "size": plane.get("size"),
        "inputs": _grid(plane.get("inputs"), plane.get("size"), n_inputs, "inputs"),
        "neuron_size": plane.get("neuron_size"),
        "neuron_inputs": _grid(
            plane.get("neuron_inputs"), plane.get("neuron_size"), n_inputs, "neuron"
        ),
        "points": [_numbers(point, "plane points", 2) for point in points],
        "truth": _texts(plane.get("truth", []), "plane truth", len(points))
        if plane.get("truth")
        else [],
    }


def check(glossary, n_inputs: int, n_outputs: int, n_rows: int = 0) -> dict:
    """Return a checked copy of ``glossary`` for a network and its recorded rows.

    Parameters
    ----------
    glossary : dict or None
        See the module; None is an empty glossary.
    n_inputs, n_outputs : int
        The network's input and output widths.
    n_rows : int, default=0
        How many rows were recorded (the table's rows must match).

    Returns
    -------
    dict
        Only the known keys, each checked; texts longer than ``MAX_TEXT``
        are cut.

    Raises
    ------
    ValueError
        One line saying what does not fit.

    Examples
    --------
    >>> check({"inputs": ["age", "sex=female"], "outputs": ["price"]}, 2, 1)
    {'inputs': ['age', 'sex=female'], 'outputs': ['price']}
    """
    if glossary is None:
        return {}
    if not isinstance(glossary, dict):
        raise _invalid("it must be a JSON object")
    readers = {
        "inputs": lambda value: _texts(value, "inputs", n_inputs),
        "outputs": lambda value: _texts(value, "outputs", n_outputs),
        "input_columns": lambda value: _texts(value, "input_columns", n_inputs),
        "task": lambda value: _text(value, "task"),
        "target": lambda value: _text(value, "target"),
        "output_scale": lambda value: _numbers(value, "output_scale", 2),
        "table": lambda value: _table(value, n_rows),
        "importance": _importance,
        "why": _why,
        "plane": lambda value: _plane(value, n_inputs),
    }
    return {
        key: read(glossary[key]) for key, read in readers.items() if key in glossary
    }


def in_target_units(glossary: dict, values):
    """Return network outputs in the target's units (regression), else as they are."""
    if "output_scale" not in glossary:
        return values
    shift, scale = glossary["output_scale"]
    with np.errstate(over="ignore", invalid="ignore"):  # beyond floats: shown as such
        return values * scale + shift


def of_network(network, more: dict | None = None, n_rows: int = 0) -> dict:
    """Return the network's ``metadata["glossary"]`` updated with ``more``, checked."""
    words = {**network.metadata.get("glossary", {}), **(more or {})}
    return check(words, network.widths[0], network.widths[-1], n_rows)
