"""Reading and writing table files (CSV, TSV, Parquet) with one-line errors.

A file is opened once: its first bytes decide how it is read, and the same
handle (or, for a pipe, the same bytes) is parsed, so a FIFO, ``/dev/stdin`` or
``<(cat data.csv)`` is read like a file. CSV cells are kept as text, exactly as
written; only empty cells are missing unless ``na_values`` names more.
"""

from __future__ import annotations

import io
import lzma
import os
import stat
import struct
import tarfile
import zipfile
import zlib
from collections.abc import Iterable

import pandas as pd

from .._files import atomic_file, check_writable
from .._validation import one_line
from ._cells import mark_missing

_PARQUET_SUFFIXES = (".parquet", ".pq")
_COMPRESSED_SUFFIXES = (".gz", ".bz2", ".zip", ".xz", ".zst", ".tar", ".tgz")
_MAGIC = b"PAR1"
_HEAD_BYTES = 8192
# What the decompressors (and pandas around them) raise for damaged bytes.
_DECOMPRESS_ERRORS = (
    OSError,  # gzip.BadGzipFile, bz2's "Invalid data stream"
    EOFError,
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    lzma.LZMAError,
    tarfile.TarError,
    zlib.error,
    struct.error,
    NotImplementedError,  # a zip compression method Python lacks
    RuntimeError,  # an encrypted zip member
    ImportError,  # .zst without the zstandard package
    OverflowError,
)


# What pyarrow and pandas raise for a damaged Parquet file (Arrow's own errors
# aside), including its pandas metadata (JSON that names columns and types).
_PARQUET_ERRORS = (
    ValueError,
    OSError,
    TypeError,
    NotImplementedError,
    LookupError,
    AttributeError,
    OverflowError,
)


def read_table(path, *, na_values: Iterable[str] = ()) -> pd.DataFrame:
    """Read a CSV (or TSV, or Parquet) file into a DataFrame, with one-line errors.

    Parquet is recognised by its first and last bytes, whatever the name;
    ``.tsv`` files are split at tabs; compressed CSV (``.csv.gz`` ...) is read
    as pandas does. CSV cells are read as text, exactly as written (``00123``
    stays ``00123``): the model reads numbers out of them. Only empty cells are
    missing, unless ``na_values`` names more. Column names become strings.

    Parameters
    ----------
    path : str or os.PathLike
        A file, or a pipe such as ``/dev/stdin`` (read once, from one handle).
    na_values : iterable of str, default=()
        Cell texts that also mean "missing", such as ``["NA", "n/a"]``
        (compared without surrounding spaces; text columns only).

    Returns
    -------
    DataFrame
        At least one column and one row.

    Raises
    ------
    FileNotFoundError, IsADirectoryError, PermissionError
        If ``path`` cannot be opened as a file.
    ValueError
        If the file is empty, has no rows, is binary or not UTF-8 text, cannot
        be decompressed or parsed; the message says which, on one line.
    """
    path = os.fspath(path)
    na_values = check_na_values(na_values)
    with _open(path) as file:
        regular = stat.S_ISREG(os.fstat(file.fileno()).st_mode)
        compressed = path.lower().endswith(_COMPRESSED_SUFFIXES)
        if compressed and not regular:
            raise ValueError(
                f"{path} is not a regular file; a compressed table must be a file"
                " (decompress it into a pipe instead: gunzip -c data.csv.gz)"
            )
        source = _Source(path, file, regular)
        if not source.head.strip():
            raise _empty(path, "" if regular else " (nothing was written to it)")
        if source.is_parquet():
            frame = _read_parquet(path, source.stream())
        else:
            if not compressed and b"\0" in source.head:
                raise ValueError(
                    f"{path} is not a CSV file: it holds binary data; export the"
                    " table as CSV (comma-separated text) or Parquet"
                )
            frame = _read_csv(path, None if compressed else source.stream())
    if frame.shape[1] == 0:
        raise ValueError(f"{path} has no columns; the first line must name them")
    if len(frame) == 0:
        raise ValueError(
            f"{path} has a header but no rows of data; add one line per example"
        )
    return mark_missing(frame, na_values)


def check_na_values(na_values) -> frozenset[str]:
    """Return ``na_values`` as a set of stripped texts; refuse anything else."""
    if isinstance(na_values, str):
        na_values = [na_values]
    try:
        values = list(na_values)
    except TypeError:
        values = [None]
    if not all(isinstance(value, str) for value in values):
        raise ValueError(
            f"na_values must be a list of texts, such as ['NA', 'n/a'], got"
            f" {na_values!r}"
        )
    return frozenset(value.strip() for value in values)


def _open(path: str):
    """Open ``path`` for reading once, without waiting for a FIFO's writer."""
    try:
        # O_NONBLOCK: opening a FIFO that no one writes to returns at once.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise FileNotFoundError(f"{path} does not exist; check the file name") from None
    except PermissionError:
        raise PermissionError(f"{path} cannot be read: permission denied") from None
    except IsADirectoryError:
        fd = None
    except OSError as error:
        raise OSError(f"cannot open {path}: {error.strerror or error}") from None
    if fd is None or stat.S_ISDIR(os.fstat(fd).st_mode):
        if fd is not None:
            os.close(fd)
        raise IsADirectoryError(
            f"{path} is a directory, not a data file; give a CSV or Parquet file"
        )
    # NOTE: a FIFO without a writer now reads as empty (end of file) at once;
    # with a writer, reads wait for its data as they should.
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


class _Source:
    """The first bytes of an open file, and the whole of it again for parsing.

    A regular file is rewound; anything else (a pipe) is read to its end once
    and parsed from memory, so no byte is read twice from the source.
    """

    def __init__(self, path: str, file, regular: bool) -> None:
        self.path, self.file, self.regular = path, file, regular
        self._data = None
        self.head = self._read(_HEAD_BYTES)

    def _read(self, size: int = -1) -> bytes:
        try:
            return self.file.read(size)
        except MemoryError:
            raise ValueError(f"{self.path} is too large to read into memory") from None
        except OSError as error:
            raise OSError(f"cannot read {self.path}: {one_line(error)}") from None

    def _whole(self) -> bytes:
        """Return a pipe's bytes: the head, then the rest, read once when needed."""
        if self._data is None:
            self._data = self.head + self._read()
        return self._data

    def is_parquet(self) -> bool:
        """Whether the file starts and ends with Parquet's magic bytes.

        A CSV whose first column is named ``PAR1...`` does not end with them; a
        damaged Parquet file (binary, without its footer) is still Parquet.
        """
        if self.head[:4] != _MAGIC:
            return False
        if not self.regular:
            data = self._whole()
            tail = data[-4:] if len(data) >= 12 else b""
        else:
            size = os.fstat(self.file.fileno()).st_size
            self.file.seek(max(size - 4, 0))
            tail = self.file.read(4) if size >= 12 else b""
        return tail == _MAGIC or b"\0" in self.head

    def stream(self):
        """Return a binary stream of the whole file, from its first byte."""
        if not self.regular:
            return io.BytesIO(self._whole())
        self.file.seek(0)
        return self.file


def _empty(path: str, why: str = "") -> ValueError:
    return ValueError(
        f"{path} is empty{why}; a CSV file needs a header line with the column"
        " names and one line per row"
    )


def _read_csv(path: str, stream) -> pd.DataFrame:
    """Parse CSV text from ``stream`` (or, for a compressed file, from ``path``)."""
    lowered = path.lower()
    sep = "\t" if lowered.endswith((".tsv", ".tsv.gz", ".tab")) else ","
    try:
        return pd.read_csv(
            path if stream is None else stream,
            sep=sep,
            # Every cell as written: "00123" stays "00123", "1" stays "1".
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            compression="infer" if stream is None else None,
            encoding="utf-8",
        )
    except UnicodeDecodeError:
        raise ValueError(
            f"{path} is not UTF-8 text (binary data or another encoding); save it"
            " as CSV UTF-8"
        ) from None
    except pd.errors.EmptyDataError:
        raise _empty(path) from None
    except MemoryError:
        raise ValueError(f"{path} is too large to read into memory") from None
    except (pd.errors.ParserError, ValueError) as error:
        raise ValueError(f"cannot read {path} as CSV: {one_line(error)}") from None
    except _DECOMPRESS_ERRORS as error:
        if stream is not None and isinstance(error, OSError):
            raise OSError(f"cannot read {path}: {one_line(error)}") from None
        if isinstance(error, ImportError):
            raise ValueError(
                f"reading {path} needs a package this Python lacks: {one_line(error)}"
            ) from None
        raise ValueError(
            f"cannot decompress {path}: {one_line(error) or type(error).__name__};"
            " check that the file is complete and its name's suffix matches its"
            " compression"
        ) from None


def _read_parquet(path: str, stream) -> pd.DataFrame:
    try:
        import pyarrow.parquet as parquet
        from pyarrow.lib import ArrowException
    except ImportError:
        raise ValueError(
            "reading Parquet needs pyarrow: pip install 'glassnet[tabular]'"
        ) from None
    try:
        # Whole numbers and booleans with gaps stay whole numbers and booleans
        # (not floats and objects), so they are written back as they were read.
        frame = parquet.read_table(stream).to_pandas(types_mapper=_nullable_types().get)
    except MemoryError:
        raise ValueError(f"{path} is too large to read into memory") from None
    except (ArrowException, *_PARQUET_ERRORS) as error:
        raise ValueError(f"cannot read {path} as Parquet: {one_line(error)}") from None
    # A saved index (such as customer_id) is a column of the user's table.
    if not isinstance(frame.index, pd.RangeIndex):
        frame = frame.reset_index()
    return frame


def _nullable_types() -> dict:
    """Return pandas' nullable dtype for each Arrow integer and boolean type."""
    import pyarrow as pa

    return {
        pa.int8(): pd.Int8Dtype(),
        pa.int16(): pd.Int16Dtype(),
        pa.int32(): pd.Int32Dtype(),
        pa.int64(): pd.Int64Dtype(),
        pa.uint8(): pd.UInt8Dtype(),
        pa.uint16(): pd.UInt16Dtype(),
        pa.uint32(): pd.UInt32Dtype(),
        pa.uint64(): pd.UInt64Dtype(),
        pa.bool_(): pd.BooleanDtype(),
    }


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
