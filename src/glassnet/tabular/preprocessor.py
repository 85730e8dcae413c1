"""``TabularPreprocessor``: picks an encoding per column and learns it from a table."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._validation import is_int
from ._cells import check_columns, check_frame
from ._words import column_list
from .binned import MAX_BINS
from .choice import ENCODINGS, fit_encoder
from .encoders import Encoder, LeftOut, check_saved
from .target import Target, check_target, rows_with_target

_FORMAT_NAME = "glassnet-tabular"
#: Version 2 added the "binned_numeric" encoding; a preprocessing without it
#: is still written as version 1, which every glassnet reads.
_FORMAT_VERSION = 2


class TabularPreprocessor:
    """Encoding of a table's columns as network inputs, learned from training data.

    :meth:`fit` gives each input column one encoding from
    :mod:`glassnet.tabular.encoders`: ``"binary"`` for yes/no, true/false, y/n
    or booleans; ``"numeric"`` for numbers (and text that is at least 90%
    numbers), or ``"binned_numeric"`` with ``bins`` > 0 (see
    :mod:`glassnet.tabular.binned`); ``"categorical"`` (one-hot, at most
    ``max_categories`` values) for other text. Columns that are all missing,
    constant, identifiers (text whose every value differs, or distinct whole
    numbers under a name such as ``id``), or of another type (dates) are left
    out, and listed in ``dropped``.

    Parameters
    ----------
    max_categories : int, default=50
        Most one-hot features for one text column.
    bins : int, default=0
        Piecewise-linear bins (at most) for each number column, which is then
        robust-scaled and smoothly clipped; 0 standardises numbers instead.
        :func:`glassnet.tabular.train` uses 16.

    Attributes
    ----------
    target : str or None
        The target column's name, if fitted with one.
    task : {"classification", "regression"} or None
    classes : list or None
        Class labels in the order of the network's outputs (classification).
    target_codec : Target
        The target's task and codec (its ``task`` is None without a target).
    encoders : list of Encoder
        One per input column, in the order they are encoded.
    columns : list of dict
        The same encodings as JSON data.
    dropped : list of dict
        ``{"column": name, "reason": text}`` for each column left out.
    notes : list of str
        What ``fit`` decided that a user should know, one sentence each.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"cat": ["yes", "no", "yes", "no"],
    ...                       "age": [1.0, None, 3.0, 5.0],
    ...                       "bought": ["yes", "yes", "no", "no"]})
    >>> prep = TabularPreprocessor().fit(frame, target="bought")
    >>> prep.feature_names
    ['cat', 'age', 'age_missing']
    >>> prep.transform(frame).round(2).tolist()[1]
    [0.0, 0.0, 1.0]
    >>> prep.encode_target(frame["bought"]).tolist()
    [1, 1, 0, 0]
    """

    def __init__(self, *, max_categories: int = 50, bins: int = 0) -> None:
        if not (is_int(max_categories) and max_categories >= 1):
            raise ValueError(
                f"max_categories must be a positive integer, got {max_categories!r}"
            )
        if not (is_int(bins) and 0 <= bins <= MAX_BINS):
            raise ValueError(
                f"bins must be a whole number from 0 to {MAX_BINS}, got {bins!r}"
            )
        self.max_categories, self.bins = max_categories, bins
        self._reset()

    def _reset(self) -> None:
        self.target_codec = Target(None, None)
        self.encoders: list[Encoder] = []
        self.dropped: list[dict] = []
        self.notes: list[str] = []
        self._fitted = False

    @property
    def target(self) -> str | None:
        return self.target_codec.name

    @property
    def task(self) -> str | None:
        return self.target_codec.task

    @property
    def classes(self) -> list | None:
        return self.target_codec.classes

    @property
    def target_mean(self) -> float | None:
        return self.target_codec.mean

    @property
    def target_scale(self) -> float | None:
        return self.target_codec.scale

    # -- fitting --

    def fit(
        self,
        frame: pd.DataFrame,
        target: str | None = None,
        drop: Iterable[str] = (),
        task: str = "auto",
    ) -> TabularPreprocessor:
        """Learn every column's encoding (and the target's) from ``frame``.

        Parameters
        ----------
        frame : DataFrame
            The training table.
        target : str or None, default=None
            The column to predict; rows where it is missing are ignored.
        drop : iterable of str, default=()
            Columns to leave out.
        task : {"auto", "classification", "regression"}, default="auto"
            What the target is; "auto" infers it (see :func:`infer_task`).

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If a named column does not exist, the target has a single class or
            a constant value, or no column is left to learn from.
        """
        frame = check_frame(frame)
        check_target(frame, target, task)
        drop = [drop] if isinstance(drop, str) else list(drop)
        unknown = [name for name in drop if name not in frame.columns]
        if unknown:
            raise ValueError(
                f"cannot drop {column_list(unknown)}: no such column; the columns"
                f" are {column_list(frame.columns)}"
            )
        if target is not None and target in drop:
            raise ValueError(f"the target {target!r} cannot also be dropped")
        self._reset()
        if target is not None:
            frame = rows_with_target(frame, target, self.notes.append)
            self.target_codec = Target.fit(frame[target], task)
        for name in frame.columns:
            if name == target:
                continue
            if name in drop:
                self.dropped.append({"column": name, "reason": "asked to drop it"})
                continue
            try:
                encoder = fit_encoder(
                    frame[name], self.max_categories, self.notes, self.bins
                )
            except LeftOut as reason:
                self.dropped.append({"column": name, "reason": str(reason)})
                self.notes.append(f"left out column {name!r}: {reason}")
            else:
                self.encoders.append(encoder)
        if not self.encoders:
            raise ValueError(
                "no column is left to learn from: "
                + "; ".join(f"{d['column']!r} {d['reason']}" for d in self.dropped)
            )
        self._fitted = True
        return self

    # -- using it --

    def _check_fitted(self) -> None:
        if not self._fitted:
            raise ValueError(
                "this TabularPreprocessor is not fitted yet: call fit(frame, target)"
            )

    @property
    def columns(self) -> list[dict]:
        """One encoding per input column, as JSON data."""
        return [encoder.to_dict() for encoder in self.encoders]

    @property
    def input_columns(self) -> list[str]:
        """The columns ``transform`` needs, in the order they are encoded."""
        return [encoder.column for encoder in self.encoders]

    @property
    def feature_names(self) -> list[str]:
        """The name of each column of ``transform``'s output."""
        self._check_fitted()
        return [name for encoder in self.encoders for name in encoder.feature_names]

    @property
    def n_features(self) -> int:
        """Width of ``transform``'s output."""
        return len(self.feature_names)

    def transform(self, frame: pd.DataFrame, notes: list | None = None) -> np.ndarray:
        """Encode ``frame``'s input columns as a float64 matrix.

        Columns are found by name: their order does not matter, and columns the
        encoding does not use (the target, extra ones) are ignored.

        Parameters
        ----------
        frame : DataFrame
        notes : list or None, default=None
            If given, sentences about values the training data did not have
            (unknown categories, text in number columns, new missing values) are
            appended to it.

        Returns
        -------
        ndarray of shape (n_samples, n_features)

        Raises
        ------
        ValueError
            If a column the encoding needs is missing (all are named).
        """
        self._check_fitted()
        frame = check_frame(frame)
        check_columns(frame, self.input_columns)
        notes = [] if notes is None else notes
        parts = [
            part
            for encoder in self.encoders
            for part in encoder.encode(frame[encoder.column], notes)
        ]
        return np.column_stack(parts).astype(np.float64, copy=False)

    def fit_transform(self, frame, target=None, drop=(), task="auto") -> np.ndarray:
        """``fit`` then ``transform`` the same frame."""
        return self.fit(frame, target=target, drop=drop, task=task).transform(frame)

    def encode_target(self, series) -> np.ndarray:
        """Return the target as the network learns it.

        Classification: class indices into ``classes``, shape (n_samples,).
        Regression: standardised values, shape (n_samples, 1).

        Raises
        ------
        ValueError
            If a value is missing, or is not one of ``classes`` / not a number.
        """
        self._check_fitted()
        if self.task is None:
            raise ValueError("this preprocessor was fitted without a target")
        return self.target_codec.encode(series)

    def decode_target(self, values) -> np.ndarray:
        """Turn network outputs back into target values.

        Parameters
        ----------
        values : ndarray
            Classification: class indices of shape (n_samples,). Regression:
            standardised outputs of shape (n_samples,) or (n_samples, 1).

        Returns
        -------
        ndarray of shape (n_samples,)
            Class labels, or values in the target's units.
        """
        self._check_fitted()
        if self.task is None:
            raise ValueError("this preprocessor was fitted without a target")
        return self.target_codec.decode(values)

    def describe(self) -> list[dict]:
        """Return, per input column, its encoding in words and its features.

        Returns
        -------
        list of dict
            ``{"column", "encoding", "description", "features"}`` each.
        """
        self._check_fitted()
        return [encoder.describe() for encoder in self.encoders]

    # -- as data --

    def to_dict(self) -> dict:
        """Return the fitted preprocessor as JSON data (lists, numbers, strings)."""
        self._check_fitted()
        return {
            "format": _FORMAT_NAME,
            "format_version": 2
            if any(column["encoding"] == "binned_numeric" for column in self.columns)
            else 1,
            **self.target_codec.to_dict(),
            "columns": self.columns,
            "dropped": [dict(entry) for entry in self.dropped],
        }

    @classmethod
    def from_dict(cls, data) -> TabularPreprocessor:
        """Rebuild a preprocessor from ``to_dict()`` output, checking every field.

        Raises
        ------
        ValueError
            If ``data`` is not what ``to_dict`` makes (one line, naming the field).
        """
        check_saved(isinstance(data, dict), "it is not a JSON object")
        check_saved(data.get("format") == _FORMAT_NAME, "its format is not glassnet's")
        version = data.get("format_version")
        check_saved(is_int(version) and version >= 1, "format_version is invalid")
        check_saved(
            version <= _FORMAT_VERSION,
            f"it was written by a newer glassnet (version {version}); upgrade",
        )
        prep = cls()
        prep.target_codec = Target.from_dict(data)
        columns = data.get("columns")
        check_saved(
            isinstance(columns, list) and bool(columns),
            "columns must be a non-empty list",
        )
        prep.encoders = [encoder_from_dict(spec) for spec in columns]
        names = prep.input_columns
        check_saved(len(set(names)) == len(names), "a column is listed twice")
        dropped = data.get("dropped", [])
        check_saved(
            isinstance(dropped, list)
            and all(
                isinstance(entry, dict)
                and isinstance(entry.get("column"), str)
                and isinstance(entry.get("reason"), str)
                for entry in dropped
            ),
            "dropped must list {column, reason} objects",
        )
        prep.dropped = [dict(entry) for entry in dropped]
        prep._fitted = True
        return prep

    def __repr__(self) -> str:
        if not self._fitted:
            return "TabularPreprocessor(not fitted)"
        target = "" if self.target is None else f", {self.task} of {self.target!r}"
        return (
            f"TabularPreprocessor({len(self.encoders)} columns -> {self.n_features}"
            f" features{target})"
        )


def encoder_from_dict(spec) -> Encoder:
    """Return the encoder a saved column spec describes, checking every field.

    Raises
    ------
    ValueError
        If ``spec`` is not what ``Encoder.to_dict`` makes (one line, naming it).
    """
    check_saved(
        isinstance(spec, dict) and isinstance(spec.get("column"), str),
        "each column must be an object with a 'column' name",
    )
    name, kind = spec["column"], spec.get("encoding")
    check_saved(
        isinstance(kind, str) and kind in ENCODINGS,
        f"column {name!r} has unknown encoding {kind!r}",
    )
    check_saved(
        isinstance(spec.get("indicator"), bool),
        f"column {name!r} needs 'indicator' true or false",
    )
    return ENCODINGS[kind].from_dict(spec)
