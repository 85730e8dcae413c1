"""What the commands share about their arguments.

The argparse types (numbers, layer sizes, column lists), the parser of one
command, a usage error a command finds after parsing, and the checks of the
files a command is about to write.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from collections.abc import Callable, Iterable, Iterator

from .._files import check_writable


class UsageError(Exception):
    """A usage error found after parsing; the command line exits with status 2."""


def add_na_values(parser: argparse.ArgumentParser, default_note: str = "") -> None:
    """Add ``--na-values`` (train, predict, evaluate): texts that also mean missing."""
    parser.add_argument(
        "--na-values",
        type=column_names,
        default=[],
        metavar="TEXTS",
        help="comma-separated cell texts that also mean missing, such as NA,n/a"
        f" (default: only empty cells are missing{default_note})",
    )


def add_command(
    subparsers, name: str, summary: str, description: str, example: str, **kwargs
) -> argparse.ArgumentParser:
    """Add the parser of a command whose description and example keep their lines."""
    return subparsers.add_parser(
        name,
        help=summary,
        description=description,
        epilog=example,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        **kwargs,
    )


def _number(convert: Callable, is_valid: Callable, expected: str) -> Callable:
    """Return an argparse type that converts, checks, or says what was expected."""

    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not is_valid(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


positive_int = _number(int, lambda value: value >= 1, "a positive integer")
seed = _number(int, lambda value: value >= 0, "an integer >= 0")
positive_float = _number(
    float, lambda value: 0 < value < float("inf"), "a positive number"
)
fraction = _number(
    float,
    lambda value: 0 <= value < 1,
    "a fraction from 0 (no validation) to below 1",
)
whole_number = _number(int, lambda value: value >= 0, "a whole number >= 0")
port = _number(int, lambda value: 0 <= value < 2**16, "a port from 0 to 65535")


def batch_size(text: str) -> int | None:
    """Parse ``--batch-size``: a positive integer, or ``auto`` (None)."""
    return None if text.strip().lower() == "auto" else positive_int(text)


def layer_sizes(text: str) -> list[int]:
    """Parse ``16,8`` into ``[16, 8]``; ``none`` or nothing is no hidden layer."""
    if text.strip().lower() in ("", "none"):
        return []
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        sizes = [0]
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(
            f"expected layer sizes such as 16,8 (or none), got {text!r}"
        )
    return sizes


def column_names(text: str) -> list[str]:
    """Parse ``name, email`` into ``["name", "email"]``."""
    return [name.strip() for name in text.split(",") if name.strip()]


def same_file(a: str, b: str) -> bool:
    """Return whether two paths name one file (also through links)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


OVERWRITE = "{output} would overwrite {path}; choose another file name"

#: The kinds of file a command writes, with an example name for the messages.
MODEL, TABLE, HTML, PNG, ONNX = "model", "table", "report", "plot", "model export"
_EXAMPLES = {
    MODEL: "model.npz",
    ONNX: "model.onnx",
    TABLE: "predictions.csv",
    HTML: "report.html",
    PNG: "losses.png",
}
_COMPRESSED = (".gz", ".bz2", ".zip", ".xz", ".zst", ".tar")


def check_output_name(option: str, path: str, kind: str) -> None:
    """Raise a one-line ValueError unless ``path`` is a name ``kind`` can be written to.

    Every output takes a file name; a table also takes ``-`` (standard output)
    and ``.tsv`` or ``.parquet`` names. No writer compresses, so compressed names
    are refused (a model may end in ``.zip``: it is one).
    """
    example = _EXAMPLES[kind]
    if path == "":
        raise ValueError(
            f"{option} '': the file name is empty; give one such as {example}"
        )
    if path.endswith(("/", os.sep)):
        raise ValueError(
            f"{option} {path}: names a directory; give a file name such as {example}"
        )
    if path == "-" and kind != TABLE:
        raise ValueError(
            f"{option} -: a {kind} is not written to standard output; give a file"
            f" name such as {example}"
        )
    compressed = path.lower().endswith(_COMPRESSED)
    if compressed and not (kind == MODEL and path.lower().endswith(".zip")):
        pipe = " (or -o - and pipe it into gzip)" if kind == TABLE else ""
        raise ValueError(
            f"{option} {path}: glassnet writes a {kind} uncompressed; give a name"
            f" such as {example}{pipe}"
        )


def check_outputs(
    inputs: Iterable[tuple[str, str]],
    outputs: Iterable[tuple[str, str | None, str]],
    message: str = OVERWRITE,
) -> None:
    """Raise unless every output can be written without replacing another file.

    Call it before any work, so that a long run does not end in a failed write.

    Parameters
    ----------
    inputs : iterable of (str, str)
        What each input file is (such as ``"data"``) and its path.
    outputs : iterable of (str, str or None, str)
        The option (such as ``"-o"``), the file the command will write (None: an
        output not asked for; ``-``: standard output) and its kind (``MODEL``,
        ``TABLE``, ``HTML``, ``PNG`` or ``ONNX``).
    message : str, default=OVERWRITE
        The error when an output is an input or an earlier output, formatted
        with ``output``, ``kind`` and ``path`` (the file it would replace).

    Raises
    ------
    ValueError
        If an output name is empty or of a form its kind cannot be written to,
        or an output would replace an input or another output.
    OSError
        If an output cannot be written (see :func:`glassnet._files.check_writable`).
    """
    given = [(option, path, kind) for option, path, kind in outputs if path is not None]
    for option, path, kind in given:
        check_output_name(option, path, kind)
    files = [path for _, path, _ in given if path != "-"]
    for index, output in enumerate(files):
        earlier = [("output", path) for path in files[:index]]
        for kind, path in (*inputs, *earlier):
            if same_file(output, path):
                raise ValueError(message.format(output=output, kind=kind, path=path))
    for output in files:
        check_writable(output)


@contextlib.contextmanager
def writing(path: str) -> Iterator[None]:
    """Make an OSError raised while writing ``path`` name it, if it does not."""
    try:
        yield
    except OSError as error:
        if path in str(error):
            raise
        reason = error.strerror or str(error)
        raise OSError(f"cannot write {path}: {reason}") from None
