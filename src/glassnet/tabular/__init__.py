"""Tables in, predictions out: what ``glassnet train``, ``predict`` and ``evaluate`` do.

A CSV or Parquet table becomes a matrix of numbers for the network (see
:class:`TabularPreprocessor`), and the network's outputs become labels again.
This package is the only one that imports pandas
(``pip install "glassnet[tabular]"``); the engine stays NumPy-only.

Modules: ``tables`` (files), ``encoders`` (one class per column encoding),
``target`` (the target column), ``preprocessor``, ``model`` (:class:`TabularModel`,
predict, evaluate), ``trainer`` (train), ``summary`` (the saved training
summary), ``settings`` (:class:`TrainSettings`).

Limits: the whole table is read into memory; dates in a CSV file are read as
text, so they are categories (or left out as identifiers), and Parquet's date
and time columns are left out; text is treated as categories (no free text);
a classifier always ends in a softmax over its classes, even for two.
"""

try:
    import pandas  # noqa: F401 - fail here, with how to install it
except ImportError:  # pragma: no cover - depends on the environment
    raise ImportError(
        "glassnet.tabular needs pandas: pip install 'glassnet[tabular]'"
    ) from None

from ..metrics import classification_metrics, regression_metrics
from ._cells import FALSE_WORDS, TRUE_WORDS
from .model import (
    TabularModel,
    evaluate,
    predict,
    prediction_columns,
    preprocessor_of,
)
from .preprocessor import TabularPreprocessor
from .settings import TrainSettings
from .summary import Summary, format_metrics
from .tables import read_table, write_table
from .target import MAX_AUTO_CLASSES, infer_task
from .trainer import train, train_model

__all__ = [
    "FALSE_WORDS",
    "MAX_AUTO_CLASSES",
    "TRUE_WORDS",
    "Summary",
    "TabularModel",
    "TabularPreprocessor",
    "TrainSettings",
    "classification_metrics",
    "evaluate",
    "format_metrics",
    "infer_task",
    "predict",
    "prediction_columns",
    "preprocessor_of",
    "read_table",
    "regression_metrics",
    "train",
    "train_model",
    "write_table",
]
