"""Files in and out: atomic writes, "can I write here?" checks, safe opens.

Every file glassnet writes (models, predictions, reports, recordings, plots)
goes through :func:`atomic_file`, so a crash, a kill or an error never leaves
a partial file: the old file stays until the new one is complete.

What an output path may be:

- a new file, or an existing regular file: written atomically; a replaced file
  keeps its permission bits (a 0600 model stays 0600);
- a character device (``/dev/null``, ``/dev/stdout``) or a FIFO: written
  *into*, directly and not atomically, as a shell's ``>`` would (a FIFO must
  have a reader already: glassnet does not wait for one). Such a path is never
  renamed over;
- anything else (a directory, a socket, a block device, an empty path) is
  refused in one line.

Every error names the file: "cannot write PATH: No space left on device".
SIGTERM during an atomic write (``timeout``, ``docker stop`` and systemd send
it) removes the temporary file and then ends the process as SIGTERM would.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import signal
import stat
import threading
from collections.abc import Iterator
from typing import IO

_BINARY = getattr(os, "O_BINARY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def _kind(mode: int) -> str:
    """Name the kind of file ``mode`` (from ``os.stat``) describes."""
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _written_into(mode: int) -> bool:
    """Whether an output of this kind is written into rather than replaced."""
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _existing_mode(path: str) -> int | None:
    """Return the mode of what ``path`` names (links followed), or None."""
    try:
        return os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None


def _refuse_target(path: str, mode: int | None) -> None:
    """Refuse an empty path, a directory, and what is not a file nor written into."""
    if not path:
        raise FileNotFoundError("cannot write to an empty path; give a file name")
    if mode is None or stat.S_ISREG(mode) or _written_into(mode):
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(
            f"cannot write {path}: it is a directory; give a file name"
        )
    raise OSError(
        f"cannot write {path}: it is {_kind(mode)}, not a regular file;"
        " give a file name"
    )


def check_writable(path) -> None:
    """Raise a one-line OSError now if ``path`` cannot be written later.

    Refuses an empty path and a directory, and checks that the path's
    directory exists and is writable (for a device or FIFO, that the path
    itself is writable), so that a long run does not end in a failed save.
    """
    path = os.fspath(path)
    mode = _existing_mode(path)
    _refuse_target(path, mode)
    if mode is not None and _written_into(mode):
        if not os.access(path, os.W_OK):
            raise PermissionError(f"cannot write {path}: no permission to write it")
        return
    directory = os.path.dirname(os.path.abspath(path))
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
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _BINARY
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
def _errors_name(path: str) -> Iterator[None]:
    """Re-raise the system's OSErrors (full disk, say) as "cannot write PATH: ..."."""
    try:
        yield
    except OSError as error:
        if error.errno is None or not error.strerror:
            raise  # one of ours, which names the path already
        named = type(error)(f"cannot write {path}: {error.strerror}")
        named.errno = error.errno
        raise named from None


class _Terminated(BaseException):
    """SIGTERM arrived during an atomic write (raised by the handler below)."""


def _on_sigterm(signum, frame):
    signal.signal(signal.SIGTERM, signal.SIG_IGN)  # we are ending anyway
    raise _Terminated


@contextlib.contextmanager
def _sigterm_cleans_up() -> Iterator[None]:
    """Let SIGTERM run the clean-up of an error, then end the process as it would.

    Only where SIGTERM would kill the process outright (its default action) and
    only in the main thread, which is where Python runs signal handlers; the
    previous handler is always put back.
    """
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        yield
        return
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, previous)
        signal.raise_signal(signal.SIGTERM)  # the default action: the process ends
        raise SystemExit(128 + signal.SIGTERM) from None  # if it did not
    finally:
        signal.signal(signal.SIGTERM, previous)


def _open_mode(text: bool) -> dict:
    if text:
        return {"mode": "w", "encoding": "utf-8", "newline": ""}
    return {"mode": "wb"}


@contextlib.contextmanager
def _write_into(path: str, text: bool) -> Iterator[IO]:
    """Yield ``path`` (a device or FIFO) opened for writing; never wait for a reader."""
    try:
        fd = os.open(path, os.O_WRONLY | _NONBLOCK | _BINARY)
    except OSError as error:
        if error.errno == errno.ENXIO:  # a FIFO that nobody reads
            raise OSError(
                f"cannot write {path}: it is a FIFO with no reader; start the"
                " reader first"
            ) from None
        raise
    if _NONBLOCK:
        os.set_blocking(fd, True)
    with os.fdopen(fd, **_open_mode(text)) as file:
        yield file


@contextlib.contextmanager
def atomic_file(path, *, text: bool = False) -> Iterator[IO]:
    """Yield a file to write; on success it replaces ``path`` whole.

    The data is written to ``.<name>.<random>.tmp`` in the same directory,
    flushed and fsynced, renamed over ``path`` and the directory fsynced. On any
    error (or Ctrl-C, or SIGTERM) the temporary file is removed and ``path`` is
    untouched. A replaced file keeps its permission bits; a new one gets the
    umask's. A character device or FIFO is written into instead (see the module's
    docstring); a directory or an empty path is refused.

    Parameters
    ----------
    path : str or path-like
    text : bool, default=False
        Open in text mode (UTF-8, newlines as written) instead of binary.
    """
    path = os.fspath(path)
    mode = _existing_mode(path)
    _refuse_target(path, mode)
    if mode is not None and _written_into(mode):
        with _errors_name(path), _write_into(path, text) as file:
            yield file
        return
    directory = os.path.dirname(os.path.abspath(path))
    with _sigterm_cleans_up(), _errors_name(path):
        fd, temp_path = _create_temporary(directory, os.path.basename(path))
        try:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fd, stat.S_IMODE(mode) & 0o777)
            with os.fdopen(fd, **_open_mode(text)) as file:
                yield file
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp_path, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp_path)
            raise
        _fsync_directory(directory)


def open_regular(path, refuse) -> IO[bytes]:
    """Open ``path`` to read bytes, refusing anything but a regular file.

    The file is opened once, without waiting (a FIFO with no writer does not
    block), and what was opened is checked, so nothing can swap it in between.

    Parameters
    ----------
    path : str or path-like
    refuse : callable
        ``refuse(kind)`` returns the exception to raise for a file that is
        ``kind`` ("a FIFO", "a character device"...) rather than regular.

    Raises
    ------
    FileNotFoundError, PermissionError, IsADirectoryError
        As ``open`` raises them.
    """
    path = os.fspath(path)
    fd = os.open(path, os.O_RDONLY | _NONBLOCK | _BINARY)
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
        if not stat.S_ISREG(mode):
            raise refuse(_kind(mode))
        if _NONBLOCK:
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
