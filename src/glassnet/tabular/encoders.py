"""One class per column encoding: how a column becomes features, and back to data.

Each encoding keeps together what it learns from training data (``fit``), how
it turns a column into features (``encode``), the names and description of
those features, and its saved form (``to_dict``, and ``from_dict`` with the
checks on load). A new encoding is one new class (here, or in a module of its
own such as :mod:`glassnet.tabular.binned`), added to
:data:`glassnet.tabular.choice.ENCODINGS` with its rule there.
"""

from __future__ import annotations

import dataclasses
from typing import ClassVar

import numpy as np
import pandas as pd

from ..modelfile import ModelFileError
from ._cells import (
    FALSE_WORDS,
    TRUE_WORDS,
    as_text,
    is_identifier_name,
    is_number,
    numbers,
    texts,
    yes_no,
)
from ._words import plural, quoted_list

#: An input more than this many standard deviations from the training mean is
#: treated as missing: no training value can be (they are within sqrt(rows)),
#: and the network's arithmetic, even in float32, would overflow.
MAX_STANDARDISED = 1e15


class LeftOut(Exception):
    """A column is left out of the inputs; the message says why, in words."""


def check_saved(condition: bool, problem: str) -> None:
    """Raise a one-line ModelFileError (a ValueError) unless ``condition``."""
    if not condition:
        raise ModelFileError(f"invalid preprocessing in the model: {problem}")


@dataclasses.dataclass(kw_only=True)
class Encoder:
    """One input column as one or more features: the part every encoding shares.

    An encoding's dataclass fields are what it saves, in order, between
    ``"encoding"`` and ``"indicator"``; its ``check_fields(spec)`` checks them
    on load.

    Parameters
    ----------
    column : str
        The column's name.
    indicator : bool
        Whether training had missing values, so a ``<column>_missing`` feature
        follows the column's own features.
    """

    #: The encoding's name in the saved preprocessing.
    name: ClassVar[str]
    #: What a missing value becomes, in words.
    fill_words: ClassVar[str] = "the mean"

    column: str
    indicator: bool

    # -- what each encoding defines --

    def _encode(self, series: pd.Series, notes: list) -> tuple[np.ndarray, np.ndarray]:
        """Return the column's own features and where values are missing."""
        raise NotImplementedError

    def _describe_values(self) -> str:
        """Return how values become features, in words."""
        raise NotImplementedError

    def _value_features(self) -> list[str]:
        return [self.column]

    def _describe_fill(self) -> str:
        return self.fill_words

    # -- shared --

    @property
    def feature_names(self) -> list[str]:
        """The name of each feature this column becomes."""
        names = self._value_features()
        return [*names, f"{self.column}_missing"] if self.indicator else names

    def encode(self, series: pd.Series, notes: list) -> list[np.ndarray]:
        """Return the column's features: its own block, then the indicator if any.

        Sentences about values training did not have are appended to ``notes``.
        """
        encoded, missing = self._encode(series, notes)
        if self.indicator:
            return [encoded, missing.astype(np.float64)]
        if missing.any():
            notes.append(
                f"column {self.column!r}:"
                f" {plural(int(missing.sum()), 'missing value')} (none in training)"
                f" filled with {self.fill_words}"
            )
        return [encoded]

    def describe(self) -> dict:
        """Return ``{"column", "encoding", "description", "features"}``."""
        text = self._describe_values()
        if self.indicator:
            text += f"; missing -> {self._describe_fill()} + indicator"
        else:
            text += f"; missing -> {self._describe_fill()}"
        return {
            "column": self.column,
            "encoding": self.name,
            "description": text,
            "features": self.feature_names,
        }

    def to_dict(self) -> dict:
        """Return the encoding as JSON data, as saved in a model file."""
        learned = {
            field.name: getattr(self, field.name)
            for field in dataclasses.fields(self)
            if field.name not in ("column", "indicator")
        }
        return {
            "column": self.column,
            "encoding": self.name,
            **learned,
            "indicator": self.indicator,
        }

    @classmethod
    def from_dict(cls, spec: dict) -> Encoder:
        """Rebuild from ``to_dict()`` output whose column and indicator are checked."""
        cls.check_fields(spec)
        return cls(
            **{field.name: spec[field.name] for field in dataclasses.fields(cls)}
        )

    @staticmethod
    def check_fields(spec: dict) -> None:
        """Raise a one-line ValueError unless the learned fields are valid."""
        raise NotImplementedError

    def _numbers(self, series: pd.Series, notes: list) -> np.ndarray:
        """Return a number column's values, NaN where a cell is not a number (said)."""
        values, n_bad, first = numbers(series)
        if n_bad:
            notes.append(
                f"column {self.column!r}: {plural(n_bad, 'value')} that"
                f" {'is' if n_bad == 1 else 'are'} not a number (such as {first!r})"
                " treated as missing"
            )
        return values

    def _note_missing(self, missing: np.ndarray, notes: list) -> None:
        if self.indicator:
            notes.append(
                f"column {self.column!r} has"
                f" {plural(int(missing.sum()), 'missing value')}: filled with"
                f" {self.fill_words}, plus an indicator column"
            )


def usable_numbers(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Return where a number column is missing and its present values.

    Raises
    ------
    LeftOut
        If no value is a number, every value is the same, or the values are
        distinct whole numbers under an identifier's name (``id``, ``*_id``).
    """
    values, _, _ = numbers(series)
    missing = np.isnan(values)
    present = values[~missing]
    if len(present) == 0:
        raise LeftOut("no value is a number")
    distinct = np.unique(present).size
    if distinct == 1:
        raise LeftOut(f"it is {as_text(present[0])} in every row")
    whole = (present == np.round(present)).all()
    if whole and distinct == len(present) and is_identifier_name(str(series.name)):
        raise LeftOut("every value is a different whole number, as in an identifier")
    return missing, present


@dataclasses.dataclass(kw_only=True)
class Numeric(Encoder):
    """Numbers, standardised: ``(value - mean) / scale``; missing -> the mean."""

    name: ClassVar[str] = "numeric"

    mean: float
    scale: float

    @staticmethod
    def reads_as_numbers(n_bad: int, n_present: int) -> bool:
        """Whether a text column counts as numbers: at least 90% of its values are."""
        return n_bad < n_present and n_bad <= 0.1 * n_present

    @classmethod
    def fit(cls, series: pd.Series, notes: list) -> Numeric:
        """Learn the mean and scale; raise :class:`LeftOut` if there is nothing."""
        name = str(series.name)
        missing, present = usable_numbers(series)
        with np.errstate(over="ignore", invalid="ignore"):
            mean, scale = float(present.mean()), float(present.std())
        if not (np.isfinite(mean) and np.isfinite(scale)):
            largest = present[np.argmax(np.abs(present))]
            raise ValueError(
                f"column {name!r} has values too large to standardise (such as"
                f" {largest:g}); remove them, or leave the column out with --drop"
            )
        encoder = cls(
            column=name,
            mean=mean,
            scale=scale if scale > 0 else 1.0,
            indicator=bool(missing.any()),
        )
        encoder._note_missing(missing, notes)
        return encoder

    def _encode(self, series, notes):
        values = self._numbers(series, notes)
        with np.errstate(over="ignore", invalid="ignore"):
            encoded = (values - self.mean) / self.scale
        too_large = ~np.isnan(values) & ~(np.abs(encoded) <= MAX_STANDARDISED)
        if too_large.any():
            notes.append(
                f"column {self.column!r}: {plural(int(too_large.sum()), 'value')}"
                f" too large for the model (such as {values[too_large][0]:g},"
                f" against a training mean of {self.mean:.4g} and sd of"
                f" {self.scale:.4g}) treated as missing"
            )
        missing = np.isnan(values) | too_large
        encoded[missing] = 0.0
        return encoded, missing

    def _describe_values(self):
        return f"number, standardised (mean {self.mean:.4g}, sd {self.scale:.4g})"

    @staticmethod
    def check_fields(spec: dict) -> None:
        check_saved(
            is_number(spec.get("mean"))
            and is_number(spec.get("scale"))
            and spec["scale"] > 0,
            f"column {spec['column']!r} needs a numeric mean and a positive scale",
        )


@dataclasses.dataclass(kw_only=True)
class Binary(Encoder):
    """Yes/no, true/false, y/n (any case) or booleans as 1/0; missing -> share of 1s."""

    name: ClassVar[str] = "binary"

    values: list[str]
    fill: float

    @staticmethod
    def suits(distinct: set[str]) -> bool:
        """Whether a column's distinct texts are yes/no words, both kinds present."""
        words = {text.lower() for text in distinct}
        return bool(
            words <= TRUE_WORDS | FALSE_WORDS
            and words & TRUE_WORDS
            and words & FALSE_WORDS
        )

    @classmethod
    def fit(cls, column: str, words: np.ndarray, missing: np.ndarray, notes) -> Binary:
        """Learn the words and the fill from a column's cells as text."""
        present = words[~missing]
        encoder = cls(
            column=column,
            # The words for 1 first, as in "yes/no -> 1/0".
            values=sorted(
                set(present.tolist()),
                key=lambda text: (text.lower() in FALSE_WORDS, text),
            ),
            fill=float(yes_no(present).mean()),
            indicator=bool(missing.any()),
        )
        encoder._note_missing(missing, notes)
        return encoder

    def _encode(self, series, notes):
        words, missing = texts(series)
        encoded = yes_no(words)
        unknown = ~missing & np.isnan(encoded)
        if unknown.any():
            notes.append(
                f"column {self.column!r}: {plural(int(unknown.sum()), 'value')} not"
                f" {'/'.join(self.values)} (such as {words[unknown][0]!r}) treated"
                " as missing"
            )
        missing = missing | unknown
        encoded[missing] = self.fill
        return encoded, missing

    def _describe_values(self):
        return f"{'/'.join(self.values)} -> 1/0"

    def _describe_fill(self):
        return f"{self.fill:.3g}"

    @staticmethod
    def check_fields(spec: dict) -> None:
        check_saved(
            is_number(spec.get("fill"))
            and isinstance(spec.get("values"), list)
            and all(isinstance(value, str) for value in spec["values"]),
            f"column {spec['column']!r} needs a numeric fill and a list of values",
        )


@dataclasses.dataclass(kw_only=True)
class Categorical(Encoder):
    """Text one-hot over the training values; unknown or missing -> all zeros."""

    name: ClassVar[str] = "categorical"
    fill_words: ClassVar[str] = "all zeros"

    categories: list[str]

    @classmethod
    def fit(
        cls,
        column: str,
        words: np.ndarray,
        missing: np.ndarray,
        notes: list,
        max_categories: int,
    ) -> Categorical:
        """Learn the categories (the ``max_categories`` most frequent) from text."""
        counts = pd.Series(words[~missing]).value_counts()
        if len(counts) > max_categories:
            # The most frequent first; ties by text, so the choice is reproducible.
            ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            kept = [text for text, _ in ranked[:max_categories]]
            notes.append(
                f"column {column!r} has {len(counts)} different values: one-hot"
                f" encoding the {max_categories} most frequent, the rest as"
                " unknown"
            )
        else:
            kept = list(counts.index)
        encoder = cls(
            column=column, categories=sorted(kept), indicator=bool(missing.any())
        )
        encoder._note_missing(missing, notes)
        return encoder

    def _encode(self, series, notes):
        words, missing = texts(series)
        codes = pd.Index(self.categories).get_indexer(words)
        codes[missing] = -1
        unknown = ~missing & (codes < 0)
        if unknown.any():
            notes.append(
                f"column {self.column!r}: {plural(int(unknown.sum()), 'value')} not"
                f" seen in training (such as {words[unknown][0]!r}) encoded as all"
                " zeros"
            )
        one_hot = np.zeros((len(words), len(self.categories)))
        known = codes >= 0
        one_hot[np.flatnonzero(known), codes[known]] = 1.0
        return one_hot, missing

    def _value_features(self):
        return [f"{self.column}={value}" for value in self.categories]

    def _describe_values(self):
        return (
            f"one-hot over {plural(len(self.categories), 'value')}"
            f" ({quoted_list(self.categories, 4)}); unknown -> all zeros"
        )

    @staticmethod
    def check_fields(spec: dict) -> None:
        categories = spec.get("categories")
        check_saved(
            isinstance(categories, list)
            and bool(categories)
            and all(isinstance(value, str) for value in categories)
            and len(set(categories)) == len(categories),
            f"column {spec['column']!r} needs a list of distinct text categories",
        )
