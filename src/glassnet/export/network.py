"""A network's layers as ONNX nodes, in the operations and order NumPy runs them.

Each activation is written as the arithmetic :mod:`glassnet.activations`
does (the sigmoid's clamped ``exp``, the softmax's row maximum subtracted), so
the exported outputs match ``Network.predict`` to the last bits rather than to
the tolerance of another library's kernel.
"""

from __future__ import annotations

import numpy as np

from ..layers import Dense, Dropout
from ..losses import BinaryCrossEntropy, CategoricalCrossEntropy
from .graph import Graph


class ExportError(ValueError):
    """A model that cannot be exported to ONNX; the message says why, in one line."""


def check_exportable(network) -> None:
    """Raise :class:`ExportError` naming the first layer or activation ONNX lacks."""
    for index, layer in enumerate(network.layers):
        if isinstance(layer, Dropout):
            continue
        if not isinstance(layer, Dense):
            raise ExportError(
                f"cannot export layer {index} ({type(layer).__name__}) to ONNX:"
                " only Dense and Dropout layers can be exported"
            )
        if layer.activation.name not in _ACTIVATIONS:
            raise ExportError(
                f"cannot export the activation {layer.activation.name!r} of layer"
                f" {index} to ONNX; exportable: {', '.join(sorted(_ACTIVATIONS))}"
            )


def add_network(graph: Graph, network, inputs: str) -> str:
    """Add the network's layers on top of ``inputs``; return its outputs' name.

    Parameters
    ----------
    graph : Graph
    network : Network
        Checked by :func:`check_exportable`.
    inputs : str
        A value of shape (N, n_inputs) in the network's dtype.
    """
    check_exportable(network)
    dtype = network.dtype.name
    hidden = inputs
    for layer in network.layers:
        if isinstance(layer, Dropout):
            continue  # nothing at prediction
        z = graph.op("MatMul", hidden, graph.constant(layer.params["weights"], dtype))
        if layer.use_bias:
            z = graph.op("Add", z, graph.constant(layer.params["biases"], dtype))
        hidden = _ACTIVATIONS[layer.activation.name](graph, z, layer.activation, dtype)
    return hidden


def add_network_outputs(graph: Graph, network, outputs: str) -> None:
    """Name the outputs of a plain network as skl2onnx names a model's.

    A classifier (categorical or binary cross-entropy) gives ``label``
    (int64: the argmax, shape (N,); or outputs >= 0.5, shape (N, n_outputs))
    and ``probabilities`` (``outputs`` if its last layer is not a sigmoid or
    softmax); any other network gives ``prediction`` of shape (N, n_outputs).
    """
    dtype, width = network.dtype.name, network.n_outputs
    if isinstance(network.loss, CategoricalCrossEntropy):
        label = graph.op("ArgMax", outputs, axis=1, keepdims=0)
        graph.add_output("label", label, "int64", ["N"])
    elif isinstance(network.loss, BinaryCrossEntropy):
        half = graph.constant(0.5, dtype)
        label = graph.op("Cast", graph.op("GreaterOrEqual", outputs, half), to=7)
        graph.add_output("label", label, "int64", ["N", width])
    else:
        graph.add_output("prediction", outputs, dtype, ["N", width])
        return
    name = "probabilities" if network.outputs_probabilities else "outputs"
    graph.add_output(name, outputs, dtype, ["N", width])


def largest_exp_argument(dtype: str) -> np.ndarray:
    """Return the largest x of ``dtype`` whose exp is finite: the sigmoid's clamp."""
    kind = np.dtype(dtype)
    limit = np.log(np.finfo(kind).max).astype(kind)
    with np.errstate(over="ignore"):
        while not np.isfinite(np.exp(limit)):
            limit = np.nextafter(limit, kind.type(0))
    return limit


def _identity(graph, z, activation, dtype):
    return z


def _sigmoid(graph, z, activation, dtype):
    # 1 / (1 + exp(min(-z, limit))), as activations.sigmoid computes it.
    limit = graph.constant(largest_exp_argument(dtype), dtype)
    clamped = graph.op("Min", graph.op("Neg", z), limit)
    one = graph.constant(1.0, dtype)
    return graph.op("Reciprocal", graph.op("Add", graph.op("Exp", clamped), one))


def _tanh(graph, z, activation, dtype):
    return graph.op("Tanh", z)


def _relu(graph, z, activation, dtype):
    return graph.op("Max", z, graph.constant(0.0, dtype))


def _leaky_relu(graph, z, activation, dtype):
    scaled = graph.op("Mul", z, graph.constant(activation.alpha, dtype))
    return graph.op("Max", z, scaled)


def _exp(graph, z, activation, dtype):
    return graph.op("Exp", z)


def _softmax(graph, z, activation, dtype):
    axes = graph.constant([1], "int64")
    shifted = graph.op("Sub", z, graph.op("ReduceMax", z, axes, keepdims=1))
    exps = graph.op("Exp", shifted)
    return graph.op("Div", exps, graph.op("ReduceSum", exps, axes, keepdims=1))


#: How each activation becomes nodes, by its registered name.
_ACTIVATIONS = {
    "identity": _identity,
    "sigmoid": _sigmoid,
    "tanh": _tanh,
    "relu": _relu,
    "leaky_relu": _leaky_relu,
    "exp": _exp,
    "softmax": _softmax,
}
