"""An exported table model run through onnxruntime, as ``glassnet predict`` runs one.

:class:`ExportedTable` reads a table the way
:meth:`glassnet.tabular.model.TabularModel.predict`
does (the same notes about unknown categories and missing values, from the
preprocessing the file carries) and adds the columns the exported graph
predicts, so a user checks an export on their own data in one command.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Iterator

import numpy as np
import onnx
import onnxruntime

from .._validation import one_line
from . import require

#: What to do about a file that is not an exported model.
_WHAT_TO_DO = "export one with glassnet export MODEL -o model.onnx"


def read_model(path) -> onnx.ModelProto:
    """Read an ONNX file, with one-line errors that name it.

    Raises
    ------
    FileNotFoundError, IsADirectoryError, PermissionError
    ValueError
        If the file is not an ONNX model (``onnx.checker`` refuses it).
    """
    require("onnxruntime")
    path = os.fspath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"{path} is a directory, not an ONNX file")
    if not os.path.exists(path):
        raise FileNotFoundError(f"ONNX file {path} does not exist; {_WHAT_TO_DO}")
    try:
        model = onnx.load_model(path)
        onnx.checker.check_model(model)
    except PermissionError:
        raise PermissionError(f"{path} cannot be read: permission denied") from None
    except Exception as error:  # protobuf's DecodeError, the checker's ValidationError
        first = str(error).strip().splitlines()[0] if str(error).strip() else ""
        raise ValueError(
            f"{path} is not a valid ONNX model ({type(error).__name__}"
            f"{': ' + first[:200] if first else ''}); {_WHAT_TO_DO}"
        ) from None
    return model


def metadata(model: onnx.ModelProto) -> dict[str, str]:
    """Return a model's ``metadata_props`` as a dict."""
    return {prop.key: prop.value for prop in model.metadata_props}


def read_preprocessing(path):
    """Return the TabularPreprocessor an exported table model carries.

    Raises
    ------
    ValueError
        If the file was not exported from a table model (one line naming it).
    """
    from ..tabular import TabularPreprocessor

    props = metadata(read_model(path))
    text = props.get("glassnet.preprocessing")
    if text is None:
        raise ValueError(
            f"{path} is not a table model exported by glassnet: it takes"
            f" {_inputs_in_words(props)}, not a table"
        )
    try:
        return TabularPreprocessor.from_dict(json.loads(text))
    except RecursionError:
        raise ValueError(
            f"{path} has damaged glassnet metadata: it nests too deeply"
        ) from None
    except (ValueError, TypeError) as error:
        raise ValueError(f"{path} has damaged glassnet metadata: {error}") from None


def _inputs_in_words(props: dict) -> str:
    inputs = props.get("glassnet.inputs")
    try:
        names = [entry["name"] for entry in json.loads(inputs)]
    except (TypeError, ValueError, KeyError):
        return "inputs glassnet does not know"
    return "the inputs " + ", ".join(repr(name) for name in names)


class ExportedTable:
    """An exported table model and an onnxruntime session running it.

    Parameters
    ----------
    path : str or path-like
        An ONNX file written by :func:`glassnet.export_onnx` from a table model.

    Attributes
    ----------
    preprocessor : TabularPreprocessor
        The preprocessing the file carries (to read tables, and for notes).
    session : onnxruntime.InferenceSession
    """

    def __init__(self, path) -> None:
        self.path = os.fspath(path)
        self.preprocessor = read_preprocessing(path)
        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # errors only: no warnings on the terminal
        with self._runtime_errors():
            self.session = onnxruntime.InferenceSession(
                self.path, options, providers=["CPUExecutionProvider"]
            )

    def run(self, feeds: dict) -> dict[str, np.ndarray]:
        """Run the graph on ``feeds``; return its outputs by name."""
        names = [output.name for output in self.session.get_outputs()]
        with self._runtime_errors():
            return dict(zip(names, self.session.run(names, feeds), strict=True))

    @contextlib.contextmanager
    def _runtime_errors(self) -> Iterator[None]:
        """Say in one line, naming the file, what onnxruntime refuses.

        NOTE: the metadata may not match the graph (a file edited by hand, or
        a hostile one): onnxruntime's errors are then the file's fault.
        """
        try:
            yield
        except Exception as error:
            if isinstance(error, OSError | MemoryError):
                raise
            raise ValueError(
                f"onnxruntime cannot run {self.path}: {one_line(error)}"
            ) from None

    def predict(
        self, frame, notes: list | None = None, *, na_values: Iterable[str] = ()
    ):
        """Return ``frame`` with the predictions added, as ``TabularModel.predict``.

        The notes are the same (the preprocessing reads the table once for
        them); the predictions are the exported graph's.
        """
        from ..tabular.inputs import raw_inputs
        from ..tabular.model import finite, with_predictions

        prep = self.preprocessor
        notes = [] if notes is None else notes  # read as predict reads, notes too
        outputs = self.run(raw_inputs(prep, frame, na_values, notes))
        if prep.task == "classification":
            labels = np.asarray(outputs["label"])
            return with_predictions(
                prep, frame, labels, outputs["probabilities"], notes
            )
        predicted = finite(outputs["prediction"][:, 0])
        return with_predictions(prep, frame, predicted, None, notes)
