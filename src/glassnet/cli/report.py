"""``glassnet report``: write a learning report (self-contained HTML)."""

from __future__ import annotations

import argparse
import contextlib
import os

from ._args import HTML, add_command, check_outputs, writing
from ._inputs import load_model


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``report`` to the command line."""
    parser = add_command(
        subparsers,
        "report",
        "write a learning report (self-contained HTML)",
        "Draw a model's network (colour: sign, thickness: size of each weight) and\n"
        "its loss curves in one HTML file that opens without a network connection.\n"
        "A run recorded with glassnet.recording.Recorder adds a slider across the\n"
        "epochs that redraws the synapses and the predictions.",
        "Example:\n  glassnet report model.npz -o report.html\n"
        "  glassnet report model.npz --data passengers.csv -o report.html\n"
        "  glassnet report run.json -o report.html",
    )
    parser.add_argument(
        "source",
        metavar="MODEL_OR_RUN",
        help="a model file, or a run saved with Recording.save",
    )
    parser.add_argument(
        "-o",
        "--output",
        default="report.html",
        metavar="HTML",
        help="where to write the report (default: report.html)",
    )
    parser.add_argument(
        "--data",
        metavar="CSV",
        help="for a table model: show its predictions on the first rows of this"
        " table, what matters (permutation importance on its rows, if they have"
        " the target) and why the first row was predicted as it was",
    )
    return parser


def _table_recording(network, data: str):
    """Return a table model's one-moment recording with the rows and reasons of data."""
    from ..report import recording_of
    from ._inputs import import_tabular

    tabular = import_tabular()
    from ..tabular.narration import reasons, watched
    from ..tabular.target import rows_with_target

    model = tabular.TabularModel.from_network(network)
    frame = tabular.read_table(data)
    note = f"On the first {{rows}} rows of {os.path.basename(data)}."
    words = reasons(model, frame, note, say=print)
    target = model.preprocessor.target
    if target in frame.columns:
        with contextlib.suppress(ValueError):  # no target at all: every row shown
            frame = rows_with_target(frame, target, lambda text: None)
    rows, glossary = watched(model.preprocessor, frame)
    return recording_of(network, rows, {**glossary, **words})


def _named(network):
    """Name a table model's neurons if it was saved before glossaries (needs pandas)."""
    metadata = network.metadata
    if "preprocessing" in metadata and "glossary" not in metadata:
        try:
            from ..tabular import TabularModel
            from ..tabular.narration import neuron_words
        except ImportError:  # without pandas, the report names neurons l0[3]
            return network
        prep = TabularModel.from_network(network).preprocessor
        metadata["glossary"] = neuron_words(prep)
    return network


def run(args: argparse.Namespace) -> int:
    """Write the report of a model file or a recorded run; return the exit status."""
    from .. import modelfile
    from ..recording import Recording
    from ..report import write

    source = args.source
    if os.path.isdir(source):
        raise IsADirectoryError(f"{source} is a directory, not a model or run file")
    inputs = [("source", source)] + ([("--data", args.data)] if args.data else [])
    check_outputs(inputs, [("-o", args.output, HTML)])
    if modelfile.is_model_file(source):
        network, recording = _named(load_model(source)), None
        if args.data is not None:
            network, recording = None, _table_recording(network, args.data)
    elif args.data is not None:
        raise ValueError(
            f"--data goes with a table model file; {source} is a recorded run"
        )
    else:
        network, recording = None, Recording.load(source)
    with writing(args.output):
        write(args.output, network=network, recording=recording)
    print(f"wrote {args.output}")
    return 0
