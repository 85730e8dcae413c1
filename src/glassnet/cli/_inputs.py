"""What the commands read: the tabular extra and model files, with user errors."""

from __future__ import annotations

import os
import sys


class CommandError(Exception):
    """A user error that is neither a ValueError nor an OSError (a missing extra)."""


def import_tabular():
    """Import glassnet.tabular, or fail with how to install pandas."""
    try:
        from .. import tabular
    except ImportError as error:
        raise CommandError(str(error)) from None
    return tabular


def load_model(path: str):
    """Load a model file, with errors that say what to do."""
    from .. import modelfile

    if os.path.isdir(path):
        raise IsADirectoryError(f"{path} is a directory, not a model file")
    try:
        return modelfile.load(path)
    except FileNotFoundError:
        raise FileNotFoundError(
            f"model file {path} does not exist; make one with glassnet train"
        ) from None
    except PermissionError:
        raise PermissionError(f"{path} cannot be read: permission denied") from None


def print_notes(notes: list[str]) -> None:
    """Print what the table commands noticed about the data, on stderr."""
    for note in notes:
        print(f"glassnet: note: {note}", file=sys.stderr)
