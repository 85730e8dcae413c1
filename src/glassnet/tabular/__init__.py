"""Tables in, predictions out: what ``glassnet train`` and ``predict`` do, in Python.

A CSV or Parquet table becomes a matrix of numbers for the network, and the
network's outputs become labels again:

- :class:`TabularPreprocessor` learns, from a training table, how to encode each
  column: yes/no, true/false and y/n as 1/0; other text one-hot (a value never
  seen in training encodes as all zeros); numbers standardised; missing values
  filled in, with an indicator column when training had some; identifier and
  constant columns left out. It also encodes and decodes the target, and is
  saved as plain JSON data inside the model file (``net.metadata["preprocessing"]``).
- :func:`train`, :func:`predict` and :func:`evaluate` do what the commands do,
  on pandas DataFrames; :func:`read_table` and :func:`write_table` read and
  (atomically) write files with one-line errors.
- :func:`classification_metrics` and :func:`regression_metrics` compute the
  reported numbers with NumPy only.

This is the only module that imports pandas (``pip install "glassnet[tabular]"``);
the engine stays NumPy-only.

Limits: the whole table is read into memory; dates in a CSV file are read as
text, so they are categories (or left out as identifiers), and Parquet's date
and time columns are left out; text is treated as categories (no free text);
a classifier always ends in a softmax over its classes, even for two.

Examples
--------
>>> import pandas as pd
>>> from glassnet.tabular import TabularPreprocessor
>>> frame = pd.DataFrame({"cat": ["yes", "no", "yes", "no"],
...                       "age": [1.0, None, 3.0, 5.0],
...                       "bought": ["yes", "yes", "no", "no"]})
>>> prep = TabularPreprocessor().fit(frame, target="bought")
>>> prep.feature_names
['cat', 'age', 'age_missing']
>>> prep.transform(frame).round(2).tolist()[1]
[0.0, 0.0, 1.0]
>>> prep.encode_target(frame["bought"]).tolist()
[1, 1, 0, 0]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

import numpy as np

from .. import metrics as metrics_module
from .._files import atomic_file, check_writable
from .._validation import is_int, one_line
from ..callbacks import EarlyStopping
from ..layers import Dense
from ..network import Network
from ..optimizers import Adam
from ..recording import Recorder
from ..training import split_rows

try:
    import pandas as pd
except ImportError:  # pragma: no cover - depends on the environment
    raise ImportError(
        "glassnet.tabular needs pandas: pip install 'glassnet[tabular]'"
    ) from None

__all__ = [
    "TabularPreprocessor",
    "classification_metrics",
    "evaluate",
    "infer_task",
    "predict",
    "preprocessor_of",
    "read_table",
    "regression_metrics",
    "train",
    "write_table",
]

#: Text read as 1 and as 0 (compared in lower case, without surrounding spaces).
TRUE_WORDS = frozenset({"yes", "y", "true"})
FALSE_WORDS = frozenset({"no", "n", "false"})
#: A numeric target with at most this many distinct whole numbers is a class label.
MAX_AUTO_CLASSES = 10
_FORMAT_NAME = "glassnet-tabular"
_FORMAT_VERSION = 1
_TASKS = ("auto", "classification", "regression")
_ID_NAMES = frozenset({"id", "index", "row", "rowid", "row_id", "row id"})
_PARQUET_SUFFIXES = (".parquet", ".pq")
_COMPRESSED_SUFFIXES = (".gz", ".bz2", ".zip", ".xz", ".zst", ".tar")


# -- reading and writing tables -----------------------------------------------


def read_table(path) -> pd.DataFrame:
    """Read a CSV (or TSV, or Parquet) file into a DataFrame, with one-line errors.

    Parquet is recognised by its first bytes, whatever the name; ``.tsv`` files
    are split at tabs; compressed CSV (``.csv.gz`` ...) is read as pandas does.
    Column names become strings.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    DataFrame
        At least one column and one row.

    Raises
    ------
    FileNotFoundError, IsADirectoryError, PermissionError
        If ``path`` cannot be opened as a file.
    ValueError
        If the file is empty, has no rows, is binary or not UTF-8 text, or
        cannot be parsed; the message says which, on one line.
    """
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(
            f"{path} is a directory, not a data file; give a CSV or Parquet file"
        )
    try:
        with open(path, "rb") as file:
            head = file.read(8192)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} does not exist; check the file name") from None
    except PermissionError:
        raise PermissionError(f"{path} cannot be read: permission denied") from None
    if not head.strip():
        raise ValueError(
            f"{path} is empty; a CSV file needs a header line with the column"
            " names and one line per row"
        )
    if head[:4] == b"PAR1":
        frame = _read_parquet(path)
    else:
        compressed = path.lower().endswith(_COMPRESSED_SUFFIXES)
        if not compressed and b"\0" in head:
            raise ValueError(
                f"{path} is not a CSV file: it holds binary data; export the table"
                " as CSV (comma-separated text) or Parquet"
            )
        frame = _read_csv(path)
    if frame.shape[1] == 0:
        raise ValueError(f"{path} has no columns; the first line must name them")
    if len(frame) == 0:
        raise ValueError(
            f"{path} has a header but no rows of data; add one line per example"
        )
    return frame


def _read_csv(path: str) -> pd.DataFrame:
    sep = "\t" if path.lower().endswith((".tsv", ".tsv.gz", ".tab")) else ","
    try:
        # low_memory=False: each column's type is inferred from all its values,
        # not chunk by chunk (which warns and can mix types).
        return pd.read_csv(path, sep=sep, low_memory=False)
    except UnicodeDecodeError:
        raise ValueError(
            f"{path} is not UTF-8 text (binary data or another encoding); save it"
            " as CSV UTF-8"
        ) from None
    except pd.errors.EmptyDataError:
        raise ValueError(
            f"{path} is empty; a CSV file needs a header line with the column"
            " names and one line per row"
        ) from None
    except (pd.errors.ParserError, ValueError) as error:
        raise ValueError(f"cannot read {path} as CSV: {one_line(error)}") from None


def _read_parquet(path: str) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except ImportError:
        raise ValueError(
            "reading Parquet needs pyarrow: pip install 'glassnet[tabular]'"
        ) from None
    except (ValueError, OSError, TypeError, NotImplementedError) as error:
        # pyarrow's ArrowInvalid, ArrowIOError and ArrowNotImplementedError.
        raise ValueError(f"cannot read {path} as Parquet: {one_line(error)}") from None
    # A saved index (such as customer_id) is a column of the user's table.
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    return frame


def write_table(frame: pd.DataFrame, path, *, file_format: str | None = None) -> None:
    """Write ``frame`` to ``path`` atomically: a temporary file, then a rename.

    Parameters
    ----------
    frame : DataFrame
    path : str or os.PathLike
    file_format : {"csv", "parquet"} or None, default=None
        None picks Parquet for ``.parquet``/``.pq`` names, else CSV.

    Raises
    ------
    OSError
        If the file cannot be written; ``path`` is then left as it was and no
        temporary file stays behind.
    """
    path = os.fspath(path)
    if file_format is None:
        is_parquet = path.lower().endswith(_PARQUET_SUFFIXES)
        file_format = "parquet" if is_parquet else "csv"
    check_writable(path)
    try:
        with atomic_file(path, text=file_format != "parquet") as file:
            if file_format == "parquet":
                frame.to_parquet(file, index=False)
            else:
                frame.to_csv(file, index=False)
    except OSError as error:
        raise OSError(f"cannot write {path}: {one_line(error)}") from None
    except ImportError:
        raise ValueError(
            "writing Parquet needs pyarrow: pip install 'glassnet[tabular]'"
        ) from None
    except (ValueError, TypeError, NotImplementedError) as error:
        # pyarrow's ArrowInvalid, ArrowTypeError, ArrowNotImplementedError
        raise ValueError(
            f"cannot write {path} as {file_format}: {one_line(error)}"
        ) from None


# -- small helpers --------------------------------------------------------------


def _as_text(value) -> str:
    """Return a cell as text; a float that is a whole number loses its ``.0``.

    NOTE: a column of whole numbers with a gap reads as floats (1.0, NaN), so
    without this "1" in training and 1.0 at prediction would differ.
    """
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value).strip()


def _texts(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return each cell as text (object array, "" where missing) and where missing."""
    missing = series.isna().to_numpy(dtype=bool)
    texts = np.full(len(series), "", dtype=object)
    values = series.to_numpy(dtype=object)
    texts[~missing] = [_as_text(value) for value in values[~missing]]
    # A blank cell (only spaces) is a missing value, not a category "".
    return texts, missing | (texts == "")


def _numbers(series: pd.Series) -> tuple[np.ndarray, int, str | None]:
    """Return a column as float64 (NaN where missing or not a number).

    Also returns how many present cells were not numbers (or infinite) and the
    first such cell, for notes.
    """
    present = series.notna().to_numpy(dtype=bool)
    if pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        values = pd.to_numeric(series, errors="coerce").to_numpy(
            dtype=np.float64, na_value=np.nan
        )
    values = values.copy()
    bad = present & ~np.isfinite(values)
    values[~np.isfinite(values)] = np.nan
    first = None
    if bad.any():
        first = _as_text(series.to_numpy(dtype=object)[np.flatnonzero(bad)[0]])
    return values, int(bad.sum()), first


def _yes_no(texts: np.ndarray) -> np.ndarray:
    """Return 1.0/0.0 for yes/no words, NaN for anything else."""
    lowered = np.array([text.lower() for text in texts], dtype=object)
    result = np.full(len(texts), np.nan)
    result[np.isin(lowered, list(TRUE_WORDS))] = 1.0
    result[np.isin(lowered, list(FALSE_WORDS))] = 0.0
    return result


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _quoted_list(values, limit: int = 6) -> str:
    shown = ", ".join(str(value) for value in list(values)[:limit])
    more = len(values) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def _column_list(names, limit: int = 12) -> str:
    return _quoted_list([repr(name) for name in names], limit)


def _is_identifier_name(name: str) -> bool:
    lowered = name.strip().lower()
    return (
        lowered in _ID_NAMES
        or lowered.startswith("unnamed:")
        or lowered.endswith(("_id", " id", "-id"))
    )


def infer_task(series: pd.Series) -> tuple[str, str]:
    """Return ``("classification" | "regression", reason)`` for a target column.

    Text, yes/no and booleans are classes; whole numbers with at most
    ``MAX_AUTO_CLASSES`` distinct values are classes; other numbers are a
    quantity to regress on. Missing values are ignored.
    """
    values = series.dropna()
    if len(values) == 0:
        raise ValueError(f"target {series.name!r} has no values")
    if pd.api.types.is_bool_dtype(series):
        return "classification", "it holds true/false values"
    if not pd.api.types.is_numeric_dtype(series):
        return "classification", "it holds text"
    numbers = values.to_numpy(dtype=np.float64)
    n_distinct = len(np.unique(numbers))
    whole = np.isfinite(numbers).all() and (numbers == np.round(numbers)).all()
    if whole and n_distinct <= MAX_AUTO_CLASSES:
        return "classification", f"it holds {n_distinct} distinct whole numbers"
    return "regression", f"it holds numbers with {n_distinct} distinct values"


# -- the preprocessor -------------------------------------------------------------


class TabularPreprocessor:
    """Encoding of a table's columns as network inputs, learned from training data.

    Each input column gets one encoding, chosen by :meth:`fit`:

    - ``"binary"``: yes/no, true/false, y/n (any case) or booleans as 1/0;
    - ``"numeric"``: numbers, standardised with the training mean and standard
      deviation (a text column whose values are at least 90% numbers counts,
      the other cells being treated as missing);
    - ``"categorical"``: other text, one-hot over the training values (at most
      ``max_categories``, the most frequent); a value never seen in training
      encodes as all zeros.

    Missing values become the training mean (binary and numeric) or all zeros
    (categorical), and a column that had missing values in training also gets
    an indicator feature ``<column>_missing``. Columns that are all missing,
    constant, identifiers (text whose every value differs, or distinct whole
    numbers under a name such as ``id``), or of another type (dates) are left
    out, and listed in ``dropped``.

    Parameters
    ----------
    max_categories : int, default=50
        Most one-hot features for one text column.

    Attributes
    ----------
    target : str or None
        The target column's name, if fitted with one.
    task : {"classification", "regression"} or None
    classes : list or None
        Class labels in the order of the network's outputs (classification).
    columns : list of dict
        One encoding per input column, as JSON data.
    dropped : list of dict
        ``{"column": name, "reason": text}`` for each column left out.
    notes : list of str
        What ``fit`` decided that a user should know, one sentence each.

    Examples
    --------
    See the module docstring.
    """

    def __init__(self, *, max_categories: int = 50) -> None:
        if isinstance(max_categories, bool) or not (
            isinstance(max_categories, int) and max_categories >= 1
        ):
            raise ValueError(
                f"max_categories must be a positive integer, got {max_categories!r}"
            )
        self.max_categories = max_categories
        self._reset()

    def _reset(self) -> None:
        self.target: str | None = None
        self.task: str | None = None
        self.classes: list | None = None
        self.target_mean: float | None = None
        self.target_scale: float | None = None
        self.columns: list[dict] = []
        self.dropped: list[dict] = []
        self.notes: list[str] = []
        self._fitted = False

    # -- fitting --

    def fit(
        self,
        frame: pd.DataFrame,
        target: str | None = None,
        drop: Iterable[str] = (),
        task: str = "auto",
    ) -> TabularPreprocessor:
        """Learn every column's encoding (and the target's) from ``frame``.

        Parameters
        ----------
        frame : DataFrame
            The training table.
        target : str or None, default=None
            The column to predict; rows where it is missing are ignored.
        drop : iterable of str, default=()
            Columns to leave out.
        task : {"auto", "classification", "regression"}, default="auto"
            What the target is; "auto" infers it (see :func:`infer_task`).

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If a named column does not exist, the target has a single class or
            a constant value, or no column is left to learn from.
        """
        frame = _check_frame(frame)
        if task not in _TASKS:
            raise ValueError(f"task must be one of {list(_TASKS)}, got {task!r}")
        drop = [drop] if isinstance(drop, str) else list(drop)
        unknown = [name for name in drop if name not in frame.columns]
        if unknown:
            raise ValueError(
                f"cannot drop {_column_list(unknown)}: no such column; the columns"
                f" are {_column_list(frame.columns)}"
            )
        self._reset()
        if target is not None:
            if target not in frame.columns:
                raise ValueError(
                    f"there is no target column {target!r}; the columns are"
                    f" {_column_list(frame.columns)}"
                )
            if target in drop:
                raise ValueError(f"the target {target!r} cannot also be dropped")
            present = frame[target].notna().to_numpy()
            if not present.any():
                raise ValueError(f"target column {target!r} has no values")
            if not present.all():
                self.notes.append(
                    f"left out {_plural(int((~present).sum()), 'row')} whose"
                    f" target {target!r} is missing"
                )
                frame = frame[present]
            self._fit_target(frame[target], task)
        for name in frame.columns:
            if name == target:
                continue
            if name in drop:
                self.dropped.append({"column": name, "reason": "asked to drop it"})
                continue
            spec = self._fit_column(frame[name])
            if spec is not None:
                self.columns.append(spec)
        if not self.columns:
            raise ValueError(
                "no column is left to learn from: "
                + "; ".join(f"{d['column']!r} {d['reason']}" for d in self.dropped)
            )
        self._fitted = True
        return self

    def _fit_target(self, series: pd.Series, task: str) -> None:
        name = series.name
        if task == "auto":
            task = infer_task(series)[0]
        self.target, self.task = name, task
        if task == "classification":
            texts, _ = _texts(series)
            if pd.api.types.is_numeric_dtype(series) and not (
                pd.api.types.is_bool_dtype(series)
            ):
                numbers = np.unique(series.to_numpy(dtype=np.float64))
                classes = [
                    int(value) if float(value).is_integer() else float(value)
                    for value in numbers
                ]
            else:
                classes = sorted(set(texts.tolist()))
            if len(classes) < 2:
                raise ValueError(
                    f"target {name!r} has only one class ({_as_text(classes[0])!r});"
                    " a classifier needs at least two: check --target, or collect"
                    " examples of the other outcomes"
                )
            self.classes = classes
            return
        values, n_bad, first = _numbers(series)
        if n_bad:
            raise ValueError(
                f"target {name!r} holds values that are not numbers, such as"
                f" {first!r}; a regression needs numbers (or use task"
                " 'classification')"
            )
        scale = float(values.std())
        if not scale > 0:
            raise ValueError(
                f"target {name!r} is {_as_text(values[0])} in every row; there is"
                " nothing to learn"
            )
        if not np.isfinite(scale):
            raise ValueError(f"target {name!r} has values too large to learn from")
        self.target_mean, self.target_scale = float(values.mean()), scale

    def _drop(self, name: str, reason: str) -> None:
        self.dropped.append({"column": name, "reason": reason})
        self.notes.append(f"left out column {name!r}: {reason}")

    def _fit_column(self, series: pd.Series) -> dict | None:
        """Return the encoding of one column, or None if it is left out."""
        name = str(series.name)
        kind = series.dtype
        numeric = pd.api.types.is_numeric_dtype(kind) and not (
            pd.api.types.is_bool_dtype(kind)
        )
        textual = (
            pd.api.types.is_bool_dtype(kind)
            or pd.api.types.is_object_dtype(kind)
            or pd.api.types.is_string_dtype(kind)
            or isinstance(kind, pd.CategoricalDtype)
        )
        if not (numeric or textual):
            self._drop(name, f"its type ({kind}) is not supported")
            return None
        if series.isna().all():
            self._drop(name, "every value is missing")
            return None
        if numeric:
            return self._fit_numeric(series)
        texts, missing = _texts(series)
        present = texts[~missing]
        distinct = set(present.tolist())
        if len(distinct) == 1:
            self._drop(name, f"it is {present[0]!r} in every row")
            return None
        words = {text.lower() for text in distinct}
        if (
            words <= TRUE_WORDS | FALSE_WORDS
            and words & TRUE_WORDS
            and words & FALSE_WORDS
        ):
            encoded = _yes_no(present)
            spec = {
                "column": name,
                "encoding": "binary",
                # The words for 1 first, as in "yes/no -> 1/0".
                "values": sorted(
                    distinct, key=lambda text: (text.lower() in FALSE_WORDS, text)
                ),
                "fill": float(encoded.mean()),
                "indicator": bool(missing.any()),
            }
            self._note_missing(spec, missing)
            return spec
        _, n_bad, first = _numbers(series)
        n_present = len(present)
        if n_bad < n_present and n_bad <= 0.1 * n_present:
            if n_bad == 0:  # numbers stored as objects (say, from Parquet)
                return self._fit_numeric(series)
            self.notes.append(
                f"column {name!r} holds numbers but {_plural(n_bad, 'value')} that"
                f" {'is' if n_bad == 1 else 'are'} not (such as {first!r}): treated"
                " as missing"
            )
            return self._fit_numeric(series)
        if len(distinct) == n_present:
            self._drop(name, "every value is different, as in an identifier")
            return None
        counts = pd.Series(present).value_counts()
        if len(counts) > self.max_categories:
            # The most frequent first; ties by text, so the choice is reproducible.
            ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            kept = [text for text, _ in ranked[: self.max_categories]]
            self.notes.append(
                f"column {name!r} has {len(counts)} different values: one-hot"
                f" encoding the {self.max_categories} most frequent, the rest as"
                " unknown"
            )
        else:
            kept = list(counts.index)
        spec = {
            "column": name,
            "encoding": "categorical",
            "categories": sorted(kept),
            "indicator": bool(missing.any()),
        }
        self._note_missing(spec, missing)
        return spec

    def _fit_numeric(self, series: pd.Series) -> dict | None:
        name = str(series.name)
        values, _, _ = _numbers(series)
        missing = np.isnan(values)
        present = values[~missing]
        if len(present) == 0:
            self._drop(name, "no value is a number")
            return None
        if np.unique(present).size == 1:
            self._drop(name, f"it is {_as_text(present[0])} in every row")
            return None
        whole_distinct = (present == np.round(present)).all() and np.unique(
            present
        ).size == len(present)
        if whole_distinct and _is_identifier_name(name):
            self._drop(
                name, "every value is a different whole number, as in an identifier"
            )
            return None
        mean, scale = float(present.mean()), float(present.std())
        if not (np.isfinite(mean) and np.isfinite(scale)):
            raise ValueError(f"column {name!r} has values too large to standardise")
        spec = {
            "column": name,
            "encoding": "numeric",
            "mean": mean,
            "scale": scale if scale > 0 else 1.0,
            "indicator": bool(missing.any()),
        }
        self._note_missing(spec, missing)
        return spec

    def _note_missing(self, spec: dict, missing: np.ndarray) -> None:
        if not spec["indicator"]:
            return
        fill = "all zeros" if spec["encoding"] == "categorical" else "the mean"
        self.notes.append(
            f"column {spec['column']!r} has"
            f" {_plural(int(missing.sum()), 'missing value')}: filled with {fill},"
            " plus an indicator column"
        )

    # -- using it --

    def _check_fitted(self) -> None:
        if not self._fitted:
            raise ValueError(
                "this TabularPreprocessor is not fitted yet: call fit(frame, target)"
            )

    @property
    def input_columns(self) -> list[str]:
        """The columns ``transform`` needs, in the order they are encoded."""
        return [spec["column"] for spec in self.columns]

    @property
    def feature_names(self) -> list[str]:
        """The name of each column of ``transform``'s output."""
        self._check_fitted()
        names = []
        for spec in self.columns:
            column = spec["column"]
            if spec["encoding"] == "categorical":
                names.extend(f"{column}={value}" for value in spec["categories"])
            else:
                names.append(column)
            if spec["indicator"]:
                names.append(f"{column}_missing")
        return names

    @property
    def n_features(self) -> int:
        """Width of ``transform``'s output."""
        return len(self.feature_names)

    def transform(self, frame: pd.DataFrame, notes: list | None = None) -> np.ndarray:
        """Encode ``frame``'s input columns as a float64 matrix.

        Columns are found by name: their order does not matter, and columns the
        encoding does not use (the target, extra ones) are ignored.

        Parameters
        ----------
        frame : DataFrame
        notes : list or None, default=None
            If given, sentences about values the training data did not have
            (unknown categories, text in number columns, new missing values) are
            appended to it.

        Returns
        -------
        ndarray of shape (n_samples, n_features)

        Raises
        ------
        ValueError
            If a column the encoding needs is missing (all are named).
        """
        self._check_fitted()
        frame = _check_frame(frame)
        missing_columns = [
            name for name in self.input_columns if name not in frame.columns
        ]
        if missing_columns:
            raise ValueError(
                f"the data lacks {_plural(len(missing_columns), 'column')} the model"
                f" needs: {_column_list(missing_columns)}; it was trained on"
                f" {_column_list(self.input_columns)}"
            )
        duplicated = frame.columns[frame.columns.duplicated()]
        twice = [name for name in self.input_columns if name in set(duplicated)]
        if twice:
            raise ValueError(f"the data has column {twice[0]!r} more than once")
        notes = [] if notes is None else notes
        parts = [
            part
            for spec in self.columns
            for part in _ENCODERS[spec["encoding"]](spec, frame[spec["column"]], notes)
        ]
        return np.column_stack(parts).astype(np.float64, copy=False)

    def fit_transform(self, frame, target=None, drop=(), task="auto") -> np.ndarray:
        """``fit`` then ``transform`` the same frame."""
        return self.fit(frame, target=target, drop=drop, task=task).transform(frame)

    def encode_target(self, series) -> np.ndarray:
        """Return the target as the network learns it.

        Classification: class indices into ``classes``, shape (n_samples,).
        Regression: standardised values, shape (n_samples, 1).

        Raises
        ------
        ValueError
            If a value is missing, or is not one of ``classes`` / not a number.
        """
        self._check_fitted()
        if self.task is None:
            raise ValueError("this preprocessor was fitted without a target")
        series = pd.Series(series).reset_index(drop=True)
        if series.isna().any():
            raise ValueError(
                f"target {self.target!r} is missing in"
                f" {_plural(int(series.isna().sum()), 'row')}; leave those rows out"
            )
        if self.task == "classification":
            index = {_as_text(label): i for i, label in enumerate(self.classes)}
            texts, _ = _texts(series)
            codes = np.array([index.get(text, -1) for text in texts], dtype=np.intp)
            unknown = texts[codes < 0]
            if len(unknown):
                raise ValueError(
                    f"target {self.target!r} has values the model never saw in"
                    f" training: {_quoted_list(sorted(set(unknown.tolist())))}; it"
                    f" knows only {_quoted_list(self.classes)}"
                )
            return codes
        values, n_bad, first = _numbers(series)
        if n_bad:
            raise ValueError(
                f"target {self.target!r} holds values that are not numbers, such as"
                f" {first!r}"
            )
        return ((values - self.target_mean) / self.target_scale).reshape(-1, 1)

    def decode_target(self, values) -> np.ndarray:
        """Turn network outputs back into target values.

        Parameters
        ----------
        values : ndarray
            Classification: class indices of shape (n_samples,). Regression:
            standardised outputs of shape (n_samples,) or (n_samples, 1).

        Returns
        -------
        ndarray of shape (n_samples,)
            Class labels, or values in the target's units.
        """
        self._check_fitted()
        values = np.asarray(values)
        if self.task == "classification":
            return np.asarray(self.classes)[values.astype(np.intp)]
        if self.task == "regression":
            return values.reshape(len(values), -1)[:, 0] * self.target_scale + (
                self.target_mean
            )
        raise ValueError("this preprocessor was fitted without a target")

    def describe(self) -> list[dict]:
        """Return, per input column, its encoding in words and its features.

        Returns
        -------
        list of dict
            ``{"column", "encoding", "description", "features"}`` each.
        """
        self._check_fitted()
        rows = []
        for spec in self.columns:
            column, kind = spec["column"], spec["encoding"]
            features = [column]
            if kind == "numeric":
                text = (
                    f"number, standardised (mean {spec['mean']:.4g},"
                    f" sd {spec['scale']:.4g})"
                )
                fill = "the mean"
            elif kind == "binary":
                text = f"{'/'.join(spec['values'])} -> 1/0"
                fill = f"{spec['fill']:.3g}"
            else:
                features = [f"{column}={value}" for value in spec["categories"]]
                text = (
                    f"one-hot over {_plural(len(spec['categories']), 'value')}"
                    f" ({_quoted_list(spec['categories'], 4)}); unknown -> all zeros"
                )
                fill = "all zeros"
            if spec["indicator"]:
                text += f"; missing -> {fill} + indicator"
                features.append(f"{column}_missing")
            else:
                text += f"; missing -> {fill}"
            rows.append(
                {
                    "column": column,
                    "encoding": kind,
                    "description": text,
                    "features": features,
                }
            )
        return rows

    # -- as data --

    def to_dict(self) -> dict:
        """Return the fitted preprocessor as JSON data (lists, numbers, strings)."""
        self._check_fitted()
        return {
            "format": _FORMAT_NAME,
            "format_version": _FORMAT_VERSION,
            "target": self.target,
            "task": self.task,
            "classes": None if self.classes is None else list(self.classes),
            "target_mean": self.target_mean,
            "target_scale": self.target_scale,
            "columns": [dict(spec) for spec in self.columns],
            "dropped": [dict(entry) for entry in self.dropped],
        }

    @classmethod
    def from_dict(cls, data) -> TabularPreprocessor:
        """Rebuild a preprocessor from ``to_dict()`` output, checking every field.

        Raises
        ------
        ValueError
            If ``data`` is not what ``to_dict`` makes (one line, naming the field).
        """
        check = _DataCheck()
        check.that(isinstance(data, dict), "it is not a JSON object")
        check.that(data.get("format") == _FORMAT_NAME, "its format is not glassnet's")
        version = data.get("format_version")
        check.that(is_int(version) and version >= 1, "format_version is invalid")
        check.that(
            version <= _FORMAT_VERSION,
            f"it was written by a newer glassnet (version {version}); upgrade",
        )
        prep = cls()
        task = data.get("task")
        check.that(task in (None, "classification", "regression"), "task is invalid")
        target = data.get("target")
        check.that((target is None) == (task is None), "target and task disagree")
        check.that(target is None or isinstance(target, str), "target is not text")
        prep.target, prep.task = target, task
        if task == "classification":
            classes = data.get("classes")
            check.that(
                isinstance(classes, list)
                and len(classes) >= 2
                and all(_is_label(value) for value in classes)
                and len({_as_text(value) for value in classes}) == len(classes),
                "classes must be a list of at least two distinct labels",
            )
            prep.classes = classes
        elif task == "regression":
            mean, scale = data.get("target_mean"), data.get("target_scale")
            check.that(
                _is_number(mean) and _is_number(scale) and scale > 0,
                "target_mean and target_scale must be numbers, the scale > 0",
            )
            prep.target_mean, prep.target_scale = float(mean), float(scale)
        columns = data.get("columns")
        check.that(
            isinstance(columns, list) and columns, "columns must be a non-empty list"
        )
        for spec in columns:
            check.column(spec)
        names = [spec["column"] for spec in columns]
        check.that(len(set(names)) == len(names), "a column is listed twice")
        prep.columns = [dict(spec) for spec in columns]
        dropped = data.get("dropped", [])
        check.that(
            isinstance(dropped, list)
            and all(
                isinstance(entry, dict)
                and isinstance(entry.get("column"), str)
                and isinstance(entry.get("reason"), str)
                for entry in dropped
            ),
            "dropped must list {column, reason} objects",
        )
        prep.dropped = [dict(entry) for entry in dropped]
        prep._fitted = True
        return prep

    def __repr__(self) -> str:
        if not self._fitted:
            return "TabularPreprocessor(not fitted)"
        target = "" if self.target is None else f", {self.task} of {self.target!r}"
        return (
            f"TabularPreprocessor({len(self.columns)} columns -> {self.n_features}"
            f" features{target})"
        )


def _encode_numeric(spec: dict, series: pd.Series, notes: list) -> list[np.ndarray]:
    values, n_bad, first = _numbers(series)
    name = spec["column"]
    if n_bad:
        notes.append(
            f"column {name!r}: {_plural(n_bad, 'value')} that"
            f" {'is' if n_bad == 1 else 'are'} not a number (such as {first!r})"
            " treated as missing"
        )
    missing = np.isnan(values)
    encoded = (values - spec["mean"]) / spec["scale"]
    encoded[missing] = 0.0
    return _with_indicator(spec, encoded, missing, notes)


def _encode_binary(spec: dict, series: pd.Series, notes: list) -> list[np.ndarray]:
    texts, missing = _texts(series)
    encoded = _yes_no(texts)
    unknown = ~missing & np.isnan(encoded)
    if unknown.any():
        notes.append(
            f"column {spec['column']!r}: {_plural(int(unknown.sum()), 'value')} not"
            f" {'/'.join(spec['values'])} (such as {texts[unknown][0]!r}) treated"
            " as missing"
        )
    missing = missing | unknown
    encoded[missing] = spec["fill"]
    return _with_indicator(spec, encoded, missing, notes)


def _encode_categorical(spec: dict, series: pd.Series, notes: list) -> list[np.ndarray]:
    texts, missing = _texts(series)
    categories = spec["categories"]
    codes = pd.Index(categories).get_indexer(texts)
    codes[missing] = -1
    unknown = ~missing & (codes < 0)
    if unknown.any():
        notes.append(
            f"column {spec['column']!r}: {_plural(int(unknown.sum()), 'value')} not"
            f" seen in training (such as {texts[unknown][0]!r}) encoded as all zeros"
        )
    one_hot = np.zeros((len(texts), len(categories)))
    known = codes >= 0
    one_hot[np.flatnonzero(known), codes[known]] = 1.0
    return _with_indicator(spec, one_hot, missing, notes)


def _with_indicator(spec, encoded, missing, notes) -> list[np.ndarray]:
    """Return the encoded block, and the missing indicator if training had one."""
    if spec["indicator"]:
        return [encoded, missing.astype(np.float64)]
    if missing.any():
        fill = "all zeros" if spec["encoding"] == "categorical" else "the mean"
        notes.append(
            f"column {spec['column']!r}:"
            f" {_plural(int(missing.sum()), 'missing value')} (none in training)"
            f" filled with {fill}"
        )
    return [encoded]


_ENCODERS = {
    "numeric": _encode_numeric,
    "binary": _encode_binary,
    "categorical": _encode_categorical,
}


def _is_number(value) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and bool(np.isfinite(value))
    )


def _is_label(value) -> bool:
    return isinstance(value, str) or _is_number(value)


class _DataCheck:
    """Raise one-line ValueErrors for invalid preprocessing data."""

    def that(self, condition: bool, problem: str) -> None:
        if not condition:
            raise ValueError(f"invalid preprocessing in the model: {problem}")

    def column(self, spec) -> None:
        self.that(
            isinstance(spec, dict) and isinstance(spec.get("column"), str),
            "each column must be an object with a 'column' name",
        )
        name, kind = spec["column"], spec.get("encoding")
        self.that(kind in _ENCODERS, f"column {name!r} has unknown encoding {kind!r}")
        self.that(
            isinstance(spec.get("indicator"), bool),
            f"column {name!r} needs 'indicator' true or false",
        )
        if kind == "numeric":
            self.that(
                _is_number(spec.get("mean"))
                and _is_number(spec.get("scale"))
                and spec["scale"] > 0,
                f"column {name!r} needs a numeric mean and a positive scale",
            )
        elif kind == "binary":
            self.that(
                _is_number(spec.get("fill"))
                and isinstance(spec.get("values"), list)
                and all(isinstance(value, str) for value in spec["values"]),
                f"column {name!r} needs a numeric fill and a list of values",
            )
        else:
            categories = spec.get("categories")
            self.that(
                isinstance(categories, list)
                and categories
                and all(isinstance(value, str) for value in categories)
                and len(set(categories)) == len(categories),
                f"column {name!r} needs a list of distinct text categories",
            )


def _check_frame(frame) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(
            f"expected a pandas DataFrame, got {type(frame).__name__}; read files"
            " with glassnet.tabular.read_table"
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


# -- metrics ------------------------------------------------------------------


def classification_metrics(y_true, y_pred, n_classes: int | None = None) -> dict:
    """Return accuracy, per-class and macro precision/recall/F1, confusion matrix.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Class indices 0 .. n_classes - 1.
    n_classes : int or None, default=None
        None: one more than the largest index seen.

    Returns
    -------
    dict
        ``"accuracy"``; ``"precision"``, ``"recall"``, ``"f1"``, ``"support"``
        (lists, one per class); ``"macro_precision"``, ``"macro_recall"``,
        ``"macro_f1"`` (unweighted means over classes); ``"confusion_matrix"``
        (list of lists; row = true class, column = predicted).

    Notes
    -----
    precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2PR / (P + R),
    each 0 when its denominator is 0 (scikit-learn's ``zero_division=0``).
    """
    y_true = np.asarray(y_true, dtype=np.intp)
    y_pred = np.asarray(y_pred, dtype=np.intp)
    if n_classes is None:
        n_classes = int(max(y_true.max(initial=0), y_pred.max(initial=0))) + 1
    confusion = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(confusion, (y_true, y_pred), 1)
    true_positive = np.diag(confusion).astype(np.float64)
    predicted = confusion.sum(axis=0)
    actual = confusion.sum(axis=1)
    precision = _safe_divide(true_positive, predicted)
    recall = _safe_divide(true_positive, actual)
    f1 = _safe_divide(2 * precision * recall, precision + recall)
    return {
        "accuracy": float(true_positive.sum() / max(len(y_true), 1)),
        "precision": precision.tolist(),
        "recall": recall.tolist(),
        "f1": f1.tolist(),
        "support": actual.tolist(),
        "macro_precision": float(precision.mean()),
        "macro_recall": float(recall.mean()),
        "macro_f1": float(f1.mean()),
        "confusion_matrix": confusion.tolist(),
    }


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    denominator = np.asarray(denominator, dtype=np.float64)
    result = np.zeros_like(denominator)
    np.divide(numerator, denominator, out=result, where=denominator > 0)
    return result


def regression_metrics(y_true, y_pred) -> dict:
    """Return ``{"mae", "rmse", "r2"}`` for values of shape (n_samples,)."""
    y_true = np.asarray(y_true, dtype=np.float64).reshape(-1)
    y_pred = np.asarray(y_pred, dtype=np.float64).reshape(-1)
    return {
        "mae": metrics_module.mean_absolute_error(y_true, y_pred),
        "rmse": metrics_module.root_mean_squared_error(y_true, y_pred),
        "r2": metrics_module.r2_score(y_true, y_pred),
    }


# -- the whole job: train, predict, evaluate ------------------------------------


def _silent(text: str) -> None:
    """Discard a progress note."""


def _score(prep: TabularPreprocessor, net: Network, X, y_encoded) -> dict:
    """Return the metrics of ``net`` on encoded data, in the target's units."""
    if prep.task == "classification":
        return classification_metrics(
            y_encoded, net.predict(X), n_classes=len(prep.classes)
        )
    return regression_metrics(
        prep.decode_target(y_encoded), prep.decode_target(net.predict(X))
    )


def _architecture(net: Network) -> str:
    widths = [net.n_inputs] + [
        layer.n_units for layer in net.layers if isinstance(layer, Dense)
    ]
    activations = [
        layer.activation.name for layer in net.layers if isinstance(layer, Dense)
    ]
    return f"{' -> '.join(map(str, widths))} ({', '.join(activations)})"


def train(
    frame: pd.DataFrame,
    target: str,
    *,
    task: str = "auto",
    drop: Iterable[str] = (),
    hidden: Iterable[int] = (16, 8),
    activation: str = "relu",
    epochs: int = 200,
    batch_size: int = 32,
    learning_rate: float = 1e-3,
    validation: float = 0.2,
    patience: int = 10,
    seed: int | None = 0,
    dtype: str = "float64",
    verbose: int = 0,
    log: Callable[[str], None] | None = None,
    callbacks: Iterable = (),
) -> Network:
    """Train a network on a table: what ``glassnet train`` does.

    The rows are split into training and validation parts (stratified by class
    for classifiers); the preprocessing is fitted on the training part only; a
    network with ``hidden`` layers is trained with Adam and early stopping on
    the validation loss (which restores the best epoch's weights).

    Parameters
    ----------
    frame : DataFrame
    target : str
        The column to predict.
    task : {"auto", "classification", "regression"}, default="auto"
    drop : iterable of str, default=()
        Columns to leave out.
    hidden : iterable of int, default=(16, 8)
        Units of each hidden layer; empty for a linear or logistic model.
    activation : {"relu", "tanh", "sigmoid", "leaky_relu"}, default="relu"
    epochs : int, default=200
        The most epochs to train.
    batch_size : int, default=32
    learning_rate : float, default=1e-3
    validation : float, default=0.2
        Fraction of rows held out for early stopping and the reported metrics;
        0 trains on every row for ``epochs`` epochs.
    patience : int, default=10
        Epochs without improvement of the validation loss before stopping.
    seed : int or None, default=0
        Seeds the split, the initial weights and the shuffling.
    dtype : {"float64", "float32"}, default="float64"
    verbose : {0, 1, 2}, default=0
        Progress on standard error, as in :meth:`Network.fit`.
    log : callable(str) or None, default=None
        Called with one sentence for each decision (task, dropped columns,
        missing values, split, result), such as ``print``.
    callbacks : iterable of Callback, default=()
        More callbacks for ``fit``. A :class:`~glassnet.recording.Recorder`
        without rows records the first five training rows (as encoded).

    Returns
    -------
    Network
        Trained, with ``metadata["preprocessing"]`` (the
        :class:`TabularPreprocessor` as data) and ``metadata["training"]`` (the
        settings, split sizes and validation metrics). Save it with
        ``glassnet.io.save(net, path)``.

    Raises
    ------
    ValueError
        For a missing target column, a single class, no usable column, or
        an invalid setting.
    """
    say = log if log is not None else _silent
    frame = _check_frame(frame)
    if target not in frame.columns:
        raise ValueError(
            f"there is no target column {target!r}; the columns are"
            f" {_column_list(frame.columns)}"
        )
    if task not in _TASKS:
        raise ValueError(f"task must be one of {list(_TASKS)}, got {task!r}")
    if not (isinstance(validation, int | float) and 0 <= validation < 1):
        raise ValueError(f"validation must be a fraction in [0, 1), got {validation!r}")
    hidden = [int(units) for units in hidden]
    present = frame[target].notna().to_numpy()
    if not present.any():
        raise ValueError(f"target column {target!r} has no values")
    if not present.all():
        say(
            f"left out {_plural(int((~present).sum()), 'row')} whose target"
            f" {target!r} is missing"
        )
        frame = frame[present]
    reason = "as asked"
    if task == "auto":
        task, reason = infer_task(frame[target])
        reason = f"because {reason}"
    labels = _texts(frame[target])[0] if task == "classification" else None
    rng = np.random.default_rng(seed)
    train_rows, val_rows = split_rows(len(frame), validation, labels, rng)
    if validation > 0 and len(val_rows) == 0:
        say(
            f"{_plural(len(frame), 'row')} are too few to hold out a validation"
            " part: training on every row, without early stopping"
        )
    train_part = frame.iloc[train_rows]
    prep = TabularPreprocessor().fit(train_part, target=target, drop=drop, task=task)
    if task == "classification":
        classes = _quoted_list([_as_text(label) for label in prep.classes], 10)
        what = f"classification into {len(prep.classes)} classes ({classes})"
    else:
        what = "regression"
    say(f"target {target!r}: {what}, {reason}")
    for note in prep.notes:
        say(note)
    X_train = prep.transform(train_part)
    y_train = prep.encode_target(train_part[target])
    say(
        f"features: {_plural(len(prep.columns), 'column')} ->"
        f" {_plural(prep.n_features, 'input')}"
    )
    layers, n_inputs = [], prep.n_features
    for units in hidden:
        layers.append(Dense(n_inputs, units, activation))
        n_inputs = units
    if task == "classification":
        layers.append(Dense(n_inputs, len(prep.classes), "softmax"))
        loss = "categorical_crossentropy"
    else:
        layers.append(Dense(n_inputs, 1))
        loss = "mse"
    net = Network(
        layers,
        loss=loss,
        optimizer=Adam(learning_rate=learning_rate),
        dtype=dtype,
        seed=seed,
    )
    say(
        f"network: {_architecture(net)}, {net.n_params:,} parameters;"
        f" Adam, learning rate {learning_rate:g}"
    )
    callbacks = list(callbacks)
    for callback in callbacks:
        if isinstance(callback, Recorder) and callback.rows is None:
            callback.rows = X_train[:5]
    validation_data = None
    if len(val_rows):
        val_part = frame.iloc[val_rows]
        X_val = prep.transform(val_part)
        y_val = prep.encode_target(val_part[target])
        validation_data = (X_val, y_val)
        callbacks.append(EarlyStopping(patience=patience))
        say(
            f"training on {_plural(len(train_rows), 'row')}, validating on"
            f" {len(val_rows)}; stopping after {patience} epochs without improvement"
        )
    else:
        say(f"training on {_plural(len(train_rows), 'row')} for {epochs} epochs")
    net.fit(
        X_train,
        y_train,
        epochs=epochs,
        batch_size=min(batch_size, len(X_train)),
        validation_data=validation_data,
        callbacks=callbacks,
        verbose=verbose,
    )
    history = net.history
    summary = {
        "rows": len(frame),
        "training_rows": len(train_rows),
        "validation_rows": len(val_rows),
        "epochs": history.n_epochs,
        "stop_reason": history.stop_reason,
        "best_epoch": history.best_epoch,
        "settings": {
            "hidden": hidden,
            "activation": activation,
            "epochs": epochs,
            "batch_size": batch_size,
            "learning_rate": learning_rate,
            "validation": validation,
            "patience": patience,
            "seed": seed,
            "dtype": dtype,
        },
        "validation_metrics": None,
    }
    stopped = {
        "early_stopping": "stopped early",
        "interrupted": "interrupted",
    }.get(history.stop_reason, "completed")
    kept = (
        "" if history.best_epoch is None else f"; kept epoch {history.best_epoch + 1}"
    )
    say(f"trained {_plural(history.n_epochs, 'epoch')} ({stopped}{kept})")
    if validation_data is not None:
        summary["validation_metrics"] = _score(prep, net, *validation_data)
        say(
            f"validation ({len(val_rows)} rows):"
            f" {format_metrics(summary['validation_metrics'])}"
        )
    net.metadata["preprocessing"] = prep.to_dict()
    net.metadata["training"] = summary
    return net


def format_metrics(metrics: dict) -> str:
    """Return the headline metrics on one line, such as ``accuracy 0.95, ...``."""
    if "accuracy" in metrics:
        return (
            f"accuracy {metrics['accuracy']:.4f}, precision"
            f" {metrics['macro_precision']:.4f}, recall {metrics['macro_recall']:.4f},"
            f" F1 {metrics['macro_f1']:.4f} (macro averages over classes)"
        )
    return (
        f"MAE {metrics['mae']:.4g}, RMSE {metrics['rmse']:.4g}, R^2 {metrics['r2']:.4f}"
    )


def preprocessor_of(net: Network) -> TabularPreprocessor:
    """Return the preprocessing stored in a network trained by :func:`train`.

    Raises
    ------
    ValueError
        If the network has none, or it does not fit the network's inputs.
    """
    data = net.metadata.get("preprocessing") if isinstance(net.metadata, dict) else None
    if data is None:
        raise ValueError(
            "the model has no preprocessing: it was not made by glassnet train (a"
            " network saved from Python takes a matrix of numbers, not a table)"
        )
    prep = TabularPreprocessor.from_dict(data)
    if prep.n_features != net.n_inputs:
        raise ValueError(
            f"invalid preprocessing in the model: it makes {prep.n_features}"
            f" features but the network takes {net.n_inputs}"
        )
    if prep.task is None:
        raise ValueError("invalid preprocessing in the model: it has no target")
    outputs = len(prep.classes) if prep.task == "classification" else 1
    if outputs != net.n_outputs:
        raise ValueError(
            f"invalid preprocessing in the model: it has {outputs} outputs but the"
            f" network has {net.n_outputs}"
        )
    if prep.task == "classification" and not net.outputs_probabilities:
        raise ValueError(
            "invalid preprocessing in the model: a classifier needs a softmax output"
        )
    return prep


def prediction_columns(prep: TabularPreprocessor) -> list[str]:
    """Return the names of the columns :func:`predict` adds."""
    names = [f"predicted_{prep.target}"]
    if prep.task == "classification":
        names.extend(f"probability_{_as_text(label)}" for label in prep.classes)
    return names


def predict(net: Network, frame: pd.DataFrame, notes: list | None = None):
    """Return ``frame`` with the predictions added: what ``glassnet predict`` does.

    Adds ``predicted_<target>`` and, for a classifier, ``probability_<class>``
    for each class (replacing columns of those names). Every input column is
    kept; extra columns are ignored; the target may be absent.

    Parameters
    ----------
    net : Network
        Made by :func:`train` (or loaded from its file).
    frame : DataFrame
    notes : list or None, default=None
        Receives sentences about unknown categories and the like.

    Returns
    -------
    DataFrame
    """
    prep = preprocessor_of(net)
    X = prep.transform(frame, notes)
    result = frame.copy()
    names = prediction_columns(prep)
    replaced = [name for name in names if name in result.columns]
    if replaced and notes is not None:
        notes.append(f"replaced the existing columns {_column_list(replaced)}")
    result = result.drop(columns=replaced)
    if prep.task == "classification":
        probabilities = net.predict_proba(X)
        result[names[0]] = prep.decode_target(probabilities.argmax(axis=1))
        for index, name in enumerate(names[1:]):
            result[name] = probabilities[:, index]
    else:
        result[names[0]] = prep.decode_target(net.predict(X))
    return result


def evaluate(net: Network, frame: pd.DataFrame, notes: list | None = None) -> dict:
    """Score a network on a table with the true target: ``glassnet evaluate``.

    Returns
    -------
    dict
        ``"task"``, ``"rows"`` and the metrics of :func:`classification_metrics`
        (plus ``"classes"``) or :func:`regression_metrics`.

    Raises
    ------
    ValueError
        If the target column is absent or holds values the model cannot know.
    """
    prep = preprocessor_of(net)
    if prep.target not in frame.columns:
        raise ValueError(
            f"the data has no target column {prep.target!r}, which evaluate compares"
            " the predictions with; to predict unknown rows use glassnet predict"
        )
    present = frame[prep.target].notna().to_numpy()
    if not present.any():
        raise ValueError(f"target column {prep.target!r} has no values")
    if not present.all():
        if notes is not None:
            notes.append(
                f"left out {_plural(int((~present).sum()), 'row')} whose target"
                f" {prep.target!r} is missing"
            )
        frame = frame[present]
    y = prep.encode_target(frame[prep.target])
    X = prep.transform(frame, notes)
    result = {"task": prep.task, "target": prep.target, "rows": len(frame)}
    if prep.task == "classification":
        result["classes"] = list(prep.classes)
    result.update(_score(prep, net, X, y))
    return result
