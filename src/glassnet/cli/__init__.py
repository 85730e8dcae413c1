"""The ``glassnet`` command line.

``demo`` and ``tutorial`` show the seed tutorials; ``train``, ``predict``,
``evaluate`` and ``info`` train a network on a CSV or Parquet table and use it,
through :mod:`glassnet.tabular` (``pip install "glassnet[tabular]"``);
``explain`` and ``report`` show how a network learns; ``export`` writes a
model as ONNX (``pip install "glassnet[onnx]"``).

Each command is a module here with ``add_parser(subparsers)`` and
``run(args) -> int``; :func:`main` builds the parser from them, runs the one
asked for, and is the one place where errors become exit statuses.

Exit status: 0 on success, 1 for a user error (one line on stderr saying what is
wrong), 2 for a usage error (argparse's message), 130 when interrupted. Files
are written to a temporary file and renamed, so an error never leaves a partial
file behind. A reader that stops early (``| head -1``) ends nothing: the rest
of the output goes nowhere and the command finishes.
"""

from __future__ import annotations

import argparse
import sys

from .._validation import one_line
from .._version import __version__
from . import demo, evaluate, explain, export, info, predict, report, train, tutorial
from ._args import UsageError
from ._inputs import CommandError
from ._output import closed_pipes_are_quiet, printable

#: The commands, in the order ``glassnet --help`` lists them.
COMMANDS = (demo, tutorial, train, predict, evaluate, info, explain, report, export)

__all__ = ["main"]


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glassnet",
        description="glassnet: a neural-network library you can see through.",
        epilog="Example: glassnet demo\n"
        "         glassnet train customers.csv --target bought",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"glassnet {__version__}"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for command in COMMANDS:
        command.add_parser(subparsers).set_defaults(run=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: sys.argv[1:]); return the status."""
    parser = _build_parser()
    with closed_pipes_are_quiet():
        try:
            args = parser.parse_args(argv)
            return args.run(args)
        except UsageError as error:
            parser.error(str(error))  # exits with status 2
        except KeyboardInterrupt:
            print("glassnet: interrupted", file=sys.stderr)
            return 130
        except MemoryError:
            return _fail(
                "not enough memory; use smaller --hidden layers, fewer rows or"
                " columns, or --dtype float32"
            )
        except (ValueError, OSError, FloatingPointError, CommandError) as error:
            return _fail(one_line(error))
        # NOTE: the last resort, so that a user never sees a traceback; the
        # words ask for a report, and the tests fail on them.
        except Exception as error:
            return _fail(
                f"{type(error).__name__}: {one_line(error)} (a bug in glassnet;"
                " please report it with the command that caused it)"
            )


def _fail(message: str) -> int:
    """Print one error line (control characters escaped) on stderr; return 1."""
    print(f"glassnet: error: {printable(message)}", file=sys.stderr)
    return 1
