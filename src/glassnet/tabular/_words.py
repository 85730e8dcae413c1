"""Counts and lists in words, for the notes and errors about a table."""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    """Return ``"1 row"`` or ``"3 rows"``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def label_text(value) -> str:
    """Return a value as text, quoted where its spaces would not show (" yes")."""
    text = str(value)
    return repr(text) if not text or text != text.strip() else text


def quoted_list(values, limit: int = 6) -> str:
    """Return the first ``limit`` values joined by commas, then how many more."""
    shown = ", ".join(label_text(value) for value in list(values)[:limit])
    more = len(values) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def column_list(names, limit: int = 12) -> str:
    """Return column names quoted (``'a', 'b'``), at most ``limit`` of them."""
    return quoted_list([repr(name) for name in names], limit)
