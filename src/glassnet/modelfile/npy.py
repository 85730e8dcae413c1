"""Reading a model file's ``.npy`` members safely: check first, then allocate.

NumPy's own ``numpy.load`` trusts the ``.npy`` header it reads; a forged one
can ask for terabytes or for unpickling. Here each member's storage, ``.npy``
version, header length, dtype, shape and size are checked against what the
model file's header promises *before* any array is allocated, and the data is
read in pieces, with zipfile checking the CRC.
"""

from __future__ import annotations

import contextlib
import math
import warnings
import zipfile
from io import BytesIO

import numpy as np
from numpy.lib import format as npy_format

from .._validation import one_line
from .errors import Errors, short
from .layout import MAX_HEADER_BYTES

_NPY_HEADER_MAX = 10_000  # NumPy's own limit on a .npy header's length
_CHUNK_BYTES = 16 * 2**20  # arrays are read in pieces of this size


class ArrayMembers:
    """The ``.npy`` members of an open model file, read only after checks.

    Parameters
    ----------
    archive : zipfile.ZipFile
        The open model file.
    size : int
        The file's length in bytes: no member may claim to reach beyond it.
    errors : Errors
        How problems are worded (they raise ModelFileError).
    """

    def __init__(self, archive: zipfile.ZipFile, size: int, errors: Errors) -> None:
        self.archive, self.size, self.errors = archive, size, errors

    def open_array(self, member: str, dtype: np.dtype, shape):
        """Open ``member`` and check its .npy header before reading any data.

        ``shape`` None (the header) accepts any 1-D shape up to MAX_HEADER_BYTES.
        Returns the member positioned at its data, and (shape, fortran_order,
        dtype, n_bytes).
        """
        info = self.archive.getinfo(member)
        self._check_stored(info)
        with self.errors.reading(member):
            stream = self.archive.open(info)
        with contextlib.ExitStack() as on_error:
            on_error.callback(stream.close)
            with self.errors.reading(f"{member}'s .npy header"):
                found_shape, fortran_order, found_dtype, data_offset = (
                    self._read_npy_header(stream, member)
                )
            self._check_dtype(member, found_dtype, dtype)
            self._check_shape(member, found_shape, shape)
            n_bytes = math.prod(found_shape) * found_dtype.itemsize
            if data_offset + n_bytes != info.file_size:
                raise self.errors.corrupt(
                    f"{member} should hold {n_bytes} bytes of data for shape"
                    f" {found_shape}, but holds {info.file_size - data_offset}"
                )
            on_error.pop_all()
        return stream, (tuple(found_shape), fortran_order, found_dtype, n_bytes)

    def read_array(self, member: str, dtype: np.dtype, shape) -> np.ndarray:
        """Return the checked array ``member``, read in pieces (CRC checked)."""
        stream, layout = self.open_array(member, dtype, shape)
        found_shape, fortran_order, found_dtype, n_bytes = layout
        with stream:
            raw = np.empty(n_bytes, dtype=np.uint8)
            with self.errors.reading(member):
                offset = 0
                while offset < n_bytes:
                    chunk = stream.read(min(_CHUNK_BYTES, n_bytes - offset))
                    if not chunk:
                        raise self.errors.corrupt(f"{member} ends early")
                    raw[offset : offset + len(chunk)] = np.frombuffer(chunk, np.uint8)
                    offset += len(chunk)
                if stream.read(1):  # also makes zipfile check the CRC
                    raise self.errors.corrupt(
                        f"{member} is longer than its header says"
                    )
        values = raw.view(found_dtype)
        if fortran_order:
            values = values.reshape(found_shape[::-1]).transpose()
        else:
            values = values.reshape(found_shape)
        return np.ascontiguousarray(values, dtype=found_dtype.newbyteorder("="))

    def _check_stored(self, info: zipfile.ZipInfo) -> None:
        """Refuse a member that is compressed or claims more than the file has."""
        member = info.filename
        if info.compress_type != zipfile.ZIP_STORED:
            raise self.errors.invalid(
                f"{member} is compressed (zip method {info.compress_type}); glassnet"
                " stores arrays uncompressed"
            )
        if info.file_size != info.compress_size:
            raise self.errors.corrupt(
                f"{member} is stored with {info.compress_size} bytes but claims"
                f" {info.file_size}"
            )
        if info.header_offset + info.compress_size > self.size:
            raise self.errors.corrupt(
                f"{member} claims {info.file_size} bytes at offset"
                f" {info.header_offset}, beyond the file's {self.size} bytes"
            )

    def _read_npy_header(self, stream, member: str):
        """Return (shape, fortran_order, dtype, data offset) from a .npy header."""
        magic = self._read_exact(stream, npy_format.MAGIC_LEN, member)
        version = npy_format.read_magic(BytesIO(magic))
        if version not in ((1, 0), (2, 0)):
            raise self.errors.corrupt(f"{member} has .npy version {version}")
        length_bytes = self._read_exact(stream, 2 if version == (1, 0) else 4, member)
        length = int.from_bytes(length_bytes, "little")
        if length > _NPY_HEADER_MAX:
            raise self.errors.corrupt(f"{member}'s .npy header is {length} bytes long")
        text = self._read_exact(stream, length, member)
        read_header = (
            npy_format.read_array_header_1_0
            if version == (1, 0)
            else npy_format.read_array_header_2_0
        )
        try:
            with warnings.catch_warnings():
                # NumPy may warn about odd dtypes; a forged header is an error.
                warnings.simplefilter("error")
                shape, fortran_order, dtype = read_header(
                    BytesIO(length_bytes + text), max_header_size=_NPY_HEADER_MAX
                )
        except Exception as error:
            # NOTE: NumPy parses the header with Python's tokenizer and
            # literal_eval, which raise many kinds (tokenize.TokenError,
            # SyntaxError, MemoryError...): every one means damaged bytes.
            raise self.errors.corrupt(
                f"{member}'s .npy header: {one_line(error)}"
            ) from None
        data_offset = npy_format.MAGIC_LEN + len(length_bytes) + length
        return shape, fortran_order, dtype, data_offset

    def _check_dtype(self, member: str, found: np.dtype, expected: np.dtype) -> None:
        if found.hasobject:
            raise self.errors.invalid(
                f"{member} holds Python objects (dtype {found}); glassnet"
                " files hold only numbers and are never unpickled"
            )
        if not (
            found.kind == expected.kind
            and found.itemsize == expected.itemsize
            and found.names is None
            and found.subdtype is None
        ):
            raise self.errors.invalid(f"{member} holds {found}, expected {expected}")

    def _check_shape(self, member: str, found: tuple, expected) -> None:
        if expected is None:
            if len(found) != 1 or found[0] > MAX_HEADER_BYTES:
                raise self.errors.invalid(
                    f"{member} has shape {short(found)}; the header must be"
                    f" 1-D and at most {MAX_HEADER_BYTES} bytes"
                )
        elif tuple(found) != tuple(expected):
            raise self.errors.invalid(
                f"{member} has shape {short(found)}, the header says {tuple(expected)}"
            )
        if any(n < 0 for n in found):
            raise self.errors.corrupt(f"{member} has shape {found}")

    def _read_exact(self, stream, n_bytes: int, member: str) -> bytes:
        data = stream.read(n_bytes)
        if len(data) != n_bytes:
            raise self.errors.corrupt(f"{member} ends early")
        return data
