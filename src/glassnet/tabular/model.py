"""``TabularModel``: a network paired with the preprocessing of its table.

The preprocessing is rebuilt from the model file once, when the pair is made,
not at every prediction. :func:`predict` and :func:`evaluate` take either a
``TabularModel`` or a ``Network`` made by :func:`glassnet.tabular.train`.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .. import modelfile
from ..metrics import classification_metrics, regression_metrics
from ..network import Network
from ._cells import check_frame, mark_missing
from ._words import column_list
from .encoders import check_saved
from .preprocessor import TabularPreprocessor
from .summary import Summary
from .tables import check_na_values
from .target import rows_with_target


class TabularModel:
    """A trained network and the preprocessing that turns a table into its inputs.

    Parameters
    ----------
    preprocessor : TabularPreprocessor
        Fitted, with a target.
    network : Network
        Takes ``preprocessor.n_features`` inputs and has one output per class
        (a softmax) or one output (regression).

    Raises
    ------
    ValueError
        If the two do not fit together.

    Examples
    --------
    >>> model = TabularModel.load("model.npz")  # doctest: +SKIP
    >>> model.predict(frame)  # doctest: +SKIP
    """

    def __init__(self, preprocessor: TabularPreprocessor, network: Network) -> None:
        _check_pair(preprocessor, network)
        self.preprocessor = preprocessor
        self.network = network

    @classmethod
    def from_network(cls, network: Network) -> TabularModel:
        """Pair a network with the preprocessing saved in its metadata.

        Raises
        ------
        ValueError
            If the network has none, or it does not fit the network.
        """
        metadata = network.metadata
        data = metadata.get("preprocessing") if isinstance(metadata, dict) else None
        if data is None:
            raise ValueError(
                "the model has no preprocessing: it was not made by glassnet train (a"
                " network saved from Python takes a matrix of numbers, not a table)"
            )
        return cls(TabularPreprocessor.from_dict(data), network)

    @classmethod
    def load(cls, path) -> TabularModel:
        """Load a model file written by ``glassnet train`` or :meth:`save`."""
        return cls.from_network(modelfile.load(path))

    def save(self, path) -> None:
        """Save the network with its preprocessing (in its metadata) to ``path``."""
        self.network.metadata["preprocessing"] = self.preprocessor.to_dict()
        modelfile.save(self.network, path)

    @property
    def summary(self) -> Summary | None:
        """How the network was trained, if :func:`train` made it."""
        return Summary.from_metadata(self.network.metadata)

    @property
    def prediction_columns(self) -> list[str]:
        """The names of the columns :meth:`predict` adds."""
        return prediction_columns(self.preprocessor)

    def predict(
        self,
        frame: pd.DataFrame,
        notes: list | None = None,
        *,
        na_values: Iterable[str] = (),
    ) -> pd.DataFrame:
        """Return ``frame`` with the predictions added: what ``glassnet predict`` does.

        Adds ``predicted_<target>`` and, for a classifier, ``probability_<class>``
        for each class (replacing columns of those names). Every input column is
        kept as it is; extra columns are ignored; the target may be absent.
        Predicted classes are spelled as in the training data.

        Parameters
        ----------
        frame : DataFrame
        notes : list or None, default=None
            Receives sentences about unknown categories and the like.
        na_values : iterable of str, default=()
            Cell texts the model reads as missing (see :func:`read_table`); the
            returned columns keep them as written.

        Returns
        -------
        DataFrame

        Raises
        ------
        ValueError
            If ``frame`` is not a table the model can read, or a prediction is
            not a finite number.
        """
        prep, net = self.preprocessor, self.network
        frame = check_frame(frame)
        X = prep.transform(mark_missing(frame, check_na_values(na_values)), notes)
        if prep.task == "classification":
            probabilities = net.predict_proba(X)
            labels = prep.decode_target(probabilities.argmax(axis=1))
            return with_predictions(prep, frame, labels, probabilities, notes)
        predicted = finite(prep.decode_target(net.predict(X)))
        return with_predictions(prep, frame, predicted, None, notes)

    def evaluate(self, frame: pd.DataFrame, notes: list | None = None) -> dict:
        """Score the model on a table with the true target: ``glassnet evaluate``.

        Parameters
        ----------
        frame : DataFrame
        notes : list or None, default=None
            Receives sentences about left-out rows, unknown categories and the like.

        Returns
        -------
        dict
            ``"task"``, ``"target"``, ``"rows"`` and the metrics of
            :func:`~glassnet.metrics.classification_metrics` (plus ``"classes"``)
            or :func:`~glassnet.metrics.regression_metrics`.

        Raises
        ------
        ValueError
            If the target column is absent or holds values the model cannot know.
        """
        prep = self.preprocessor
        frame = check_frame(frame)
        if prep.target not in frame.columns:
            raise ValueError(
                f"the data has no target column {prep.target!r}, which evaluate"
                " compares the predictions with; to predict unknown rows use"
                " glassnet predict"
            )
        note = notes.append if notes is not None else _ignore
        frame = rows_with_target(frame, prep.target, note)
        y = prep.encode_target(frame[prep.target])
        X = prep.transform(frame, notes)
        result = {"task": prep.task, "target": prep.target, "rows": len(frame)}
        if prep.task == "classification":
            result["classes"] = list(prep.classes)
        result.update(self.score(X, y))
        return result

    def score(self, X, y_encoded) -> dict:
        """Return the metrics on encoded data, in the target's units.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
        y_encoded : ndarray of shape (n_samples,) or (n_samples, 1)
            As :meth:`TabularPreprocessor.encode_target` returns it.
        """
        prep, net = self.preprocessor, self.network
        if prep.task == "classification":
            return classification_metrics(
                y_encoded, net.predict(X), n_classes=len(prep.classes)
            )
        return regression_metrics(
            prep.decode_target(y_encoded), prep.decode_target(net.predict(X))
        )

    def __repr__(self) -> str:
        return f"TabularModel({self.preprocessor!r}, {self.network!r})"


def preprocessor_of(net: Network) -> TabularPreprocessor:
    """Return the preprocessing stored in a network trained by ``train``.

    Raises
    ------
    ValueError
        If the network has none, or it does not fit the network's inputs.
    """
    return TabularModel.from_network(net).preprocessor


def prediction_columns(prep: TabularPreprocessor) -> list[str]:
    """Return the names of the columns :func:`predict` adds."""
    names = [f"predicted_{prep.target}"]
    if prep.task == "classification":
        names.extend(f"probability_{label}" for label in prep.target_codec.class_names)
    return names


def with_predictions(
    prep: TabularPreprocessor,
    frame: pd.DataFrame,
    predicted: np.ndarray,
    probabilities: np.ndarray | None,
    notes: list | None = None,
) -> pd.DataFrame:
    """Return ``frame`` with the prediction columns added (see :meth:`predict`).

    Parameters
    ----------
    prep : TabularPreprocessor
    frame : DataFrame
    predicted : ndarray of shape (n_samples,)
        Class labels or values in the target's units.
    probabilities : ndarray of shape (n_samples, n_classes) or None
    notes : list or None, default=None
        Receives a sentence if columns of the added names are replaced.
    """
    frame = check_frame(frame)
    names = prediction_columns(prep)
    replaced = [name for name in names if name in frame.columns]
    if replaced and notes is not None:
        notes.append(f"replaced the existing columns {column_list(replaced)}")
    added = {names[0]: predicted}
    if probabilities is not None:
        added.update(zip(names[1:], probabilities.T, strict=True))
    # NOTE: one concat, not a column at a time: 100+ classes would
    # fragment the frame (pandas' PerformanceWarning).
    added = pd.DataFrame(added, index=frame.index)
    return pd.concat([frame.drop(columns=replaced), added], axis=1)


def predict(
    model: TabularModel | Network,
    frame: pd.DataFrame,
    notes: list | None = None,
    *,
    na_values: Iterable[str] = (),
) -> pd.DataFrame:
    """Return ``frame`` with the predictions added (see :meth:`TabularModel.predict`).

    ``model`` is a :class:`TabularModel` or a ``Network`` made by ``train``.
    """
    return _as_model(model).predict(frame, notes, na_values=na_values)


def evaluate(
    model: TabularModel | Network, frame: pd.DataFrame, notes: list | None = None
) -> dict:
    """Score a model on a table with its target (see :meth:`TabularModel.evaluate`).

    ``model`` is a :class:`TabularModel` or a ``Network`` made by ``train``.
    """
    return _as_model(model).evaluate(frame, notes)


def _as_model(model) -> TabularModel:
    return (
        model if isinstance(model, TabularModel) else TabularModel.from_network(model)
    )


def finite(predictions: np.ndarray) -> np.ndarray:
    """Return regression predictions; raise a one-line error if one overflowed."""
    bad = ~np.isfinite(predictions)
    if bad.any():
        raise ValueError(
            f"the model's prediction for row {int(np.flatnonzero(bad)[0])} is"
            f" {predictions[bad][0]}, not a number: the network or its inputs"
            " overflow; check the row's values and the model file"
        )
    return predictions


def _ignore(note: str) -> None:
    """Discard a note nobody asked for."""


def _check_pair(prep: TabularPreprocessor, net: Network) -> None:
    """Raise a one-line ValueError unless ``prep`` fits ``net``'s inputs and outputs."""
    check_saved(
        prep.n_features == net.n_inputs,
        f"it makes {prep.n_features} features but the network takes {net.n_inputs}",
    )
    check_saved(prep.task is not None, "it has no target")
    outputs = prep.target_codec.n_outputs
    check_saved(
        outputs == net.n_outputs,
        f"it has {outputs} outputs but the network has {net.n_outputs}",
    )
    check_saved(
        prep.task != "classification" or net.outputs_probabilities,
        "a classifier needs a softmax output",
    )
