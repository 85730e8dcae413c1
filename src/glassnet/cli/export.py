"""``glassnet export``: a model file as ONNX, preprocessing included."""

from __future__ import annotations

import argparse
import os

from ._args import ONNX, add_command, check_outputs, writing
from ._inputs import import_export, is_onnx, load_model, table_model


def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add ``export`` to the command line."""
    parser = add_command(
        subparsers,
        "export",
        "export a model to ONNX, to run it with onnxruntime anywhere",
        "Write MODEL as an ONNX file that predicts what glassnet predict does,\n"
        "from Java, C#, JavaScript or any language onnxruntime runs in. A model\n"
        "of glassnet train takes one input per column (double [N,1] for numbers,\n"
        "string [N,1] for text; see docs/onnx-export.md for how to feed it) and\n"
        "gives label and probabilities, or prediction; a network saved from\n"
        "Python takes X [N, n_inputs]. Needs pip install 'glassnet[onnx]'.",
        "Example:\n"
        "  glassnet export model.npz -o model.onnx\n"
        "  glassnet predict model.onnx new_customers.csv   # check it on your data",
    )
    parser.add_argument("model", metavar="MODEL", help="a model file (.npz)")
    parser.add_argument(
        "-o",
        "--output",
        metavar="ONNX",
        help="where to write (default: MODEL's name with .onnx for its suffix)",
    )
    return parser


def default_output(model: str) -> str:
    """Return MODEL's name with ``.onnx`` in place of its suffix, beside it."""
    return os.path.splitext(model)[0] + ".onnx"


def run(args: argparse.Namespace) -> int:
    """Write the ONNX file; return the exit status."""
    if is_onnx(args.model):
        raise ValueError(
            f"{args.model} is an exported ONNX file already; glassnet export reads"
            " a glassnet model file (.npz), such as glassnet train writes"
        )
    export = import_export("onnx")
    output = args.output if args.output is not None else default_output(args.model)
    check_outputs(
        [("model", args.model)],
        [("-o", output, ONNX)],
        "the ONNX file would overwrite the {kind} file {path}; choose another"
        " name with -o",
    )
    network = load_model(args.model)
    if "preprocessing" in network.metadata:
        model, takes = table_model(network, args.model), "a table"
    else:
        model, takes = network, f"X of {network.n_inputs} columns"
    with writing(output):
        built = export.export_onnx(model, output)
    outputs = ", ".join(output.name for output in built.graph.output)
    print(f"wrote {output}: takes {takes}, gives {outputs}")
    return 0
