"""``glassnet tutorial``: run a seed tutorial and print what it printed."""

from __future__ import annotations

import argparse

from .. import tutorials
from ._args import UsageError


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``tutorial`` to the command line."""
    parser = subparsers.add_parser(
        "tutorial",
        help="run one of the seed tutorials and print what it printed",
        description="Run a seed tutorial, rebuilt from glassnet parts, and print"
        " exactly what the original printed.",
        epilog="Examples: glassnet tutorial --list; glassnet tutorial trask-3layer",
    )
    parser.add_argument("name", nargs="?", help="the tutorial's name (see --list)")
    parser.add_argument("--list", action="store_true", help="list the tutorials")
    return parser


def run(args: argparse.Namespace) -> int:
    """List the tutorials or run one; return the exit status."""
    if args.list:
        width = max(map(len, tutorials.TUTORIALS))
        for name, (_, description) in tutorials.TUTORIALS.items():
            print(f"{name:<{width}}  {description}")
        return 0
    if args.name is None:
        raise UsageError("tutorial: give a NAME or --list")
    if args.name not in tutorials.TUTORIALS:
        raise ValueError(
            f"unknown tutorial {args.name!r}; choose one of"
            f" {', '.join(tutorials.TUTORIALS)} (glassnet tutorial --list)"
        )
    tutorials.run(args.name)
    return 0
