"""Writing files atomically: a temporary file beside the target, then a rename.

Every file glassnet writes (models, predictions, reports, recordings, plots)
goes through :func:`atomic_file`, so a crash, a kill or an error never leaves
a partial file: the old file stays until the new one is complete.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from typing import IO


def check_writable(path) -> None:
    """Raise a one-line OSError now if ``path`` cannot be written later.

    Checks that ``path`` is not a directory and that its directory exists and
    is writable, so that a long run does not end in a failed save.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise IsADirectoryError(
            f"cannot write {path}: it is a directory; give a file name"
        )
    if not os.path.exists(directory):
        raise FileNotFoundError(
            f"cannot write {path}: directory {directory} does not exist"
        )
    if not os.path.isdir(directory):
        raise NotADirectoryError(f"cannot write {path}: {directory} is not a directory")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise PermissionError(
            f"cannot write {path}: no permission to write in {directory}"
        )


def _create_temporary(directory: str, base: str) -> tuple[int, str]:
    """Create ``.<base>.<random>.tmp`` exclusively; the mode follows the umask."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        temp_path = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(temp_path, flags, 0o666), temp_path
        except FileExistsError:
            continue
        except OSError as error:
            raise OSError(f"cannot write in {directory}: {error.strerror}") from None
    raise FileExistsError(f"cannot create a temporary file in {directory}")


def _fsync_directory(directory: str) -> None:
    """Make the rename durable (POSIX only: Windows cannot open a directory)."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        # NOTE: some file systems cannot fsync a directory; the new file is in
        # place already, so failing the save here would only mislead.
        with contextlib.suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_file(path, *, text: bool = False) -> Iterator[IO]:
    """Yield a file to write; on success it replaces ``path`` whole.

    The data is written to ``.<name>.<random>.tmp`` in the same directory,
    flushed and fsynced, renamed over ``path`` and the directory fsynced. On any
    error (or Ctrl-C) the temporary file is removed and ``path`` is untouched.

    Parameters
    ----------
    path : str or path-like
    text : bool, default=False
        Open in text mode (UTF-8, newlines as written) instead of binary.
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp_path = _create_temporary(directory, os.path.basename(path))
    try:
        mode = (
            {"mode": "w", "encoding": "utf-8", "newline": ""}
            if text
            else {"mode": "wb"}
        )
        with os.fdopen(fd, **mode) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_path)
        raise
    _fsync_directory(directory)
