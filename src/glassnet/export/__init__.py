"""Export to ONNX: a trained model, preprocessing included, for onnxruntime anywhere.

``pip install 'glassnet[onnx]'``. Modules: ``graph`` (an ONNX graph built a
node at a time), ``network`` (layers and activations as nodes), ``table``
(a table model's preprocessing as nodes), ``build`` (one model file, with its
feeding contract in ``metadata_props``), ``run`` (an exported table model run
through onnxruntime, as ``glassnet predict`` runs a model file). The feeding
contract is in ``docs/onnx-export.md``.

NOTE: nothing here imports onnx or onnxruntime at module level, so
``import glassnet`` stays fast; the functions import them on first use.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

__all__ = ["export_onnx", "table_feeds"]

INSTALL = "pip install 'glassnet[onnx]'"


def require(module: str) -> None:
    """Check that ``onnx`` or ``onnxruntime`` imports, or say how to install it."""
    try:
        if module == "onnx":
            import onnx  # noqa: F401
        else:
            import onnxruntime  # noqa: F401
    except ImportError:
        needs = "exporting to" if module == "onnx" else "running"
        raise ImportError(f"{needs} ONNX needs {module}: {INSTALL}") from None


def export_onnx(model, path: str | os.PathLike):
    """Write ``model`` to ``path`` as an ONNX model that predicts what glassnet does.

    Targets ai.onnx opset 21, ai.onnx.ml opset 4 and IR version 10 (onnxruntime
    1.18 or later); the file is checked with
    ``onnx.checker.check_model(full_check=True)`` and written atomically.

    Parameters
    ----------
    model : TabularModel, Network, GlassnetClassifier or GlassnetRegressor
        A :class:`~glassnet.tabular.TabularModel` becomes a graph with one
        input per column it uses (double ``[N, 1]`` for number columns, string
        ``[N, 1]`` for text and yes/no columns; see :func:`table_feeds`) and
        the outputs ``label`` and ``probabilities`` (classifier) or
        ``prediction`` (regression, ``[N, 1]`` in the target's units); so does
        a ``Network`` made by :func:`glassnet.tabular.train` (it carries its
        preprocessing). Another ``Network`` or a fitted estimator takes ``X`` of shape
        ``[N, n_inputs]`` in the network's dtype; a classifier gives ``label``
        (as ``predict``) and ``probabilities`` (as ``predict_proba``), any
        other network ``prediction`` of shape ``[N, n_outputs]``.
    path : str or path-like
        Where to write the file (``model.onnx``).

    Returns
    -------
    onnx.ModelProto
        The model written.

    Raises
    ------
    ValueError
        If the model holds a layer or activation ONNX lacks (one line naming it).
    ImportError
        If onnx is not installed.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np, onnxruntime, glassnet
    >>> path = os.path.join(tempfile.mkdtemp(), "net.onnx")
    >>> net = glassnet.Network([glassnet.Dense(3, 1)], seed=0)
    >>> onnx_model = glassnet.export_onnx(net, path)
    >>> [output.name for output in onnx_model.graph.output]
    ['prediction']
    >>> session = onnxruntime.InferenceSession(path)
    >>> X = np.ones((2, 3))
    >>> bool(np.allclose(session.run(["prediction"], {"X": X})[0], net.predict(X)))
    True
    """
    require("onnx")
    from .._files import atomic_file
    from .build import build

    onnx_model = build(model)
    data = onnx_model.SerializeToString()
    with atomic_file(path) as file:
        file.write(data)
    return onnx_model


def table_feeds(model, frame, *, na_values: Iterable[str] = ()) -> dict[str, object]:
    """Return the inputs of an exported table model for the rows of ``frame``.

    Each column is read as ``glassnet predict`` reads it (the feeding
    contract): number columns as float64 with NaN where a cell is missing, not
    a number or infinite; text columns stripped, with ``""`` where missing.

    Parameters
    ----------
    model : TabularModel, str or path-like
        The model, or the path of the ONNX file exported from it.
    frame : DataFrame
        Columns found by name, in any order; extra columns are ignored.
    na_values : iterable of str, default=()
        Cell texts read as missing.

    Returns
    -------
    dict of str to ndarray of shape (n_samples, 1)
        ``session.run(None, table_feeds(model, frame))`` predicts.
    """
    from ..tabular.inputs import raw_inputs

    if isinstance(model, str | os.PathLike):
        from .run import read_preprocessing

        prep = read_preprocessing(model)
    else:
        prep = model.preprocessor
    return raw_inputs(prep, frame, na_values)
