"""``glassnet explain``: walk through one training step, matrix by matrix."""

from __future__ import annotations

import argparse

from .. import tutorials
from ._args import UsageError, add_command, positive_int
from ._inputs import import_tabular, load_model, table_model


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``explain`` to the command line."""
    parser = add_command(
        subparsers,
        "explain",
        "walk through one training step, matrix by matrix",
        "Run one training step and print every matrix the tutorials name: l0,\n"
        "syn0, l1, l2, l2_error, l2_delta, l1_error, l1_delta and the updates, each\n"
        "with its shape, its values and what it means. Without arguments: the\n"
        "pet-shop network's first step. The model file is not changed.",
        "Example:\n  glassnet explain\n"
        "  glassnet explain model.npz customers.csv --rows 3",
    )
    parser.add_argument(
        "model", metavar="MODEL", nargs="?", help="a model file from glassnet train"
    )
    parser.add_argument(
        "data",
        metavar="DATA",
        nargs="?",
        help="CSV or Parquet file with the target column (needed with MODEL)",
    )
    parser.add_argument(
        "--rows",
        type=positive_int,
        default=4,
        metavar="N",
        help="how many rows of DATA the step uses (default: 4)",
    )
    return parser


def run(args: argparse.Namespace) -> int:
    """Print one training step of the model, or of the pet-shop network."""
    if args.model is None:
        net = tutorials.tutorial_network([3, 4, 1])
        X, y = tutorials.PET_SHOP_X, tutorials.PET_SHOP_Y
        print("The pet-shop survey network (glassnet tutorial pet-shop), first step.")
    elif args.data is None:
        raise UsageError("explain: give both MODEL and DATA, or neither")
    else:
        net = load_model(args.model)
        X, y = _first_rows(net, args)
    print(net.explain(X, y))
    return 0


def _first_rows(net, args: argparse.Namespace):
    """Return the first rows of DATA encoded as the model's inputs and targets."""
    if "preprocessing" not in net.metadata:
        raise ValueError(
            f"{args.model} has no preprocessing (it was saved from Python):"
            " explain it from Python with net.explain(X, y)"
        )
    tabular = import_tabular()
    prep = table_model(net, args.model).preprocessor
    rows = tabular.read_table(args.data).iloc[: args.rows]
    if prep.target not in rows.columns:
        raise ValueError(
            f"{args.data} has no column {prep.target!r}, the target the model"
            " was trained on; explain needs the true answers"
        )
    return prep.transform(rows), prep.encode_target(rows[prep.target])
