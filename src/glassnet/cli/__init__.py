"""The ``glassnet`` command line.

``demo`` and ``tutorial`` show the seed tutorials; ``train``, ``predict``,
``evaluate`` and ``info`` train a network on a CSV or Parquet table and use it,
through :mod:`glassnet.tabular` (``pip install "glassnet[tabular]"``).

Exit status: 0 on success, 1 for a user error (one line on stderr saying what is
wrong), 2 for a usage error (argparse's message). Files are written to a
temporary file and renamed, so an error never leaves a partial file behind.
"""

from __future__ import annotations

import argparse
import os
import sys

from .. import __version__, demo, tutorials
from .._files import check_writable


class CommandError(Exception):
    """A user error that is neither a ValueError nor an OSError (a missing extra)."""


def _number(convert, is_valid, expected: str):
    """Return an argparse type that converts, checks, or says what was expected."""

    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not is_valid(value):
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}")
        return value

    return parse


_positive_int = _number(int, lambda value: value >= 1, "a positive integer")
_seed = _number(int, lambda value: value >= 0, "an integer >= 0")
_positive_float = _number(
    float, lambda value: 0 < value < float("inf"), "a positive number"
)
_fraction = _number(
    float,
    lambda value: 0 <= value < 1,
    "a fraction from 0 (no validation) to below 1",
)


def _layer_sizes(text: str) -> list[int]:
    if text.strip().lower() in ("", "none"):
        return []
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        sizes = [0]
    if any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError(
            f"expected layer sizes such as 16,8 (or none), got {text!r}"
        )
    return sizes


def _column_names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _command(commands, name: str, summary: str, description: str, example: str):
    return commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=example,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


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

    train = _command(
        commands,
        "train",
        "train a network on a CSV or Parquet file and save it",
        "Train a network to predict one column of a table from the others.\n\n"
        "The task is inferred from the target (text, yes/no or a few whole numbers:"
        "\nclassification; other numbers: regression). Columns are encoded"
        " automatically:\nyes/no, true/false, y/n -> 1/0; other text -> one-hot"
        " (unknown values at\nprediction -> all zeros); numbers -> standardised;"
        " missing values -> filled in,\nwith an indicator column; identifier and"
        " constant columns are left out. A part\nof the rows is held out for early"
        " stopping and the validation metrics. The\nmodel file holds the network and"
        " this preprocessing.",
        "Example:\n"
        "  glassnet train customers.csv --target bought -o model.npz\n"
        "  glassnet train houses.parquet --target price --hidden 32,16 --drop address",
    )
    train.add_argument(
        "data", metavar="DATA", help="CSV or Parquet file, one row per example"
    )
    train.add_argument(
        "--target", required=True, metavar="COLUMN", help="the column to predict"
    )
    train.add_argument(
        "-o",
        "--output",
        default="model.npz",
        metavar="MODEL",
        help="where to save the model (default: model.npz; replaced if it exists)",
    )
    train.add_argument(
        "--drop",
        type=_column_names,
        default=[],
        metavar="COLUMNS",
        help="comma-separated columns to leave out, such as name,email",
    )
    train.add_argument(
        "--task",
        choices=("auto", "classification", "regression"),
        default="auto",
        help="what the target is (default: auto, inferred and reported)",
    )
    train.add_argument(
        "--hidden",
        type=_layer_sizes,
        default=[16, 8],
        metavar="SIZES",
        help="units per hidden layer, comma-separated (default: 16,8; none: no"
        " hidden layer)",
    )
    train.add_argument(
        "--activation",
        choices=("relu", "tanh", "sigmoid", "leaky_relu"),
        default="relu",
        help="activation of the hidden layers (default: relu)",
    )
    train.add_argument(
        "--epochs",
        type=_positive_int,
        default=200,
        metavar="N",
        help="most passes over the data (default: 200)",
    )
    train.add_argument(
        "--batch-size",
        type=_positive_int,
        default=32,
        metavar="N",
        help="rows per training step (default: 32)",
    )
    train.add_argument(
        "--learning-rate",
        type=_positive_float,
        default=1e-3,
        metavar="X",
        help="Adam's learning rate (default: 0.001)",
    )
    train.add_argument(
        "--validation",
        type=_fraction,
        default=0.2,
        metavar="FRACTION",
        help="fraction of rows held out for early stopping and metrics (default:"
        " 0.2; 0: train on all rows for --epochs epochs)",
    )
    train.add_argument(
        "--patience",
        type=_positive_int,
        default=10,
        metavar="N",
        help="epochs without improvement before stopping early (default: 10)",
    )
    train.add_argument(
        "--seed",
        type=_seed,
        default=0,
        metavar="N",
        help="seed of the split, the weights and the shuffling (default: 0; the"
        " same data and seed give the same model)",
    )
    train.add_argument(
        "--dtype",
        choices=("float32", "float64"),
        default="float64",
        help="floating-point type of the network (default: float64)",
    )
    train.add_argument(
        "--report",
        metavar="HTML",
        help="also write a learning report: the network, its loss curves and a"
        " slider across the epochs, in one self-contained HTML file",
    )
    train.add_argument(
        "--plot",
        metavar="PNG",
        help="also write the loss curves as a PNG (needs matplotlib:"
        " pip install 'glassnet[plot]')",
    )
    train.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print nothing but errors (no notes, progress or metrics)",
    )

    predict = _command(
        commands,
        "predict",
        "add a model's predictions to a CSV or Parquet file",
        "Write the rows of DATA with the model's predictions added: a column\n"
        "predicted_<target> and, for a classifier, probability_<class> for each"
        " class.\nColumns are found by name, in any order; extra columns are kept"
        " and ignored;\nthe target column may be absent. Values never seen in"
        " training are handled\n(and reported on stderr).",
        "Example:\n"
        "  glassnet predict model.npz new_customers.csv -o predictions.csv\n"
        "  glassnet predict model.npz new_customers.csv -o - | head",
    )
    predict.add_argument(
        "model", metavar="MODEL", help="a model file from glassnet train"
    )
    predict.add_argument(
        "data", metavar="DATA", help="CSV or Parquet file of rows to predict"
    )
    predict.add_argument(
        "-o",
        "--output",
        metavar="OUT",
        help="where to write (default: DATA's name with .predictions before its"
        " suffix, beside it; .parquet writes Parquet; - writes CSV to stdout)."
        " Never the input file",
    )

    evaluate = _command(
        commands,
        "evaluate",
        "score a model on a CSV or Parquet file with the true answers",
        "Compare the model's predictions with DATA's target column. Classifiers:\n"
        "accuracy, precision, recall, F1 (per class and macro averages) and the\n"
        "confusion matrix. Regressors: MAE, RMSE and R^2.",
        "Example:\n  glassnet evaluate model.npz test.csv",
    )
    evaluate.add_argument(
        "model", metavar="MODEL", help="a model file from glassnet train"
    )
    evaluate.add_argument(
        "data", metavar="DATA", help="CSV or Parquet file including the target column"
    )

    info = _command(
        commands,
        "info",
        "describe a model file",
        "Print a model's architecture, parameter count, the input columns and\n"
        "their encoding, and a summary of its training.",
        "Example:\n  glassnet info model.npz",
    )
    info.add_argument("model", metavar="MODEL", help="a model file")

    explain = _command(
        commands,
        "explain",
        "walk through one training step, matrix by matrix",
        "Run one training step and print every matrix the tutorials name: l0,\n"
        "syn0, l1, l2, l2_error, l2_delta, l1_error, l1_delta and the updates, each\n"
        "with its shape, its values and what it means. Without arguments: the\n"
        "pet-shop network's first step. The model file is not changed.",
        "Example:\n  glassnet explain\n"
        "  glassnet explain model.npz customers.csv --rows 3",
    )
    explain.add_argument(
        "model", metavar="MODEL", nargs="?", help="a model file from glassnet train"
    )
    explain.add_argument(
        "data",
        metavar="DATA",
        nargs="?",
        help="CSV or Parquet file with the target column (needed with MODEL)",
    )
    explain.add_argument(
        "--rows",
        type=_positive_int,
        default=4,
        metavar="N",
        help="how many rows of DATA the step uses (default: 4)",
    )

    report = _command(
        commands,
        "report",
        "write a learning report (self-contained HTML)",
        "Draw a model's network (colour: sign, thickness: size of each weight) and\n"
        "its loss curves in one HTML file that opens without a network connection.\n"
        "A run recorded with glassnet.recording.Recorder adds a slider across the\n"
        "epochs that redraws the synapses and the predictions.",
        "Example:\n  glassnet report model.npz -o report.html\n"
        "  glassnet report run.json -o report.html",
    )
    report.add_argument(
        "source",
        metavar="MODEL_OR_RUN",
        help="a model file, or a run saved with Recording.save",
    )
    report.add_argument(
        "-o",
        "--output",
        default="report.html",
        metavar="HTML",
        help="where to write the report (default: report.html)",
    )
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


# -- the table commands ---------------------------------------------------------


def _tabular():
    """Import glassnet.tabular, or fail with how to install pandas."""
    try:
        from .. import tabular
    except ImportError as error:
        raise CommandError(str(error)) from None
    return tabular


def _same_file(a: str, b: str) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _refuse_overwrite(source: str, *outputs: str | None) -> None:
    """Raise if an output would replace the input file (or another output)."""
    given = [path for path in outputs if path is not None]
    for index, path in enumerate(given):
        for other in (source, *given[:index]):
            if _same_file(path, other):
                raise ValueError(
                    f"{path} would overwrite {other}; choose another file name"
                )


def _load_model(path: str):
    from .. import io

    if os.path.isdir(path):
        raise IsADirectoryError(f"{path} is a directory, not a model file")
    try:
        return io.load(path)
    except FileNotFoundError:
        raise FileNotFoundError(
            f"model file {path} does not exist; make one with glassnet train"
        ) from None
    except PermissionError:
        raise PermissionError(f"{path} cannot be read: permission denied") from None


def _train(args) -> int:
    tabular = _tabular()
    from .. import io

    say = (lambda text: None) if args.quiet else print
    recorder = None
    if args.report is not None:
        from ..recording import Recorder

        recorder = Recorder()  # the first training rows, as encoded
    _refuse_overwrite(args.data, args.output, args.report, args.plot)
    # Fail now, not after training, if the model cannot be saved there.
    for path in (args.output, args.report, args.plot):
        if path is not None:
            check_writable(path)
    if args.plot is not None:
        from ..plotting import require_matplotlib

        require_matplotlib()
    frame = tabular.read_table(args.data)
    say(f"read {args.data}: {frame.shape[0]:,} rows, {frame.shape[1]} columns")
    net = tabular.train(
        frame,
        args.target,
        task=args.task,
        drop=args.drop,
        hidden=args.hidden,
        activation=args.activation,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        validation=args.validation,
        patience=args.patience,
        seed=args.seed,
        dtype=args.dtype,
        verbose=0 if args.quiet else 1,
        log=say,
        callbacks=[recorder] if recorder is not None else [],
    )
    net.metadata["training"]["data"] = os.path.basename(args.data)
    try:
        io.save(net, args.output)
    except OSError as error:
        raise OSError(
            f"cannot save the model to {args.output}: {_reason(error)}; choose"
            " another place with -o"
        ) from None
    say(
        f"saved {args.output} (network and preprocessing); next: glassnet predict"
        f" {args.output} NEW_DATA.csv"
    )
    if recorder is not None:
        from .. import report

        report.write(args.report, network=net, recording=recorder.recording)
        say(f"wrote the learning report {args.report}")
    if args.plot is not None:
        from ..plotting import plot_losses

        plot_losses(net.history, args.plot)
        say(f"wrote the loss curves {args.plot}")
    return 0


def _explain(args, parser) -> int:
    if args.model is None:
        net = tutorials.tutorial_network([3, 4, 1])
        X, y = tutorials.PET_SHOP_X, tutorials.PET_SHOP_Y
        print("The pet-shop survey network (glassnet tutorial pet-shop), first step.")
    elif args.data is None:
        parser.error("explain: give both MODEL and DATA, or neither")
    else:
        net = _load_model(args.model)
        if "preprocessing" not in net.metadata:
            raise ValueError(
                f"{args.model} has no preprocessing (it was saved from Python):"
                " explain it from Python with net.explain(X, y)"
            )
        tabular = _tabular()
        prep = tabular.preprocessor_of(net)
        rows = tabular.read_table(args.data).iloc[: args.rows]
        if prep.target not in rows.columns:
            raise ValueError(
                f"{args.data} has no column {prep.target!r}, the target the model"
                " was trained on; explain needs the true answers"
            )
        X, y = prep.transform(rows), prep.encode_target(rows[prep.target])
    print(net.explain(X, y))
    return 0


def _report(args) -> int:
    from .. import report
    from ..recording import Recording

    source = args.source
    if os.path.isdir(source):
        raise IsADirectoryError(f"{source} is a directory, not a model or run file")
    with open(source, "rb") as file:
        is_zip = file.read(4) == b"PK\x03\x04"
    _refuse_overwrite(source, args.output)
    check_writable(args.output)
    if is_zip:
        net = _load_model(source)
        report.write(args.output, network=net)
    else:
        report.write(args.output, recording=Recording.load(source))
    print(f"wrote {args.output}")
    return 0


def _reason(error: OSError) -> str:
    return error.strerror or " ".join(str(error).split())


def _default_output(data: str) -> str:
    directory, name = os.path.split(data)
    stem, suffix = os.path.splitext(name)
    if suffix.lower() not in (".parquet", ".pq"):
        suffix = ".csv"
    return os.path.join(directory, f"{stem}.predictions{suffix}")


def _predict(args) -> int:
    tabular = _tabular()
    output = args.output if args.output is not None else _default_output(args.data)
    to_stdout = output == "-"
    if not to_stdout:
        for kind, path in (("data", args.data), ("model", args.model)):
            if _same_file(output, path):
                raise ValueError(
                    f"the predictions would overwrite the {kind} file {path};"
                    " choose another name with -o"
                )
        check_writable(output)
    net = _load_model(args.model)
    frame = tabular.read_table(args.data)
    notes: list[str] = []
    result = tabular.predict(net, frame, notes)
    if to_stdout:
        try:
            result.to_csv(sys.stdout, index=False)
            sys.stdout.flush()
        except BrokenPipeError:
            # The reader stopped early (| head): quietly, as Unix tools do.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    else:
        tabular.write_table(result, output)
    for note in notes:
        print(f"glassnet: note: {note}", file=sys.stderr)
    if not to_stdout:
        print(f"wrote {len(result):,} predictions to {output}", file=sys.stderr)
    return 0


def _format_table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(
            cell.ljust(width) if i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]


def _evaluate(args) -> int:
    tabular = _tabular()
    net = _load_model(args.model)
    frame = tabular.read_table(args.data)
    notes: list[str] = []
    scores = tabular.evaluate(net, frame, notes)
    for note in notes:
        print(f"glassnet: note: {note}", file=sys.stderr)
    kind = "classifier" if scores["task"] == "classification" else "regressor"
    print(
        f"{args.model}: {kind} of {scores['target']!r} on {scores['rows']:,} rows"
        f" of {args.data}"
    )
    if scores["task"] == "regression":
        print(f"MAE   {scores['mae']:.6g}")
        print(f"RMSE  {scores['rmse']:.6g}")
        print(f"R^2   {scores['r2']:.6f}")
        return 0
    print(f"accuracy  {scores['accuracy']:.4f}")
    print()
    labels = [str(label) for label in scores["classes"]]
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
    print("\n".join(_format_table(rows)))
    print()
    print("confusion matrix (rows: true class, columns: predicted class)")
    matrix = [["", *labels]] + [
        [label, *map(str, counts)]
        for label, counts in zip(labels, scores["confusion_matrix"], strict=True)
    ]
    print("\n".join(_format_table(matrix)))
    return 0


def _info(args) -> int:
    from ..layers import Dense

    net = _load_model(args.model)
    dense = [layer for layer in net.layers if isinstance(layer, Dense)]
    widths = [net.n_inputs] + [layer.n_units for layer in dense]
    activations = ", ".join(layer.activation.name for layer in dense)
    print(f"model: {args.model}")
    print(
        f"network: {' -> '.join(map(str, widths))} ({activations}); loss"
        f" {net.loss.name}; {net.dtype.name}; {net.n_params:,} parameters"
    )
    if "preprocessing" not in net.metadata:
        print(
            f"inputs: {net.n_inputs} numbers (saved from Python, without the"
            " preprocessing of glassnet train)"
        )
        print(f"trained: {net.epochs_trained:,} epochs")
        return 0
    tabular = _tabular()
    prep = tabular.preprocessor_of(net)
    if prep.task == "classification":
        classes = ", ".join(str(label) for label in prep.classes)
        print(f"predicts: {prep.target!r}, classification into {classes}")
    else:
        print(f"predicts: {prep.target!r}, regression")
    print(f"input columns ({len(prep.columns)}), by name, in any order:")
    rows = [[f"  {row['column']}", row["description"]] for row in prep.describe()]
    width = max(len(row[0]) for row in rows)
    for name, description in rows:
        print(f"{name.ljust(width)}  {description}")
    for entry in prep.dropped:
        print(f"left out: {entry['column']!r}: {entry['reason']}")
    training = net.metadata.get("training")
    if isinstance(training, dict):
        data = training.get("data", "the data")
        n_validation = training.get("validation_rows")
        held_out = (
            f"+ {n_validation} for validation" if n_validation else "no validation"
        )
        print(f"trained on: {data}, {training.get('training_rows')} rows ({held_out})")
        reason = {
            "early_stopping": "stopped early",
            "interrupted": "interrupted",
        }.get(training.get("stop_reason"), "completed")
        best = training.get("best_epoch")
        kept = f", kept epoch {best + 1}" if isinstance(best, int) else ""
        print(f"training: {training.get('epochs')} epochs ({reason}{kept})")
        settings = training.get("settings")
        if isinstance(settings, dict):
            print(
                "settings: "
                + ", ".join(f"{key} {value}" for key, value in settings.items())
            )
        scores = training.get("validation_metrics")
        if isinstance(scores, dict):
            print(f"validation: {tabular.format_metrics(scores)}")
    return 0


_COMMANDS = {
    "train": _train,
    "predict": _predict,
    "evaluate": _evaluate,
    "info": _info,
    "report": _report,
}


def main(argv: list[str] | None = None) -> int:
    """Run the command line on ``argv`` (default: sys.argv[1:]); return the status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            demo.run()
            return 0
        if args.command in _COMMANDS:
            return _COMMANDS[args.command](args)
        if args.command == "explain":
            return _explain(args, parser)
        return _tutorial(args, parser)
    except (ValueError, OSError, FloatingPointError, CommandError) as error:
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"glassnet: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("glassnet: interrupted", file=sys.stderr)
        return 130
