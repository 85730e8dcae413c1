"""``glassnet info``: describe a model file."""

from __future__ import annotations

import argparse

from ..history import describe_stop
from ._args import add_command
from ._inputs import import_tabular, load_model


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
    print(f"model: {args.model}")
    print(
        f"network: {' -> '.join(map(str, net.widths))} ({activations}); loss"
        f" {net.loss.name}; {net.dtype.name}; {net.n_params:,} parameters"
    )
    if "preprocessing" not in net.metadata:
        print(
            f"inputs: {net.n_inputs} numbers (saved from Python, without the"
            " preprocessing of glassnet train)"
        )
        print(f"trained: {net.epochs_trained:,} epochs")
        return 0
    tabular = import_tabular()
    lines = _describe_preprocessing(tabular.preprocessor_of(net))
    training = net.metadata.get("training")
    if isinstance(training, dict):
        lines += describe_training(training, tabular.format_metrics)
    print("\n".join(lines))
    return 0


def _describe_preprocessing(prep) -> list[str]:
    """Return the lines about the target, the input columns and those left out."""
    if prep.task == "classification":
        classes = ", ".join(str(label) for label in prep.classes)
        lines = [f"predicts: {prep.target!r}, classification into {classes}"]
    else:
        lines = [f"predicts: {prep.target!r}, regression"]
    lines.append(f"input columns ({len(prep.columns)}), by name, in any order:")
    rows = [[f"  {row['column']}", row["description"]] for row in prep.describe()]
    width = max(len(row[0]) for row in rows)
    lines += [f"{name.ljust(width)}  {description}" for name, description in rows]
    lines += [
        f"left out: {entry['column']!r}: {entry['reason']}" for entry in prep.dropped
    ]
    return lines


def describe_training(training: dict, format_metrics) -> list[str]:
    """Return the lines about ``metadata["training"]``, as glassnet.tabular wrote it."""
    data = training.get("data", "the data")
    n_validation = training.get("validation_rows")
    held_out = f"+ {n_validation} for validation" if n_validation else "no validation"
    lines = [f"trained on: {data}, {training.get('training_rows')} rows ({held_out})"]
    reason = describe_stop(training.get("stop_reason"))
    best = training.get("best_epoch")
    kept = f", kept epoch {best + 1}" if isinstance(best, int) else ""
    lines.append(f"training: {training.get('epochs')} epochs ({reason}{kept})")
    settings = training.get("settings")
    if isinstance(settings, dict):
        pairs = ", ".join(f"{key} {value}" for key, value in settings.items())
        lines.append(f"settings: {pairs}")
    scores = training.get("validation_metrics")
    if isinstance(scores, dict):
        lines.append(f"validation: {format_metrics(scores)}")
    return lines
