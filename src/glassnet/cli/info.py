"""``glassnet info``: describe a model file."""

from __future__ import annotations

import argparse

from ._args import add_command
from ._inputs import load_model, model_file_errors, table_model
from ._output import printable


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``info`` to the command line."""
    parser = add_command(
        subparsers,
        "info",
        "describe a model file",
        "Print a model's architecture, parameter count, the input columns and\n"
        "their encoding, and a summary of its training.",
        "Example:\n  glassnet info model.npz",
    )
    parser.add_argument("model", metavar="MODEL", help="a model file")
    return parser


def run(args: argparse.Namespace) -> int:
    """Print what the model is, reads and learned from; return the exit status."""
    net = load_model(args.model)
    activations = ", ".join(layer.activation.name for layer in net.dense_layers)
    lines = [
        f"model: {args.model}",
        f"network: {' -> '.join(map(str, net.widths))} ({activations}); loss"
        f" {net.loss.name}; {net.dtype.name}; {net.n_params:,} parameters",
    ]
    if "preprocessing" not in net.metadata:
        lines += [
            f"inputs: {net.n_inputs} numbers (saved from Python, without the"
            " preprocessing of glassnet train)",
            f"trained: {net.epochs_trained:,} epochs",
        ]
    else:
        model = table_model(net, args.model)
        with model_file_errors(args.model):
            lines += _describe_preprocessing(model.preprocessor)
            if model.summary is not None:
                lines += model.summary.describe()
    print("\n".join(printable(line) for line in lines))
    return 0


def _describe_preprocessing(prep) -> list[str]:
    """Return the lines about the target, the input columns and those left out."""
    from ..tabular._words import label_text

    if prep.task == "classification":
        classes = ", ".join(label_text(label) for label in prep.classes)
        lines = [f"predicts: {prep.target!r}, classification into {classes}"]
    else:
        lines = [f"predicts: {prep.target!r}, regression"]
    lines.append(f"input columns ({len(prep.columns)}), by name, in any order:")
    # Escaped before aligning, so that the widths are those printed.
    rows = [
        [f"  {printable(row['column'])}", row["description"]] for row in prep.describe()
    ]
    width = max(len(row[0]) for row in rows)
    lines += [f"{name.ljust(width)}  {description}" for name, description in rows]
    lines += [
        f"left out: {entry['column']!r}: {entry['reason']}" for entry in prep.dropped
    ]
    return lines
