"""What the commands read: the tabular extra and model files, with user errors."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

from .._validation import one_line
from ._output import printable


class CommandError(Exception):
    """A user error that is neither a ValueError nor an OSError (a missing extra)."""


def import_tabular():
    """Import glassnet.tabular, or fail with how to install pandas."""
    try:
        from .. import tabular
    except ImportError as error:
        raise CommandError(str(error)) from None
    return tabular


def is_onnx(path: str) -> bool:
    """Whether a model path names an exported ONNX file (by its suffix)."""
    return path.lower().endswith(".onnx")


def import_export(*modules: str):
    """Import glassnet.export with ``modules`` (onnx...), or say how to install them."""
    from .. import export

    try:
        for module in modules:
            export.require(module)
    except ImportError as error:
        raise CommandError(str(error)) from None
    return export


def load_exported_table(path: str):
    """Load an ONNX file of ``glassnet export`` to predict tables with onnxruntime."""
    import_tabular()
    import_export("onnx", "onnxruntime")
    from ..export.run import ExportedTable

    return ExportedTable(path)


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


def load_table_model(path: str):
    """Load a model file of glassnet train as a TabularModel (preprocessing once)."""
    return table_model(load_model(path), path)


def table_model(net, path: str):
    """Pair a loaded network with the preprocessing saved in it.

    Raises
    ------
    ModelFileError
        Naming ``path``, if the metadata cannot be read back.
    ValueError
        If the network has no preprocessing (it was saved from Python).
    """
    tabular = import_tabular()
    if "preprocessing" not in net.metadata:
        raise ValueError(
            f"{path} has no preprocessing: it was saved from Python, not by"
            " glassnet train, and takes a matrix of numbers, not a table"
        )
    with model_file_errors(path):
        return tabular.TabularModel.from_network(net)


@contextlib.contextmanager
def model_file_errors(path: str) -> Iterator[None]:
    """Turn what reading a model file's metadata raises into ModelFileError naming it.

    NOTE: the metadata is the file's, so it is untrusted: whatever rebuilding
    the preprocessing or showing the training summary raises is a fault of the
    file (a hostile or damaged one), and is said on one line with its name.
    """
    from ..modelfile import ModelFileError

    try:
        yield
    except Exception as error:
        message = one_line(error)
        if not isinstance(error, ValueError):  # ModelFileError is one
            message = f"its metadata is damaged ({type(error).__name__}: {message})"
        if path not in message:
            message = f"{path} is not a valid glassnet model file: {message}"
        raise ModelFileError(message) from None


def print_notes(notes: list[str]) -> None:
    """Print what the table commands noticed about the data, on stderr."""
    for note in notes:
        print(f"glassnet: note: {printable(note)}", file=sys.stderr)
