"""The ``glassnet`` command line.

Exit status: 0 on success, 1 for a user error (one line on stderr saying what is
wrong), 2 for a usage error (argparse's message).
"""

from __future__ import annotations

import argparse
import sys

from . import __version__, demo, tutorials


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="glassnet",
        description="glassnet: a neural-network library you can see through.",
        epilog="Example: glassnet demo",
    )
    parser.add_argument(
        "--version", action="version", version=f"glassnet {__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    commands.add_parser(
        "demo",
        help="train the pet-shop survey network and predict new customers",
        description="Train the pet-shop 3-4-1 network (a few seconds) and print its"
        " predictions for its customers and for new surveys.",
        epilog="Example: glassnet demo",
    )

    tutorial = commands.add_parser(
        "tutorial",
        help="run one of the seed tutorials and print what it printed",
        description="Run a seed tutorial, rebuilt from glassnet parts, and print"
        " exactly what the original printed.",
        epilog="Examples: glassnet tutorial --list; glassnet tutorial trask-3layer",
    )
    tutorial.add_argument("name", nargs="?", help="the tutorial's name (see --list)")
    tutorial.add_argument("--list", action="store_true", help="list the tutorials")
    return parser


def _tutorial(args, parser) -> int:
    if args.list:
        width = max(map(len, tutorials.TUTORIALS))
        for name, (_, description) in tutorials.TUTORIALS.items():
            print(f"{name:<{width}}  {description}")
        return 0
    if args.name is None:
        parser.error("tutorial: give a NAME or --list")
    if args.name not in tutorials.TUTORIALS:
        raise ValueError(
            f"unknown tutorial {args.name!r}; choose one of"
            f" {', '.join(tutorials.TUTORIALS)} (glassnet tutorial --list)"
        )
    tutorials.run(args.name)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: sys.argv[1:]); return the status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            demo.run()
            return 0
        return _tutorial(args, parser)
    except (ValueError, OSError) as error:
        print(f"glassnet: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("glassnet: interrupted", file=sys.stderr)
        return 130
