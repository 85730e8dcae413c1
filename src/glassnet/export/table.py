"""A table model's preprocessing as ONNX nodes: one graph input per column.

Each encoding of :mod:`glassnet.tabular` becomes the arithmetic it does in
NumPy, in float64 and the same order, so the features match
``TabularPreprocessor.transform`` bit for bit:

- ``numeric``: ``(x - mean) / scale``; NaN, infinite or more than
  ``MAX_STANDARDISED`` from the mean -> 0, and the indicator if any;
- ``binned_numeric``: the median where missing, robust scale, the smooth clip
  ``r / sqrt(1 + (r / 3)**2)``, and ramps clipped to [0, 1] between halved edges;
- ``binary``: an ai.onnx.ml ``LabelEncoder`` over every spelling of the yes/no
  words (any case), anything else -> the fill;
- ``categorical``: string ``Equal`` against the categories: unknown and blank
  both give zeros.
"""

from __future__ import annotations

import itertools

import numpy as np

from .graph import Graph
from .network import ExportError

#: Names of the graph inputs' kinds, as ``glassnet.inputs`` lists them.
KINDS = {True: "double", False: "string"}
#: How to feed a number column (True) and a text column (False): each input's doc.
FEEDING = {
    True: "the cell as float64; NaN where missing, not a number or infinite",
    False: "the cell as text without surrounding whitespace; '' where missing",
}


def add_preprocessing(graph: Graph, prep, dtype: str) -> str:
    """Add one input per column and its encoding; return the features' name.

    Parameters
    ----------
    graph : Graph
    prep : TabularPreprocessor
    dtype : {"float64", "float32"}
        The network's: the float64 features are cast to it, as ``predict`` does.

    Returns
    -------
    str
        A value of shape (N, n_features).
    """
    from ..tabular.inputs import reads_numbers

    parts = []
    for encoder in prep.encoders:
        column = encoder.column
        numbers = reads_numbers(encoder)
        graph.add_input(column, "float64" if numbers else "string", 1, FEEDING[numbers])
        try:
            encode = _ENCODINGS[encoder.name]
        except KeyError:
            raise ExportError(
                f"cannot export the encoding {encoder.name!r} of column"
                f" {column!r} to ONNX"
            ) from None
        value, missing = encode(graph, column, encoder)
        parts.append(value)
        if encoder.indicator:
            parts.append(graph.op("Cast", missing, to=_DOUBLE))
    features = parts[0] if len(parts) == 1 else graph.op("Concat", *parts, axis=1)
    if dtype == "float32":
        features = graph.op("Cast", features, to=_FLOAT)
    return features


_DOUBLE, _FLOAT = 11, 1  # TensorProto.DOUBLE, TensorProto.FLOAT


def _numeric(graph: Graph, x: str, encoder) -> tuple[str, str]:
    from ..tabular.encoders import MAX_STANDARDISED

    centred = graph.op("Sub", x, graph.constant(encoder.mean, "float64"))
    encoded = graph.op("Div", centred, graph.constant(encoder.scale, "float64"))
    # NaN (missing), infinite, or too far out: not <= the limit.
    limit = graph.constant(MAX_STANDARDISED, "float64")
    usable = graph.op("LessOrEqual", graph.op("Abs", encoded), limit)
    value = graph.op("Where", usable, encoded, graph.constant(0.0, "float64"))
    return value, graph.op("Not", usable)


def _binned(graph: Graph, x: str, encoder) -> tuple[str, str]:
    from ..tabular.binned import CLIP

    def const(value):
        return graph.constant(value, "float64")

    missing = graph.op("Or", graph.op("IsNaN", x), graph.op("IsInf", x))
    median = const(encoder.median)
    filled = graph.op("Where", missing, median, x)
    robust = graph.op("Div", graph.op("Sub", filled, median), const(encoder.scale))
    robust = graph.op("Min", graph.op("Max", robust, const(-1e150)), const(1e150))
    ratio = graph.op("Div", robust, const(CLIP))
    spread = graph.op(
        "Sqrt", graph.op("Add", const(1.0), graph.op("Mul", ratio, ratio))
    )
    clipped = graph.op("Div", robust, spread)
    if not encoder.edges:
        return clipped, missing
    halves = np.asarray(encoder.edges) / 2
    half = graph.op("Div", filled, const(2.0))
    ramps = graph.op(
        "Div",
        graph.op("Sub", half, const(halves[:-1].reshape(1, -1))),
        const(np.diff(halves).reshape(1, -1)),
    )
    ramps = graph.op("Min", graph.op("Max", ramps, const(0.0)), const(1.0))
    return graph.op("Concat", clipped, ramps, axis=1), missing


def spellings(words) -> list[str]:
    """Return every upper/lower-case spelling of each word ("no": no, nO, No, NO)."""
    return [
        "".join(letters)
        for word in sorted(words)
        for letters in itertools.product(*((c.lower(), c.upper()) for c in word))
    ]


def _binary(graph: Graph, x: str, encoder) -> tuple[str, str]:
    from ..tabular import FALSE_WORDS, TRUE_WORDS

    true, false = spellings(TRUE_WORDS), spellings(FALSE_WORDS)
    code = graph.op(
        "LabelEncoder",
        x,
        domain="ai.onnx.ml",
        keys_strings=true + false,
        values_floats=[1.0] * len(true) + [0.0] * len(false),
        default_float=-1.0,
    )
    code = graph.op("Cast", code, to=_DOUBLE)
    # Blank ("") and words other than yes/no are both missing: the fill.
    missing = graph.op("Less", code, graph.constant(0.0, "float64"))
    fill = graph.constant(encoder.fill, "float64")
    return graph.op("Where", missing, fill, code), missing


def _categorical(graph: Graph, x: str, encoder) -> tuple[str, str]:
    categories = graph.constant([encoder.categories], "string", hint="categories")
    one_hot = graph.op("Cast", graph.op("Equal", x, categories), to=_DOUBLE)
    return one_hot, graph.op("Equal", x, graph.constant([[""]], "string"))


_ENCODINGS = {
    "numeric": _numeric,
    "binned_numeric": _binned,
    "binary": _binary,
    "categorical": _categorical,
}


def add_table_outputs(graph: Graph, prep, outputs: str, dtype: str) -> None:
    """Name the outputs: ``label`` and ``probabilities``, or ``prediction``.

    ``label`` holds the classes as the training data spells them: int64 when
    every class is a whole number, text when every class is text, float64
    otherwise; ``prediction`` is in the target's units, shape (N, 1).
    """
    if prep.task == "classification":
        classes, kind = class_labels(prep.classes)
        index = graph.op("ArgMax", outputs, axis=1, keepdims=0)
        label = graph.op("Gather", graph.constant(classes, kind, "classes"), index)
        graph.add_output("label", label, kind, ["N"])
        graph.add_output("probabilities", outputs, dtype, ["N", len(classes)])
        return
    scaled = graph.op("Mul", outputs, graph.constant(prep.target_scale, dtype))
    value = graph.op("Add", scaled, graph.constant(prep.target_mean, dtype))
    graph.add_output("prediction", value, dtype, ["N", 1])


def class_labels(classes) -> tuple[list, str]:
    """Return the class labels and their ONNX kind: int64, float64 or string."""
    if all(isinstance(label, str) for label in classes):
        return list(classes), "string"
    if any(isinstance(label, str) for label in classes):
        return [str(label) for label in classes], "string"
    if all(float(label).is_integer() for label in classes):
        return [int(label) for label in classes], "int64"
    return [float(label) for label in classes], "float64"
