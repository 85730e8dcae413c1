"""What reaches the terminal: names without control characters, pipes that close.

A column or class name comes from the user's file (or a model file someone
sent); printed raw, ``\\x1b[2J`` clears the screen and a newline forges a line.
:func:`printable` shows such characters as escapes. :func:`closed_pipes_are_quiet`
lets a command finish when the reader of its output has gone (``| head -1``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


def printable(text) -> str:
    """Return ``str(text)`` with control characters escaped as ``repr`` does.

    Examples
    --------
    >>> print(printable("evil\\x1b[2Jcol\\nline"))
    evil\\x1b[2Jcol\\nline
    """
    text = str(text)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class _QuietPipe:
    """A text stream that turns a closed pipe into writes that go nowhere.

    NOTE: a reader such as ``head -1`` may close the pipe at any write. Unix
    tools then die of SIGPIPE; Python raises BrokenPipeError instead, which
    would end a ``train`` before it saves. The rest of the output goes to
    /dev/null and the command finishes its work, as if nobody read it.
    """

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._discard_the_rest()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._discard_the_rest()

    def _discard_the_rest(self) -> None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, self._stream.fileno())
        except (OSError, ValueError):
            pass  # not a file descriptor (a test's capture): nothing to redirect
        finally:
            os.close(devnull)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def closed_pipes_are_quiet() -> Iterator[None]:
    """Run the block with stdout and stderr that ignore a reader who has gone."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _QuietPipe(sys.stdout), _QuietPipe(sys.stderr)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        sys.stdout, sys.stderr = saved
