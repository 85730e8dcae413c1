"""What matters: the permutation importance of each original column of a table.

Shuffle one column of the rows, so that it no longer tells the model anything
about the target, and score the model again: the drop in accuracy (or R²) is
how much the model relied on that column. Computed on the encoded rows with
NumPy: a column's encoded features come from that column alone, so shuffling
their rows together is the same as shuffling the column in the table and
encoding it again, without encoding the table once per shuffle.

The shuffles are scikit-learn's: with the same ``seed`` (its ``random_state``)
:func:`permutation_importance` draws the same permutations as
``sklearn.inspection.permutation_importance``, so the two can be compared number
for number (``tests/test_tabular_importance.py`` does).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from ..network import Network
from ._cells import check_frame
from .model import TabularModel
from .preprocessor import TabularPreprocessor
from .target import rows_with_target


@dataclasses.dataclass(frozen=True)
class Importance:
    """Permutation importance of each original column, most important first.

    Attributes
    ----------
    columns : list of str
        The model's input columns, sorted by ``mean`` (largest first).
    mean : ndarray of shape (n_columns,)
        The mean drop of the score when the column is shuffled.
    std : ndarray of shape (n_columns,)
        The drops' standard deviation over the ``n_repeats`` shuffles.
    metric : {"accuracy", "r2"}
    score : float
        The score on the rows as they are.
    rows : int
        How many rows were scored (those with a target).
    n_repeats : int
    """

    columns: list[str]
    mean: np.ndarray
    std: np.ndarray
    metric: str
    score: float
    rows: int
    n_repeats: int

    def to_text(self) -> str:
        """Return an aligned table, one line per column, and what it means."""
        name = "accuracy" if self.metric == "accuracy" else "R²"
        width = max(len("column"), *(len(column) for column in self.columns))
        lines = [f"{'column':<{width}}  {name + ' drop':>14}  {'± std':>8}"]
        lines += [
            f"{column:<{width}}  {mean:>14.4f}  {std:>8.4f}"
            for column, mean, std in zip(self.columns, self.mean, self.std, strict=True)
        ]
        lines.append(
            f"Each number is how much the {name} ({self.score:.4f} on"
            f" {self.rows} rows) fell when that column was shuffled"
            f" ({self.n_repeats} times): the larger, the more the model relies on"
            " it; near 0, the model does without it."
        )
        return "\n".join(lines)


def permutation_importance(
    model: TabularModel | Network,
    frame: pd.DataFrame,
    *,
    n_repeats: int = 5,
    seed: int = 0,
    notes: list | None = None,
) -> Importance:
    """Return how much the score drops when each original column is shuffled.

    Parameters
    ----------
    model : TabularModel or Network
        A model made by :func:`glassnet.tabular.train`.
    frame : DataFrame
        Rows with the target column (best rows the model did not train on).
        Rows without a target are left out (and said so in ``notes``).
    n_repeats : int, default=5
        How many times each column is shuffled.
    seed : int, default=0
        Seeds the shuffles as ``random_state`` seeds scikit-learn's.
    notes : list or None, default=None
        Receives sentences about left-out rows, unknown categories and the like.

    Returns
    -------
    Importance
        Accuracy drops (classification) or R² drops (regression), as
        :meth:`TabularModel.evaluate` computes them.

    Raises
    ------
    ValueError
        If the target column is absent, or ``n_repeats`` is not a positive integer.

    Examples
    --------
    >>> importance = permutation_importance(model, validation_rows)  # doctest: +SKIP
    >>> print(importance.to_text())  # doctest: +SKIP
    """
    if not (isinstance(n_repeats, int) and n_repeats >= 1):
        raise ValueError(f"n_repeats must be a positive integer, got {n_repeats!r}")
    model = as_model(model)
    prep = model.preprocessor
    X, y = _encoded_rows(prep, check_frame(frame), [] if notes is None else notes)
    metric = "accuracy" if prep.task == "classification" else "r2"
    score = model.score(X, y)[metric]
    # scikit-learn draws one seed, then shuffles every column with a fresh
    # RandomState of that seed: each column sees the same permutations.
    column_seed = np.random.RandomState(seed).randint(np.iinfo(np.int32).max + 1)
    drops = np.empty((len(prep.encoders), n_repeats))
    for index, span in enumerate(feature_spans(prep)):
        shuffled = X.copy()
        order = np.arange(len(X))
        rng = np.random.RandomState(column_seed)
        for repeat in range(n_repeats):
            # Shuffles compound, as in scikit-learn: each repeat permutes the
            # column as the last one left it (still a uniform permutation).
            rng.shuffle(order)
            shuffled[:, span] = shuffled[order, span]
            drops[index, repeat] = score - model.score(shuffled, y)[metric]
    mean, std = drops.mean(axis=1), drops.std(axis=1)
    ranked = np.argsort(-mean, kind="stable")
    return Importance(
        columns=[prep.input_columns[i] for i in ranked],
        mean=mean[ranked],
        std=std[ranked],
        metric=metric,
        score=float(score),
        rows=len(X),
        n_repeats=n_repeats,
    )


def feature_spans(prep: TabularPreprocessor) -> list[slice]:
    """Return, per input column in order, the slice of its encoded features.

    A number's value (and bins) then its missing indicator, a text column's
    one-hot features: every feature ``transform`` makes from that column.
    """
    spans, start = [], 0
    for encoder in prep.encoders:
        stop = start + len(encoder.feature_names)
        spans.append(slice(start, stop))
        start = stop
    return spans


def as_model(model) -> TabularModel:
    """Return ``model`` as a :class:`TabularModel` (a ``Network`` is paired)."""
    if isinstance(model, TabularModel):
        return model
    if isinstance(model, Network):
        return TabularModel.from_network(model)
    raise TypeError(
        f"expected a TabularModel or a Network from glassnet.tabular.train,"
        f" got {type(model).__name__}"
    )


def _encoded_rows(prep, frame: pd.DataFrame, notes: list):
    """Return the rows with a target, encoded, and their encoded targets."""
    if prep.target not in frame.columns:
        raise ValueError(
            f"the data has no target column {prep.target!r}: permutation"
            " importance scores the model against the true answers"
        )
    frame = rows_with_target(frame, prep.target, notes.append)
    return prep.transform(frame, notes), prep.encode_target(frame[prep.target])
