"""A table's input columns as the cells the encodings read: an exported model's feeds.

An exported model (:mod:`glassnet.export`) does the encodings' arithmetic, but
not the reading of cells that comes before it: ONNX has no op that strips text,
and onnxruntime turns ``None`` and ``NaN`` inside text arrays into the words
"None" and "nan". So each column is read here exactly as ``predict`` reads
it: a number column as float64 with NaN where a cell is missing, not a number
or infinite; a text column as text without surrounding spaces, a whole-number
float without its ``.0``, and ``""`` where missing.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ._cells import check_columns, check_frame, mark_missing, numbers, texts
from .binned import BinnedNumeric
from .encoders import Encoder, Numeric
from .preprocessor import TabularPreprocessor
from .tables import check_na_values


def reads_numbers(encoder: Encoder) -> bool:
    """Whether an encoding reads its column as numbers (else as text)."""
    return isinstance(encoder, Numeric | BinnedNumeric)


def raw_inputs(
    prep: TabularPreprocessor,
    frame: pd.DataFrame,
    na_values: Iterable[str] = (),
    notes: list | None = None,
) -> dict[str, np.ndarray]:
    """Return each input column's cells as the encodings read them, by column name.

    Parameters
    ----------
    prep : TabularPreprocessor
        Fitted.
    frame : DataFrame
        Columns found by name, in any order; extra columns are ignored.
    na_values : iterable of str, default=()
        Cell texts read as missing, as in :meth:`TabularModel.predict`.
    notes : list or None, default=None
        If given, receives the sentences ``predict`` says about the cells
        (unknown categories, text in number columns, new missing values).

    Returns
    -------
    dict of str to ndarray of shape (n_samples, 1)
        float64 (NaN for missing) for number columns, object arrays of str
        (``""`` for missing) for text columns, in ``prep.input_columns`` order.

    Raises
    ------
    ValueError
        If a column the model needs is absent (all are named).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"age": [1.0, None, 3.0, 5.0],
    ...                       "city": [" Oslo", "Rome", None, "Oslo"],
    ...                       "y": [0, 1, 0, 1]})
    >>> prep = TabularPreprocessor().fit(frame, target="y")
    >>> cells = raw_inputs(prep, frame)
    >>> cells["age"].ravel().tolist(), cells["city"].ravel().tolist()
    ([1.0, nan, 3.0, 5.0], ['Oslo', 'Rome', '', 'Oslo'])
    """
    frame = check_frame(frame)
    check_columns(frame, prep.input_columns)
    frame = mark_missing(frame, check_na_values(na_values))
    if notes is not None:
        prep.transform(frame, notes)  # the encodings say what they saw
    cells = {}
    for encoder in prep.encoders:
        series = frame[encoder.column]
        if reads_numbers(encoder):
            values = numbers(series)[0]
        else:
            values = texts(series)[0].astype(object)
        cells[encoder.column] = values.reshape(-1, 1)
    return cells
