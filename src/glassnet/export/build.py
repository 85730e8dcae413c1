"""One exported model: a table model, a plain network or an estimator as ONNX.

What a file holds besides its graph is in ``metadata_props``: the feeding
contract in words (``glassnet.feeding``), the inputs as JSON
(``glassnet.inputs``), and for a table model its preprocessing
(``glassnet.preprocessing``), from which ``glassnet predict model.onnx``
reads tables as ``glassnet predict model.npz`` does.
"""

from __future__ import annotations

import json

import numpy as np
import onnx

from .._version import __version__
from .graph import Graph
from .network import ExportError, add_network, add_network_outputs, check_exportable
from .table import KINDS, add_preprocessing, add_table_outputs

#: The names a classifier's or regressor's outputs take (as skl2onnx, zipmap=False).
OUTPUT_NAMES = ("label", "probabilities", "prediction", "outputs")

#: How a table model's inputs must be prepared: ONNX cannot do it.
TABLE_FEEDING = (
    "One input per column, named as the column, of shape [N, 1]. Number columns"
    " (double): the cell as float64, NaN where it is missing, not a number or"
    " infinite (text is parsed as a number). Text columns (string): the cell as"
    " text without surrounding whitespace, a whole-number float without its '.0'"
    " (1.0 -> '1'), and '' where it is missing; never None or NaN, which"
    " onnxruntime reads as the words 'None' and 'nan'. glassnet.export.table_feeds"
    " builds these from a DataFrame as glassnet predict reads a table."
)


def build(model) -> onnx.ModelProto:
    """Return ``model`` as a checked ONNX model (see :func:`glassnet.export_onnx`).

    Raises
    ------
    ExportError
        If ``model`` is not something glassnet exports, or holds a layer or
        activation ONNX lacks.
    """
    from ..network import Network

    network = getattr(model, "network_", None)
    if network is not None:
        return _estimator(model, network)
    if isinstance(model, Network) and "preprocessing" in model.metadata:
        from ..tabular import TabularModel  # a network of tabular.train: its table

        model = TabularModel.from_network(model)
    elif isinstance(model, Network):
        return _network(model)
    if hasattr(model, "preprocessor") and isinstance(
        getattr(model, "network", None), Network
    ):
        return _table(model.preprocessor, model.network)
    raise ExportError(
        f"cannot export a {type(model).__name__} to ONNX: give a TabularModel, a"
        " Network, or a fitted GlassnetClassifier or GlassnetRegressor"
    )


def _metadata(kind: str, inputs: list[dict], feeding: str, **more) -> dict:
    return {
        "glassnet.version": __version__,
        "glassnet.kind": kind,
        "glassnet.inputs": json.dumps(inputs),
        "glassnet.feeding": feeding,
        **more,
    }


def _matrix_graph(network) -> tuple[Graph, str]:
    """Return a graph with the input ``X`` and the network's outputs on it."""
    check_exportable(network)
    graph = Graph(["X", *OUTPUT_NAMES])
    graph.add_input("X", network.dtype.name, network.n_inputs)
    return graph, add_network(graph, network, "X")


def _matrix_metadata(network, kind: str) -> dict:
    dtype = "double" if network.dtype.name == "float64" else "float"
    return _metadata(
        kind,
        [{"name": "X", "type": dtype, "shape": ["N", network.n_inputs]}],
        f"One input X of shape [N, {network.n_inputs}] ({dtype}): the rows to"
        " predict, as Network.predict takes them.",
    )


def _network(network) -> onnx.ModelProto:
    graph, outputs = _matrix_graph(network)
    add_network_outputs(graph, network, outputs)
    return graph.model("glassnet_network", _matrix_metadata(network, "network"))


def _estimator(estimator, network) -> onnx.ModelProto:
    """An estimator's network, with labels as ``predict`` gives them."""
    graph, outputs = _matrix_graph(network)
    dtype, kind = network.dtype.name, type(estimator).__name__
    classes = getattr(estimator, "classes_", None)
    if classes is None:
        graph.add_output("prediction", outputs, dtype, ["N", network.n_outputs])
    elif network.n_outputs > 1 and estimator.out_activation_ == "logistic":
        # Multilabel: one sigmoid per label; predict gives p > 0.5 as 0/1.
        above = graph.op("Greater", outputs, graph.constant(0.5, dtype))
        label = graph.op("Cast", above, to=7)
        graph.add_output("label", label, "int64", ["N", network.n_outputs])
        graph.add_output("probabilities", outputs, dtype, ["N", network.n_outputs])
    elif estimator.out_activation_ == "logistic":
        # One sigmoid output p: probabilities (1 - p, p), label p > 0.5.
        one = graph.constant([[1.0]], dtype)
        both = graph.op("Concat", graph.op("Sub", one, outputs), outputs, axis=1)
        above = graph.op("Greater", outputs, graph.constant(0.5, dtype))
        index = graph.op(
            "Cast", graph.op("Squeeze", above, graph.constant([1], "int64")), to=7
        )
        _add_label(graph, classes, index)
        graph.add_output("probabilities", both, dtype, ["N", 2])
    else:
        _add_label(graph, classes, graph.op("ArgMax", outputs, axis=1, keepdims=0))
        graph.add_output("probabilities", outputs, dtype, ["N", len(classes)])
    return graph.model(f"glassnet_{kind}", _matrix_metadata(network, kind))


def _add_label(graph: Graph, classes, index: str) -> None:
    """Add ``label``: ``classes[index]``, int64, float64, bool or text."""
    classes = np.asarray(classes)
    if classes.dtype.kind in "iu":
        values, kind = classes.astype(np.int64), "int64"
    elif classes.dtype.kind in "fb":
        values, kind = classes, classes.dtype.name
    else:
        values, kind = [str(label) for label in classes], "string"
    if kind not in ("int64", "float64", "bool", "string"):
        raise ExportError(f"cannot export class labels of type {kind} to ONNX")
    label = graph.op("Gather", graph.constant(values, kind, "classes"), index)
    graph.add_output("label", label, kind, ["N"])


def _table(prep, network) -> onnx.ModelProto:
    from ..tabular.inputs import reads_numbers

    check_exportable(network)
    clashes = [name for name in prep.input_columns if name in OUTPUT_NAMES or not name]
    if clashes:
        raise ExportError(
            f"cannot export: the column {clashes[0]!r} would be an input named as"
            " an output (or without a name); rename it and train again"
        )
    graph = Graph([*prep.input_columns, *OUTPUT_NAMES])
    dtype = network.dtype.name
    features = add_preprocessing(graph, prep, dtype)
    add_table_outputs(graph, prep, add_network(graph, network, features), dtype)
    inputs = [
        {
            "name": encoder.column,
            "type": KINDS[reads_numbers(encoder)],
            "shape": ["N", 1],
        }
        for encoder in prep.encoders
    ]
    metadata = _metadata(
        "table",
        inputs,
        TABLE_FEEDING,
        **{"glassnet.preprocessing": json.dumps(prep.to_dict())},
    )
    return graph.model("glassnet_table", metadata)
