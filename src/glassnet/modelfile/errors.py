"""What ``load`` says about a file it refuses: ModelFileError, on one line."""

from __future__ import annotations

import contextlib
import reprlib
import struct
import zipfile
from collections.abc import Iterator

from .._validation import one_line
from .layout import FORMAT_VERSION

# What zipfile and the .npy header parser raise for damaged bytes.
READ_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    struct.error,
    NotImplementedError,
    RuntimeError,  # includes RecursionError and "File is encrypted"
    OverflowError,
    Warning,
)


class ModelFileError(ValueError):
    """The file is not a glassnet model file this version can load.

    Raised by :func:`~glassnet.modelfile.load` for a file that is not a model
    file, is truncated or corrupt, holds anything but plain numbers, or was
    written by a newer glassnet. The message says which, on one line.
    """


class Errors:
    """The ModelFileError messages for the file at ``path``, one kind each.

    Every message starts with the path and fits on one line.
    """

    def __init__(self, path: str) -> None:
        self.path = path

    def not_model_file(self, reason: str) -> ModelFileError:
        """The file is something else (empty, not a zip, another format)."""
        return ModelFileError(
            f"{self.path} is not a glassnet model file ({reason});"
            " was it written by net.save?"
        )

    def invalid(self, detail: str) -> ModelFileError:
        """A model file whose contents break the format's rules."""
        return ModelFileError(
            f"{self.path} is not a valid glassnet model file: {detail};"
            " was it written by net.save?"
        )

    def corrupt(self, detail: str) -> ModelFileError:
        """A model file whose bytes are damaged or cut short."""
        return ModelFileError(f"{self.path} is truncated or corrupt: {detail}")

    def newer(self, version: int) -> ModelFileError:
        """A model file in a format version this glassnet cannot read."""
        return ModelFileError(
            f"{self.path} was written by a newer glassnet (format {version},"
            f" this one reads up to {FORMAT_VERSION}); upgrade glassnet"
        )

    @contextlib.contextmanager
    def reading(self, what: str) -> Iterator[None]:
        """Turn zipfile's and NumPy's errors while reading ``what`` into ours."""
        try:
            yield
        except ModelFileError:
            raise
        except READ_ERRORS as error:
            raise self.corrupt(f"{what}: {one_line(error)}") from None


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, 60, 60


def short(value) -> str:
    """Return a short one-line repr of (possibly hostile, huge or deep) ``value``."""
    return " ".join(_REPR.repr(value).split())
