"""What reaches the terminal: names without control characters.

A column or class name comes from the user's file (or a model file someone
sent); printed raw, ``\\x1b[2J`` clears the screen and a newline forges a line.
:func:`printable` shows such characters as escapes.
"""

from __future__ import annotations


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
