"""Reading and writing table files (CSV, TSV, Parquet) with one-line errors."""

from __future__ import annotations

import os

import pandas as pd

from .._files import atomic_file, check_writable
from .._validation import one_line

_PARQUET_SUFFIXES = (".parquet", ".pq")
_COMPRESSED_SUFFIXES = (".gz", ".bz2", ".zip", ".xz", ".zst", ".tar")


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
                tsv = path.lower().endswith((".tsv", ".tab"))  # as read_table reads
                frame.to_csv(file, index=False, sep="\t" if tsv else ",")
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
