"""``glassnet explain``: one training step, matrix by matrix; or what matters and why.

With ``--importance`` it prints each column's permutation importance on DATA;
with ``--row N``, each column's contribution to row N's prediction (integrated
gradients). Without them, one training step.
"""

from __future__ import annotations

import argparse

from .. import tutorials
from ._args import UsageError, add_command, positive_int, whole_number
from ._inputs import import_tabular, load_model, print_notes, table_model


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``explain`` to the command line."""
    parser = add_command(
        subparsers,
        "explain",
        "walk through one training step, matrix by matrix",
        "Run one training step and print every matrix the tutorials name: l0,\n"
        "syn0, l1, l2, l2_error, l2_delta, l1_error, l1_delta and the updates, each\n"
        "with its shape, its values and what it means. Without arguments: the\n"
        "pet-shop network's first step. The model file is not changed.\n\n"
        "With --importance: how much the score drops when each column of DATA is\n"
        "shuffled (what the model relies on). With --row N: how much each column\n"
        "of row N moved its prediction (integrated gradients).",
        "Example:\n  glassnet explain\n"
        "  glassnet explain model.npz customers.csv --rows 3\n"
        "  glassnet explain model.npz validation.csv --importance\n"
        "  glassnet explain model.npz customers.csv --row 0",
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
    parser.add_argument(
        "--importance",
        action="store_true",
        help="print each column's permutation importance on DATA (needs the target)",
    )
    parser.add_argument(
        "--repeats",
        type=positive_int,
        default=5,
        metavar="N",
        help="shuffles of each column with --importance (default: 5)",
    )
    parser.add_argument(
        "--row",
        type=whole_number,
        metavar="N",
        help="print each column's contribution to the prediction of row N of DATA"
        " (0 is the first row under the header)",
    )
    parser.add_argument(
        "--steps",
        type=positive_int,
        default=64,
        metavar="N",
        help="points of the integral with --row (default: 64)",
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
    elif args.importance or args.row is not None:
        return _what_and_why(args)
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


def _what_and_why(args: argparse.Namespace) -> int:
    """Print the columns' importance (--importance), then row N's reasons (--row)."""
    tabular = import_tabular()
    model = table_model(load_model(args.model), args.model)
    frame = tabular.read_table(args.data)
    if args.row is not None and args.row >= len(frame):
        # Checked before the importance is computed, which takes a while.
        raise ValueError(
            f"row {args.row} is out of range: {args.data} has {len(frame)} rows,"
            f" numbered 0 to {len(frame) - 1}"
        )
    blocks = []
    if args.importance:
        notes: list[str] = []
        importance = tabular.permutation_importance(
            model, frame, n_repeats=args.repeats, notes=notes
        )
        print_notes(notes)
        blocks.append(importance.to_text())
    if args.row is not None:
        why = tabular.integrated_gradients(model, frame, args.row, steps=args.steps)
        blocks.append(why.to_text())
    print("\n\n".join(blocks))
    return 0
