"""``glassnet demo``: the pet-shop network learns, then predicts new customers."""

from __future__ import annotations

import argparse

from .. import demo


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``demo`` to the command line."""
    return subparsers.add_parser(
        "demo",
        help="train the pet-shop survey network and predict new customers",
        description="Train the pet-shop 3-4-1 network (a few seconds) and print its"
        " predictions for its customers and for new surveys.",
        epilog="Example: glassnet demo",
    )


def run(args: argparse.Namespace) -> int:
    """Run the demo; return the exit status."""
    demo.run()
    return 0
