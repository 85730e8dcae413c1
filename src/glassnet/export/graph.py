"""``Graph``: an ONNX graph built one node at a time, with names that never clash.

The exported files target ai.onnx opset 21 and ai.onnx.ml opset 4 with IR
version 10: onnxruntime 1.18 and later load them (1.17 refuses IR 10).
Every number is computed in standard ai.onnx ops, in float64 or float32 as
the network computes: the ml-domain ``Imputer``, ``Scaler``, ``OneHotEncoder``
and ``ZipMap`` have float32 kernels only in onnxruntime.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from .._version import __version__

#: The opsets and IR version of every exported file.
OPSET = 21
ML_OPSET = 4
IR_VERSION = 10

#: ONNX element types by NumPy dtype name (and "string").
ELEMENT_TYPES = {
    "float64": TensorProto.DOUBLE,
    "float32": TensorProto.FLOAT,
    "int64": TensorProto.INT64,
    "bool": TensorProto.BOOL,
    "string": TensorProto.STRING,
}


class Graph:
    """The nodes, constants, inputs and outputs of one exported model.

    Parameters
    ----------
    reserved : iterable of str
        Names the caller gives graph inputs and outputs; no intermediate
        value takes one of them.
    """

    def __init__(self, reserved=()) -> None:
        self.nodes: list = []
        self.initializers: list = []
        self.inputs: list = []
        self.outputs: list = []
        self._used = set(reserved)
        self._count = 0

    def fresh(self, hint: str) -> str:
        """Return a new name for an intermediate value, unlike any other."""
        while True:
            self._count += 1
            name = f"{hint}_{self._count}"
            if name not in self._used:
                self._used.add(name)
                return name

    def op(self, op_type: str, *inputs: str, domain: str = "", **attributes) -> str:
        """Add a node with one output; return the output's name."""
        output = self.fresh(op_type.lower())
        self.node(op_type, list(inputs), [output], domain=domain, **attributes)
        return output

    def node(self, op_type: str, inputs, outputs, *, domain: str = "", **attributes):
        """Add a node with the given input and output names."""
        self.nodes.append(
            helper.make_node(
                op_type,
                list(inputs),
                list(outputs),
                name=self.fresh(f"node_{op_type}"),
                domain=domain,
                **attributes,
            )
        )

    def constant(self, value, dtype: str | None = None, hint: str = "const") -> str:
        """Add ``value`` as an initializer (text becomes a string tensor)."""
        name = self.fresh(hint)
        if dtype == "string":
            array = np.asarray(value, dtype=object)
            tensor = helper.make_tensor(
                name,
                TensorProto.STRING,
                array.shape,
                [text.encode("utf-8") for text in array.ravel()],
            )
        else:
            tensor = numpy_helper.from_array(np.asarray(value, dtype=dtype), name)
        self.initializers.append(tensor)
        return name

    def add_input(self, name: str, kind: str, width, doc: str = "") -> None:
        """Declare an input of shape (N, ``width``); ``doc`` says how to feed it."""
        self._used.add(name)
        self.inputs.append(
            helper.make_tensor_value_info(
                name, ELEMENT_TYPES[kind], ["N", width], doc_string=doc
            )
        )

    def add_output(self, name: str, value: str, kind: str, shape) -> None:
        """Make ``value`` the graph output ``name`` (an Identity node between)."""
        self._used.add(name)
        self.node("Identity", [value], [name])
        self.outputs.append(
            helper.make_tensor_value_info(name, ELEMENT_TYPES[kind], list(shape))
        )

    def model(self, graph_name: str, metadata: dict[str, str]) -> onnx.ModelProto:
        """Return the checked model: opsets, IR version and ``metadata_props``."""
        graph = helper.make_graph(
            self.nodes, graph_name, self.inputs, self.outputs, self.initializers
        )
        model = helper.make_model(
            graph,
            opset_imports=[
                helper.make_opsetid("", OPSET),
                helper.make_opsetid("ai.onnx.ml", ML_OPSET),
            ],
            producer_name="glassnet",
            producer_version=__version__,
            ir_version=IR_VERSION,
        )
        helper.set_model_props(model, metadata)
        onnx.checker.check_model(model, full_check=True)
        return model
