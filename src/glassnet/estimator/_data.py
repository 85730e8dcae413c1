"""Data in, errors out: scikit-learn's checks of X and y, seeds, divergence.

``validated`` is scikit-learn's ``validate_data`` with its messages on one
line; it accepts SciPy sparse X (CSR or CSC, returned as CSR, whose rows
slice cheaply into batches), as ``MLPClassifier`` does.
"""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from .._validation import is_sparse
from ..history import NonFiniteLossError

#: The sparse formats accepted, as MLPClassifier's (CSC becomes CSR).
SPARSE = ["csr", "csc"]


def non_finite(error: NonFiniteLossError | None = None) -> NonFiniteLossError:
    """Return the error for training that diverged, in scikit-learn's words."""
    detail = "" if error is None else f" (glassnet: {error})"
    return NonFiniteLossError(
        "Solver produced non-finite parameter weights. The input data may contain"
        f" large values and need to be preprocessed.{detail}"
    )


#: scikit-learn's estimator checks assert this message verbatim, over several
#: lines (check_dataframe_column_names_consistency): it is kept as it is.
_FEATURE_NAMES = "The feature names should match those that were passed during fit."


def _reworded(message: str, name: str) -> str:
    """Return scikit-learn's message for bad data on one line (but one)."""
    if message.startswith(_FEATURE_NAMES) or not message.strip():
        return message
    first = message.strip().splitlines()[0]
    if "contains NaN" in first or "contains infinity" in first:
        if first.startswith("Input y"):
            return f"{first} Drop those rows, or fill in their targets"
        # In place of several lines about estimators that accept NaN.
        return (
            f"{first} {name} does not accept missing or infinite values: impute"
            " them (for example with sklearn.impute.SimpleImputer in a Pipeline)"
            " or drop those rows"
        )
    return " ".join(message.split())


def validated(estimator, X, *args, **kwargs):
    """Return scikit-learn's ``validate_data`` (sparse X as CSR), errors on one line."""
    try:
        checked = validate_data(estimator, X, *args, accept_sparse=SPARSE, **kwargs)
    except ValueError as error:
        message = _reworded(str(error), type(estimator).__name__)
        if message == str(error):
            raise
        raise ValueError(message) from None
    if isinstance(checked, tuple):
        X, y = checked
        return as_rows(X), y
    return as_rows(checked)


def as_rows(X):
    """Return sparse ``X`` as CSR (batches are rows); dense ``X`` as it is."""
    return X.tocsr() if is_sparse(X) else X


def seed(random_state) -> int | None:
    """Turn scikit-learn's ``random_state`` into a glassnet seed."""
    if random_state is None or (
        isinstance(random_state, numbers.Integral)
        and not isinstance(random_state, bool)
    ):
        return random_state if random_state is None else int(random_state)
    # A RandomState instance: each fit draws a new seed from it, as sklearn's do.
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


def _label_kind(label) -> str:
    if isinstance(label, str):
        return "str"
    if label is None:
        return "None"
    if isinstance(label, numbers.Number):
        return "number" if label == label else "NaN"
    return type(label).__name__


def check_label_types(y) -> None:
    """Raise if ``y``'s labels mix kinds (text, numbers, None, NaN): no sort order.

    Before scikit-learn's checks, whose messages (a TypeError from sorting, or
    "Input contains NaN") do not say that the labels are the trouble.
    """
    y = np.asarray(y)
    if y.dtype != object or all(isinstance(label, str) for label in y.flat):
        return
    kinds = sorted({_label_kind(label) for label in y.flat})
    if len(kinds) > 1:
        raise ValueError(
            f"y has labels of mixed types ({', '.join(kinds)}); use labels of one"
            " type, such as all strings (y.astype(str)), and drop or fill in the"
            " rows whose label is missing (None or NaN)"
        )
