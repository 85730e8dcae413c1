"""A table's cells read as text, numbers and yes/no words, the same way everywhere.

Fitting, encoding and the target all read cells through these functions, so a
value means the same in training and at prediction.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from ._words import column_list, plural

#: Text read as 1 and as 0 (compared in lower case, without surrounding spaces).
TRUE_WORDS = frozenset({"yes", "y", "true"})
FALSE_WORDS = frozenset({"no", "n", "false"})

# A number written with a leading zero ("00123", "007") is a code, not a quantity.
_CODE = re.compile(r"\s*[+-]?0\d")


def check_frame(frame) -> pd.DataFrame:
    """Return ``frame`` with text column names; refuse other types, no rows, twins."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(
            f"frame must be a pandas DataFrame, got {type(frame).__name__}; read"
            " files with glassnet.tabular.read_table"
        )
    if isinstance(frame.columns, pd.MultiIndex):
        raise ValueError(
            "frame has columns of more than one level (a MultiIndex); give each"
            " column one name, for example with frame.columns ="
            " ['_'.join(map(str, name)) for name in frame.columns]"
        )
    if len(frame) == 0:
        raise ValueError("the table has no rows")
    # Columns are found by name, as text: 0 and "0" are the same column.
    frame = frame.rename(columns=str)
    duplicated = frame.columns[frame.columns.duplicated()]
    if len(duplicated):
        raise ValueError(
            f"the table has more than one column named {duplicated[0]!r}; give"
            " every column its own name"
        )
    return frame


def check_columns(frame: pd.DataFrame, columns) -> None:
    """Raise a one-line ValueError naming every one of ``columns`` the frame lacks."""
    absent = [name for name in columns if name not in frame.columns]
    if absent:
        raise ValueError(
            f"the data lacks {plural(len(absent), 'column')} the model"
            f" needs: {column_list(absent)}; it was trained on"
            f" {column_list(columns)}"
        )


def as_text(value) -> str:
    """Return a cell as text; a float that is a whole number loses its ``.0``.

    NOTE: a column of whole numbers with a gap reads as floats (1.0, NaN), so
    without this "1" in training and 1.0 at prediction would differ.
    """
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def as_written(value) -> str:
    """Return a cell as the user wrote it: :func:`as_text` without the stripping."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def is_code(text: str) -> bool:
    """Whether a text is a number written with a leading zero, such as "00123"."""
    return _CODE.match(text) is not None


def mark_missing(frame: pd.DataFrame, na_values: frozenset[str]) -> pd.DataFrame:
    """Return ``frame`` with the text cells in ``na_values`` (stripped) missing."""
    if not na_values:
        return frame
    frame = frame.copy()
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        if pd.api.types.is_numeric_dtype(series.dtype):
            continue
        hit = np.array(
            [isinstance(cell, str) and cell.strip() in na_values for cell in series],
            dtype=bool,
        )
        if hit.any():
            frame.isetitem(position, series.mask(hit))
    return frame


def texts(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return each cell as text (object array, "" where missing) and where missing."""
    missing = series.isna().to_numpy(dtype=bool)
    if pd.api.types.is_string_dtype(series.dtype) and not (
        pd.api.types.is_object_dtype(series.dtype)
    ):
        # A CSV file's columns: text only, stripped in one vectorised step.
        result = series.str.strip().to_numpy(dtype=object, na_value="")
    else:
        result = np.full(len(series), "", dtype=object)
        values = series.to_numpy(dtype=object)
        result[~missing] = [as_text(value) for value in values[~missing]]
    # A blank cell (only spaces) is a missing value, not a category "".
    return result, missing | (result == "")


def numbers(series: pd.Series) -> tuple[np.ndarray, int, str | None]:
    """Return a column as float64 (NaN where missing or not a number).

    Also returns how many present cells were not numbers (or infinite) and the
    first such cell, for notes.
    """
    present = series.notna().to_numpy(dtype=bool)
    values = parse_numbers(series)
    bad = present & ~np.isfinite(values)
    values[~np.isfinite(values)] = np.nan
    first = None
    if bad.any():
        first = as_text(series.to_numpy(dtype=object)[np.flatnonzero(bad)[0]])
    return values, int(bad.sum()), first


def parse_numbers(series: pd.Series) -> np.ndarray:
    """Return a column as a new float64 array: NaN where missing or not a number.

    Text is parsed once per distinct value (a CSV column repeats its values).
    """
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        return series.to_numpy(dtype=np.float64, na_value=np.nan).copy()
    try:
        codes, uniques = pd.factorize(series)
    except TypeError:  # unhashable cells (lists from Parquet)
        codes, uniques = np.arange(len(series)), series
    parsed = pd.to_numeric(
        pd.Series(np.asarray(uniques, dtype=object), dtype=object), errors="coerce"
    ).to_numpy(dtype=np.float64, na_value=np.nan)
    values = np.full(len(series), np.nan)
    known = codes >= 0
    values[known] = parsed[codes[known]]
    return values


def yes_no(words: np.ndarray) -> np.ndarray:
    """Return 1.0/0.0 for yes/no words, NaN for anything else."""
    lowered = np.array([word.lower() for word in words], dtype=object)
    result = np.full(len(words), np.nan)
    result[np.isin(lowered, list(TRUE_WORDS))] = 1.0
    result[np.isin(lowered, list(FALSE_WORDS))] = 0.0
    return result


def is_number(value) -> bool:
    """Whether a saved value is a finite int or float (not a bool)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def is_label(value) -> bool:
    """Whether a saved value can be a class label: text or a finite number."""
    return isinstance(value, str) or is_number(value)


_ID_NAMES = frozenset({"id", "index", "row", "rowid", "row_id", "row id"})


def is_identifier_name(name: str) -> bool:
    """Whether a column's name says it holds identifiers (``id``, ``*_id``...)."""
    lowered = name.strip().lower()
    return (
        lowered in _ID_NAMES
        or lowered.startswith("unnamed:")
        or lowered.endswith(("_id", " id", "-id"))
    )
