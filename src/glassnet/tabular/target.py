"""The target column: its task, its checks, and its values as the network learns them.

Classification targets become class indices (the classes sorted, whole
numbers as numbers); regression targets are standardised. Rows whose target
is missing are left out, here, for training, fitting and evaluation alike.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from ._cells import as_text, is_label, is_number, numbers, texts
from ._words import column_list, plural, quoted_list
from .encoders import check_saved
from .settings import TASKS

#: A numeric target with at most this many distinct whole numbers is a class label.
MAX_AUTO_CLASSES = 10


def infer_task(series: pd.Series) -> tuple[str, str]:
    """Return ``("classification" | "regression", reason)`` for a target column.

    Text, yes/no and booleans are classes; whole numbers with at most
    ``MAX_AUTO_CLASSES`` distinct values are classes; other numbers are a
    quantity to regress on. Missing values are ignored.
    """
    values = series.dropna()
    if len(values) == 0:
        raise ValueError(f"target {series.name!r} has no values")
    if pd.api.types.is_bool_dtype(series):
        return "classification", "it holds true/false values"
    if not pd.api.types.is_numeric_dtype(series):
        return "classification", "it holds text"
    values = values.to_numpy(dtype=np.float64)
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
    present = frame[target].notna().to_numpy()
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
        scale = float(values.std())
        if not scale > 0:
            raise ValueError(
                f"target {name!r} is {as_text(values[0])} in every row; there is"
                " nothing to learn"
            )
        if not np.isfinite(scale):
            raise ValueError(f"target {name!r} has values too large to learn from")
        return cls(name, task, mean=float(values.mean()), scale=scale)

    @property
    def n_outputs(self) -> int:
        """How many outputs the network needs: one per class, or one number."""
        return len(self.classes) if self.task == "classification" else 1

    @property
    def class_names(self) -> list[str]:
        """The class labels as text, as they appear in column names and messages."""
        return [as_text(label) for label in self.classes]

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
            index = {text: i for i, text in enumerate(self.class_names)}
            words, _ = texts(series)
            codes = np.array([index.get(word, -1) for word in words], dtype=np.intp)
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
                and len({as_text(value) for value in classes}) == len(classes),
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
    """Return the sorted class labels: numbers as numbers, else text."""
    name = series.name
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = np.unique(series.to_numpy(dtype=np.float64))
        classes = [
            int(value) if float(value).is_integer() else float(value)
            for value in values
        ]
    else:
        classes = sorted(set(texts(series)[0].tolist()))
    if len(classes) < 2:
        raise ValueError(
            f"target {name!r} has only one class ({as_text(classes[0])!r});"
            " a classifier needs at least two: check --target, or collect"
            " examples of the other outcomes"
        )
    return classes
