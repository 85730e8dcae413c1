"""The target column: its task, its checks, and its values as the network learns them.

Classification targets become class indices (the classes sorted, whole
numbers as numbers); regression targets are standardised. Rows whose target
is missing are left out, here, for training, fitting and evaluation alike.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import numpy as np
import pandas as pd

from ._cells import (
    as_text,
    as_written,
    is_code,
    is_label,
    is_number,
    numbers,
    parse_numbers,
    texts,
)
from ._words import column_list, plural, quoted_list
from .encoders import check_saved
from .settings import TASKS

#: A numeric target with at most this many distinct whole numbers is a class label.
MAX_AUTO_CLASSES = 10


def infer_task(series: pd.Series) -> tuple[str, str]:
    """Return ``("classification" | "regression", reason)`` for a target column.

    Text, yes/no and booleans are classes; whole numbers with at most
    ``MAX_AUTO_CLASSES`` distinct values are classes; other numbers are a
    quantity to regress on. Text whose every value is a number (as a CSV file's
    cells are) counts as numbers, unless a value has a leading zero ("007": a
    code). Missing values are ignored.
    """
    values = series.dropna()
    if len(values) == 0:
        raise ValueError(f"target {series.name!r} has no values")
    if pd.api.types.is_bool_dtype(series):
        return "classification", "it holds true/false values"
    if pd.api.types.is_numeric_dtype(series):
        values = values.to_numpy(dtype=np.float64)
    else:
        values = _text_as_numbers(values)
        if values is None:
            return "classification", "it holds text"
    n_distinct = len(np.unique(values))
    whole = np.isfinite(values).all() and (values == np.round(values)).all()
    if whole and n_distinct <= MAX_AUTO_CLASSES:
        return "classification", f"it holds {n_distinct} distinct whole numbers"
    return "regression", f"it holds numbers with {n_distinct} distinct values"


def check_target(frame: pd.DataFrame, target: str | None, task: str) -> None:
    """Raise a one-line ValueError unless ``target`` is a column and ``task`` valid."""
    if target is not None and target not in frame.columns:
        raise ValueError(
            f"there is no target column {target!r}; the columns are"
            f" {column_list(frame.columns)}"
        )
    if task not in TASKS:
        raise ValueError(f"task must be one of {list(TASKS)}, got {task!r}")


def rows_with_target(
    frame: pd.DataFrame, target: str, note: Callable[[str], None]
) -> pd.DataFrame:
    """Return the rows whose ``target`` is present; ``note`` says how many are not.

    Raises
    ------
    ValueError
        If no row has a target.
    """
    present = ~texts(frame[target])[1]  # a blank cell is missing too
    if not present.any():
        raise ValueError(f"target column {target!r} has no values")
    if not present.all():
        note(
            f"left out {plural(int((~present).sum()), 'row')} whose target"
            f" {target!r} is missing"
        )
        frame = frame[present]
    return frame


class Target:
    """A target column's task and codec: values to network targets and back.

    Parameters
    ----------
    name : str or None
        The column's name (None when a preprocessor has no target).
    task : {"classification", "regression"} or None
    classes : list or None, default=None
        Class labels in the order of the network's outputs (classification).
    mean, scale : float or None, default=None
        The training values' mean and standard deviation (regression).
    """

    def __init__(
        self,
        name: str | None,
        task: str | None,
        *,
        classes: list | None = None,
        mean: float | None = None,
        scale: float | None = None,
    ) -> None:
        self.name, self.task = name, task
        self.classes, self.mean, self.scale = classes, mean, scale

    @classmethod
    def fit(cls, series: pd.Series, task: str) -> Target:
        """Learn the classes, or the mean and scale, from the target's values.

        ``task`` "auto" is inferred (see :func:`infer_task`).
        """
        name = series.name
        if task == "auto":
            task = infer_task(series)[0]
        if task == "classification":
            return cls(name, task, classes=_classes(series))
        values, n_bad, first = numbers(series)
        if n_bad:
            raise ValueError(
                f"target {name!r} holds values that are not numbers, such as"
                f" {first!r}; a regression needs numbers (or use task"
                " 'classification')"
            )
        with np.errstate(over="ignore", invalid="ignore"):
            mean, scale = float(values.mean()), float(values.std())
        if not scale > 0:
            raise ValueError(
                f"target {name!r} is {as_text(values[0])} in every row; there is"
                " nothing to learn"
            )
        if not (np.isfinite(scale) and np.isfinite(mean)):
            largest = values[np.argmax(np.abs(values))]
            raise ValueError(
                f"target {name!r} has values too large to learn from (such as"
                f" {largest:g}); remove those rows"
            )
        return cls(name, task, mean=mean, scale=scale)

    @property
    def n_outputs(self) -> int:
        """How many outputs the network needs: one per class, or one number."""
        return len(self.classes) if self.task == "classification" else 1

    @property
    def class_names(self) -> list[str]:
        """The class labels as text, as they appear in column names and messages."""
        return [as_text(label) for label in self.classes]

    def class_codes(self, words) -> np.ndarray:
        """Return the class index of each text (stripped), -1 where none matches.

        Classes are matched leniently: without surrounding spaces, and by value
        when every class is a number ("1.0" is class "1").
        """
        names = self.class_names
        numeric = _numeric_labels(names)
        index = {_label_key(name, numeric): i for i, name in enumerate(names)}
        return np.array(
            [index.get(_label_key(word, numeric), -1) for word in words],
            dtype=np.intp,
        )

    def encode(self, series) -> np.ndarray:
        """Return the values as the network learns them.

        Class indices of shape (n_samples,), or standardised values of shape
        (n_samples, 1).

        Raises
        ------
        ValueError
            If a value is missing, or is not one of ``classes`` / not a number.
        """
        series = pd.Series(series).reset_index(drop=True)
        if series.isna().any():
            raise ValueError(
                f"target {self.name!r} is missing in"
                f" {plural(int(series.isna().sum()), 'row')}; leave those rows out"
            )
        if self.task == "classification":
            words, _ = texts(series)
            codes = self.class_codes(words)
            unknown = words[codes < 0]
            if len(unknown):
                raise ValueError(
                    f"target {self.name!r} has values the model never saw in"
                    f" training: {quoted_list(sorted(set(unknown.tolist())))}; it"
                    f" knows only {quoted_list(self.classes)}"
                )
            return codes
        values, n_bad, first = numbers(series)
        if n_bad:
            raise ValueError(
                f"target {self.name!r} holds values that are not numbers, such as"
                f" {first!r}"
            )
        return ((values - self.mean) / self.scale).reshape(-1, 1)

    def decode(self, values) -> np.ndarray:
        """Return class labels for indices, or target units for standardised outputs."""
        values = np.asarray(values)
        if self.task == "classification":
            return np.asarray(self.classes)[values.astype(np.intp)]
        with np.errstate(over="ignore", invalid="ignore"):
            return values.reshape(len(values), -1)[:, 0] * self.scale + self.mean

    def to_dict(self) -> dict:
        """Return the saved fields of the preprocessing that describe the target."""
        return {
            "target": self.name,
            "task": self.task,
            "classes": None if self.classes is None else list(self.classes),
            "target_mean": self.mean,
            "target_scale": self.scale,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Target:
        """Rebuild from the saved preprocessing, checking it (task None: no target)."""
        task, name = data.get("task"), data.get("target")
        check_saved(task in (None, "classification", "regression"), "task is invalid")
        check_saved((name is None) == (task is None), "target and task disagree")
        check_saved(name is None or isinstance(name, str), "target is not text")
        if task == "classification":
            classes = data.get("classes")
            check_saved(
                isinstance(classes, list)
                and len(classes) >= 2
                and all(is_label(value) for value in classes)
                and _distinct_labels([as_text(value) for value in classes]),
                "classes must be a list of at least two distinct labels",
            )
            return cls(name, task, classes=classes)
        if task == "regression":
            mean, scale = data.get("target_mean"), data.get("target_scale")
            check_saved(
                is_number(mean) and is_number(scale) and scale > 0,
                "target_mean and target_scale must be numbers, the scale > 0",
            )
            return cls(name, task, mean=float(mean), scale=float(scale))
        return cls(None, None)


def _classes(series: pd.Series) -> list:
    """Return the sorted class labels: numbers as numbers, else text as written.

    Spellings that differ only by surrounding spaces (or, when every label is a
    number, by how the number is written) are one class, spelled as most rows
    spell it: predictions are written back in the training data's words.
    """
    name = series.name
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = np.unique(series.to_numpy(dtype=np.float64))
        classes = [
            int(value) if float(value).is_integer() else float(value)
            for value in values
        ]
    else:
        classes = _spelled_classes(_spellings(series))
    if len(classes) < 2:
        raise ValueError(
            f"target {name!r} has only one class ({as_text(classes[0])!r});"
            " a classifier needs at least two: check --target, or collect"
            " examples of the other outcomes"
        )
    return classes


def _spellings(series: pd.Series) -> Counter:
    """Return how many rows spell each label, as written."""
    try:
        tallies = series.value_counts(sort=False)
        pairs = zip(tallies.index, tallies.to_numpy(), strict=True)
    except TypeError:  # unhashable cells
        pairs = ((value, 1) for value in series.to_numpy(dtype=object))
    counts: Counter = Counter()
    for value, count in pairs:
        counts[as_written(value)] += int(count)
    return counts


def _spelled_classes(spellings: Counter) -> list[str]:
    """Return one spelling per class (the most frequent), in the classes' order."""
    numeric = _numeric_labels(spellings)
    chosen: dict = {}
    for text, _ in sorted(spellings.items(), key=lambda item: (-item[1], item[0])):
        chosen.setdefault(_label_key(text, numeric), text)
    return [chosen[key] for key in sorted(chosen)]


def _text_as_numbers(values: pd.Series) -> np.ndarray | None:
    """Return text that is all numbers (no codes) as float64, else None."""
    words, blank = texts(values)
    parsed = parse_numbers(values)[~blank]
    if np.isnan(parsed).any() or any(is_code(word) for word in set(words[~blank])):
        return None
    return parsed


def _label_key(text: str, numeric: bool):
    """Return what a label is matched by: its number, or its text without spaces."""
    text = text.strip()
    return _finite_number(text) if numeric else text


def _numeric_labels(names) -> bool:
    """Whether every label is a number (and none a code such as "007")."""
    return all(
        _finite_number(name.strip()) is not None and not is_code(name) for name in names
    )


def _distinct_labels(names: list[str]) -> bool:
    numeric = _numeric_labels(names)
    return len({_label_key(name, numeric) for name in names}) == len(names)


def _finite_number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None
