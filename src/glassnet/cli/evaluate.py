"""``glassnet evaluate``: score a model on a table with the true answers."""

from __future__ import annotations

import argparse

from ._args import add_command, add_na_values
from ._inputs import import_tabular, load_table_model, print_notes
from ._output import printable


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``evaluate`` to the command line."""
    parser = add_command(
        subparsers,
        "evaluate",
        "score a model on a CSV or Parquet file with the true answers",
        "Compare the model's predictions with DATA's target column. Classifiers:\n"
        "accuracy, precision, recall, F1 (per class and macro averages) and the\n"
        "confusion matrix. Regressors: MAE, RMSE and R^2.",
        "Example:\n  glassnet evaluate model.npz test.csv",
    )
    parser.add_argument(
        "model", metavar="MODEL", help="a model file from glassnet train"
    )
    parser.add_argument(
        "data", metavar="DATA", help="CSV or Parquet file including the target column"
    )
    add_na_values(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Print the model's scores on DATA; return the exit status."""
    tabular = import_tabular()
    model = load_table_model(args.model)
    frame = tabular.read_table(args.data, na_values=args.na_values)
    notes: list[str] = []
    scores = model.evaluate(frame, notes)
    print_notes(notes)
    kind = "classifier" if scores["task"] == "classification" else "regressor"
    print(
        f"{args.model}: {kind} of {scores['target']!r} on {scores['rows']:,} rows"
        f" of {args.data}"
    )
    print("\n".join(format_scores(scores)))
    return 0


def format_scores(scores: dict) -> list[str]:
    """Return the lines that show the scores of :func:`glassnet.tabular.evaluate`."""
    if scores["task"] == "regression":
        return [
            f"MAE   {scores['mae']:.6g}",
            f"RMSE  {scores['rmse']:.6g}",
            f"R^2   {scores['r2']:.6f}",
        ]
    labels = [printable(label) for label in scores["classes"]]
    rows = [["class", "precision", "recall", "F1", "support"]]
    for index, label in enumerate(labels):
        rows.append(
            [
                label,
                f"{scores['precision'][index]:.4f}",
                f"{scores['recall'][index]:.4f}",
                f"{scores['f1'][index]:.4f}",
                str(scores["support"][index]),
            ]
        )
    rows.append(
        [
            "macro average",
            f"{scores['macro_precision']:.4f}",
            f"{scores['macro_recall']:.4f}",
            f"{scores['macro_f1']:.4f}",
            str(sum(scores["support"])),
        ]
    )
    matrix = [["", *labels]] + [
        [label, *map(str, counts)]
        for label, counts in zip(labels, scores["confusion_matrix"], strict=True)
    ]
    return [
        f"accuracy  {scores['accuracy']:.4f}",
        "",
        *_format_table(rows),
        "",
        "confusion matrix (rows: true class, columns: predicted class)",
        *_format_table(matrix),
    ]


def _format_table(rows: list[list[str]]) -> list[str]:
    """Align a table's columns: the first to the left, the others to the right."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
