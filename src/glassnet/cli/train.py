"""``glassnet train``: train a network on a CSV or Parquet file and save it.

The options' defaults and choices are :mod:`glassnet.tabular.settings`'s; the
training itself is :func:`glassnet.tabular.train`.
"""

from __future__ import annotations

import argparse
import os
import sys

from .._validation import one_line
from ..history import INTERRUPTED
from ._args import (
    HTML,
    MODEL,
    PNG,
    add_command,
    add_na_values,
    batch_size,
    check_outputs,
    column_names,
    fraction,
    layer_sizes,
    port,
    positive_float,
    positive_int,
    seed,
    whole_number,
    writing,
)
from ._inputs import import_tabular
from ._output import printable
from ._watch import finish_watching, start_watching

DESCRIPTION = (
    "Train a network to predict one column of a table from the others.\n\n"
    "The task is inferred from the target (text, yes/no or a few whole numbers:"
    "\nclassification; other numbers: regression). Columns are encoded"
    " automatically:\nyes/no, true/false, y/n -> 1/0; other text -> one-hot"
    " (unknown values at\nprediction -> all zeros); numbers -> robust-scaled,"
    " clipped and cut into\npiecewise-linear bins; missing values -> filled in,"
    " with an indicator column;\nidentifier and constant columns are left out."
    " By default five networks train,\neach on four fifths of the rows and stopped"
    " early on the fifth it did not see; their\naverage is the model, and their"
    " out-of-fold predictions give the validation\nmetrics. The model file holds"
    " the network and this preprocessing."
)
EXAMPLE = (
    "Example:\n"
    "  glassnet train customers.csv --target bought -o model.npz\n"
    "  glassnet train houses.parquet --target price --hidden 32,16 --drop address"
)


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``train`` to the command line, its arguments in the order of the help."""
    from ..tabular import settings  # the defaults; this imports no pandas

    parser = add_command(
        subparsers,
        "train",
        "train a network on a CSV or Parquet file and save it",
        DESCRIPTION,
        EXAMPLE,
    )
    _add_data_arguments(parser, settings.TASKS)
    _add_network_arguments(parser, settings.DEFAULTS, settings.ACTIVATIONS)
    _add_training_arguments(parser, settings.DEFAULTS, settings.DTYPES)
    _add_extra_outputs(parser)
    return parser


def _add_data_arguments(parser: argparse.ArgumentParser, tasks) -> None:
    parser.add_argument(
        "data", metavar="DATA", help="CSV or Parquet file, one row per example"
    )
    parser.add_argument(
        "--target", required=True, metavar="COLUMN", help="the column to predict"
    )
    parser.add_argument(
        "-o",
        "--output",
        default="model.npz",
        metavar="MODEL",
        help="where to save the model (default: model.npz; replaced if it exists)",
    )
    parser.add_argument(
        "--drop",
        type=column_names,
        default=[],
        metavar="COLUMNS",
        help="comma-separated columns to leave out, such as name,email",
    )
    parser.add_argument(
        "--task",
        choices=tasks,
        default="auto",
        help="what the target is (default: auto, inferred and reported)",
    )
    add_na_values(parser)


def _add_network_arguments(parser: argparse.ArgumentParser, defaults, activations):
    hidden = ",".join(map(str, defaults.hidden))
    parser.add_argument(
        "--hidden",
        type=layer_sizes,
        default=list(defaults.hidden),
        metavar="SIZES",
        help=f"units per hidden layer, comma-separated (default: {hidden}; none: no"
        " hidden layer)",
    )
    parser.add_argument(
        "--activation",
        choices=activations,
        default=defaults.activation,
        help="activation of the hidden layers (default: %(default)s)",
    )
    parser.add_argument(
        "--members",
        type=positive_int,
        default=defaults.members,
        metavar="N",
        help="networks in the ensemble, each trained on all folds but one and"
        " stopped early on that one, averaged as one network (default:"
        " %(default)s; 1: one network with --validation held out)",
    )
    parser.add_argument(
        "--bins",
        type=whole_number,
        default=defaults.bins,
        metavar="N",
        help="piecewise-linear bins per number column, which is also"
        " robust-scaled and clipped (default: %(default)s; 0: standardise"
        " numbers instead)",
    )


def _add_training_arguments(parser: argparse.ArgumentParser, defaults, dtypes):
    parser.add_argument(
        "--epochs",
        type=positive_int,
        default=defaults.epochs,
        metavar="N",
        help="most passes over the data (default: %(default)s)",
    )
    parser.add_argument(
        "--batch-size",
        type=batch_size,
        default=defaults.batch_size,
        metavar="N",
        help="rows per training step (default: auto, rows / 64 as a power of two"
        " from 32 to 256)",
    )
    parser.add_argument(
        "--learning-rate",
        type=positive_float,
        default=defaults.learning_rate,
        metavar="X",
        help="Adam's learning rate (default: %(default)s)",
    )
    parser.add_argument(
        "--validation",
        type=fraction,
        default=defaults.validation_split,
        metavar="FRACTION",
        help="with --members 1: fraction of rows held out for early stopping and"
        " metrics (default: %(default)s; 0: train on all rows for --epochs epochs)",
    )
    parser.add_argument(
        "--patience",
        type=positive_int,
        default=defaults.patience,
        metavar="N",
        help="epochs without improvement before stopping early (default: %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=seed,
        default=defaults.seed,
        metavar="N",
        help="seed of the split, the weights and the shuffling (default:"
        " %(default)s; the same data and seed give the same model)",
    )
    parser.add_argument(
        "--dtype",
        choices=sorted(dtypes),  # alphabetical, as the help has always listed them
        default=defaults.dtype,
        help="floating-point type of the network (default: %(default)s)",
    )


def _add_extra_outputs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--report",
        metavar="HTML",
        help="also write a learning report: the network, its loss curves and a"
        " slider across the epochs, in one self-contained HTML file",
    )
    parser.add_argument(
        "--plot",
        metavar="PNG",
        help="also write the loss curves as a PNG (needs matplotlib:"
        " pip install 'glassnet[plot]')",
    )
    parser.add_argument(
        "--watch",
        action="store_true",
        help="watch it learn: serve the learning report on a local web page"
        " (127.0.0.1; its URL is printed, even with -q) that redraws after every"
        " epoch and shows the final report when training ends; the server then"
        " stops",
    )
    parser.add_argument(
        "--port",
        type=port,
        metavar="N",
        help="with --watch: the port to listen on (default: a free one)",
    )
    parser.add_argument(
        "--keep-serving",
        action="store_true",
        help="with --watch: keep serving the final page until Ctrl-C",
    )
    parser.add_argument(
        "--save-interrupted",
        action="store_true",
        help="on Ctrl-C, save the model trained so far (and any report or plot);"
        " without it an interrupted run saves nothing and keeps the old file",
    )
    parser.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="print nothing but errors (no notes, progress or metrics)",
    )


def run(args: argparse.Namespace) -> int:
    """Train, save the model and any report or plot; return the exit status.

    With ``--watch`` the live page is served from before training (so a taken
    port is said first) until the final report is shown.

    Ctrl-C stops training after the current batch; the run then exits with 130
    and saves nothing (an existing model file is kept), unless
    ``--save-interrupted`` asks to save what was trained.
    """
    tabular = import_tabular()
    say = (lambda text: None) if args.quiet else (lambda text: print(printable(text)))
    check_outputs(
        [("data", args.data)],
        [
            ("-o", args.output, MODEL),
            ("--report", args.report, HTML),
            ("--plot", args.plot, PNG),
        ],
    )
    # The live view records the run too: the report is drawn from its recording.
    recorder = start_watching(args)
    if recorder is None and args.report is not None:
        from ..recording import Recorder

        recorder = Recorder()  # tabular.train gives it the first training rows
    if args.plot is not None:
        from ..plotting import require_matplotlib

        require_matplotlib()
    frame = tabular.read_table(args.data, na_values=args.na_values)
    say(f"read {args.data}: {frame.shape[0]:,} rows, {frame.shape[1]} columns")
    net = _train(tabular, frame, args, say, recorder)
    interrupted = net.history.stop_reason == INTERRUPTED
    if interrupted and not args.save_interrupted:
        finish_watching(recorder, args, saved=False)
        print(
            f"glassnet: interrupted: nothing saved (any existing {args.output} is"
            " kept); --save-interrupted saves the model trained so far",
            file=sys.stderr,
        )
        return 130
    summary = tabular.Summary.from_metadata(net.metadata)
    summary.data = os.path.basename(args.data)
    summary.to_metadata(net.metadata)
    _write_outputs(net, args, say, recorder, frame)
    finish_watching(recorder, args, saved=True)
    if interrupted:
        print(f"glassnet: interrupted: saved {args.output} anyway", file=sys.stderr)
        return 130
    return 0


def _write_outputs(net, args: argparse.Namespace, say, recorder, frame) -> None:
    """Save the model, then the report (with what matters and why) and the plot."""
    _save(net, args.output)
    say(
        f"saved {args.output} (network and preprocessing); next: glassnet predict"
        f" {args.output} NEW_DATA.csv"
    )
    if recorder is not None:  # the report's, or the live view's final page
        recorder.recording.glossary.update(_reasons(net, frame, args.data, say))
    if args.report is not None:
        from ..report import write

        with writing(args.report):
            write(args.report, network=net, recording=recorder.recording)
        say(f"wrote the learning report {args.report}{_followed(net)}")
    if args.plot is not None:
        from ..plotting import plot_losses

        with writing(args.plot):
            plot_losses(net.history, args.plot)
        say(f"wrote the loss curves {args.plot}{_followed(net)}")


def _reasons(net, frame, data: str, say) -> dict:
    """Return the report's importance (on the training rows, said so) and why."""
    from ..tabular import TabularModel
    from ..tabular.narration import reasons

    note = (
        f"These are the first {{rows}} rows of {os.path.basename(data)}, which the"
        " model learned from: on rows it has not seen, run glassnet explain MODEL"
        " NEW_DATA --importance."
    )
    return reasons(TabularModel.from_network(net), frame, note, say)


def _followed(net) -> str:
    """Return " (of member 1 of 5)" for an ensemble: the report follows one member."""
    training = net.metadata.get("training")
    members = training.get("members") if isinstance(training, dict) else None
    return f" (of member 1 of {len(members)})" if members else ""


def _train(tabular, frame, args: argparse.Namespace, say, recorder):
    """Call tabular.train with the command's options."""
    return tabular.train(
        frame,
        args.target,
        task=args.task,
        drop=args.drop,
        hidden=args.hidden,
        activation=args.activation,
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        validation_split=args.validation,
        patience=args.patience,
        members=args.members,
        bins=args.bins,
        seed=args.seed,
        dtype=args.dtype,
        verbose=0 if args.quiet else 1,
        log=say,
        callbacks=[recorder] if recorder is not None else [],
    )


def _save(net, path: str) -> None:
    from .. import modelfile

    try:
        modelfile.save(net, path)
    except OSError as error:
        raise OSError(
            f"cannot save the model to {path}: {error.strerror or one_line(error)};"
            " choose another place with -o"
        ) from None
