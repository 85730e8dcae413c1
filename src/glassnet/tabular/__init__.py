"""Tables in, predictions out: what ``glassnet train``, ``predict`` and ``evaluate`` do.

A CSV or Parquet table becomes a matrix of numbers for the network (see
:class:`TabularPreprocessor`), and the network's outputs become labels again.
This package is the only one that imports pandas
(``pip install "glassnet[tabular]"``); the engine stays NumPy-only.

Modules: ``tables`` (files), ``encoders`` (one class per column encoding),
``target`` (the target column), ``preprocessor``, ``model`` (:class:`TabularModel`,
predict, evaluate), ``trainer`` (train), ``summary`` (the saved training
summary), ``settings`` (:class:`TrainSettings`), ``importance`` (what matters:
permutation importance per column), ``attribution`` (why this prediction:
integrated gradients per column).

A CSV file's cells are read as text, exactly as written (``predict`` writes
them back unchanged; the model reads numbers out of them); only empty cells are
missing unless ``na_values`` names more.

Limits: the whole table is read into memory; dates in a CSV file are read as
text, so they are categories (or left out as identifiers), and Parquet's date
and time columns are left out; text is treated as categories (no free text);
a classifier always ends in a softmax over its classes, even for two.
"""

from __future__ import annotations

from .settings import TrainSettings as TrainSettings

#: The public names that need pandas, by module. They are imported on first
#: use, so that ``glassnet.tabular.settings`` (the command line's defaults)
#: loads without pandas, and a missing pandas is one clear error when a table
#: is touched.
_NEED_PANDAS = {
    "_cells": ("FALSE_WORDS", "TRUE_WORDS"),
    "attribution": ("Attribution", "integrated_gradients"),
    "importance": ("Importance", "permutation_importance"),
    "metrics": ("classification_metrics", "regression_metrics"),
    "model": (
        "TabularModel",
        "evaluate",
        "predict",
        "prediction_columns",
        "preprocessor_of",
    ),
    "preprocessor": ("TabularPreprocessor",),
    "summary": ("Summary", "format_metrics"),
    "tables": ("read_table", "write_table"),
    "target": ("MAX_AUTO_CLASSES", "infer_task"),
    "trainer": ("train", "train_model"),
}

__all__ = sorted(
    ["TrainSettings", *(n for names in _NEED_PANDAS.values() for n in names)]
)


def __getattr__(name: str):
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    try:
        import pandas  # noqa: F401 - fail here, with how to install it
    except ImportError:
        raise ImportError(
            "glassnet.tabular needs pandas: pip install 'glassnet[tabular]'"
        ) from None
    from .. import metrics
    from . import (
        _cells,
        attribution,
        importance,
        model,
        preprocessor,
        summary,
        tables,
        target,
        trainer,
    )

    modules = {
        "_cells": _cells,
        "attribution": attribution,
        "importance": importance,
        "metrics": metrics,
        "model": model,
        "preprocessor": preprocessor,
        "summary": summary,
        "tables": tables,
        "target": target,
        "trainer": trainer,
    }
    for module_name, names in _NEED_PANDAS.items():
        for public in names:
            globals()[public] = getattr(modules[module_name], public)
    return globals()[name]


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
