"""``glassnet predict``: add a model's predictions to a CSV or Parquet file."""

from __future__ import annotations

import argparse
import os
import sys

from ._args import TABLE, add_command, add_na_values, check_outputs
from ._inputs import (
    import_tabular,
    is_onnx,
    load_exported_table,
    load_table_model,
    print_notes,
)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``predict`` to the command line."""
    parser = add_command(
        subparsers,
        "predict",
        "add a model's predictions to a CSV or Parquet file",
        "Write the rows of DATA with the model's predictions added: a column\n"
        "predicted_<target> and, for a classifier, probability_<class> for each"
        " class.\nColumns are found by name, in any order; extra columns are kept"
        " and ignored;\nthe target column may be absent. Values never seen in"
        " training are handled\n(and reported on stderr).",
        "Example:\n"
        "  glassnet predict model.npz new_customers.csv -o predictions.csv\n"
        "  glassnet predict model.npz new_customers.csv -o - | head\n"
        "  glassnet predict model.onnx new_customers.csv -o onnx_predictions.csv",
    )
    parser.add_argument(
        "model",
        metavar="MODEL",
        help="a model file from glassnet train, or a .onnx file from glassnet"
        " export (run through onnxruntime)",
    )
    parser.add_argument(
        "data", metavar="DATA", help="CSV or Parquet file of rows to predict"
    )
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="where to write (default: DATA's name with .predictions before its"
        " suffix, beside it; .parquet writes Parquet; - writes CSV to stdout)."
        " Never the input file",
    )
    add_na_values(parser, "; the output keeps them as written")
    return parser


def default_output(data: str) -> str:
    """Return DATA's name with .predictions before its suffix, beside it."""
    directory, name = os.path.split(data)
    stem, suffix = os.path.splitext(name)
    if suffix.lower() not in (".parquet", ".pq"):
        suffix = ".csv"
    return os.path.join(directory, f"{stem}.predictions{suffix}")


def run(args: argparse.Namespace) -> int:
    """Write the predictions; return the exit status."""
    tabular = import_tabular()
    output = args.output if args.output is not None else default_output(args.data)
    to_stdout = output == "-"
    check_outputs(
        [("data", args.data), ("model", args.model)],
        [("-o", output, TABLE)],
        "the predictions would overwrite the {kind} file {path};"
        " choose another name with -o",
    )
    if is_onnx(args.model):  # run through onnxruntime: checks an export
        model = load_exported_table(args.model)
    else:
        model = load_table_model(args.model)
    frame = tabular.read_table(args.data)
    notes: list[str] = []
    result = model.predict(frame, notes, na_values=args.na_values)
    if to_stdout:
        # A reader that stops early (| head) is main's to handle, for every command.
        result.to_csv(sys.stdout, index=False)
    else:
        tabular.write_table(result, output)
    print_notes(notes)
    if not to_stdout:
        print(f"wrote {len(result):,} predictions to {output}", file=sys.stderr)
    return 0
