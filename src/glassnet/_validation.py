"""Input checks that fail early, with one-line messages naming what was expected."""

from __future__ import annotations

import numbers

import numpy as np

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def check_dtype(dtype, *, name: str = "dtype") -> np.dtype:
    """Return ``dtype`` as a NumPy dtype, or raise if it is not float32/float64."""
    try:
        resolved = np.dtype(dtype)
    except TypeError:
        resolved = None
    # NOTE: np.dtype("float64") == None is True, so None needs its own test.
    if resolved is None or resolved not in FLOAT_DTYPES:
        raise ValueError(f"{name} must be 'float32' or 'float64', got {dtype!r}")
    return resolved


def check_number(value, name: str, *, low: float, inclusive: bool) -> float:
    """Return ``value`` as a finite float above ``low``, or raise a one-line error."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        number = float("nan")
    if not (np.isfinite(number) and (number >= low if inclusive else number > low)):
        bound = f">= {low:g}" if inclusive else f"> {low:g}"
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return number


def check_positive_int(value, *, name: str) -> int:
    """Return ``value`` if it is a positive integer (bools excluded), else raise."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_seed(seed, *, name: str = "seed"):
    """Return ``seed`` if it is None or an integer >= 0 (bools excluded), else raise."""
    if seed is None or (
        isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0
    ):
        return seed
    raise ValueError(
        f"{name} must be None or an integer >= 0, got {seed!r}; pass, say, seed=0"
    )


def _first_non_number(array: np.ndarray):
    """Return the first value that float() rejects, for error messages."""
    for value in array.ravel():
        try:
            float(value)
        except (TypeError, ValueError):
            return repr(str(value)) if isinstance(value, str | np.str_) else repr(value)
    return "a value that is not a number"


def check_same_length(X: np.ndarray, y: np.ndarray, *, names=("X", "y")) -> None:
    """Raise if ``X`` and ``y`` hold different numbers of samples."""
    if X.shape[0] != len(y):
        raise ValueError(
            f"{names[0]} and {names[1]} must have the same number of samples, got"
            f" {X.shape[0]} rows in {names[0]} and {len(y)} in {names[1]}"
        )


def _all_finite(array: np.ndarray, chunk: int = 1 << 18) -> bool:
    """Return whether every value is finite.

    A matrix's row sums come from BLAS on every core: NaN and infinity reach
    them, so finite sums (the common case) settle it in one fast pass. Only if
    a sum is not finite (a bad value, or an overflow of huge finite ones) is
    the matrix scanned exactly, a cache-sized chunk at a time, without the
    boolean array as large as the data that ``np.isfinite(array).all()`` builds.
    """
    if array.ndim == 2 and array.size > chunk:
        with np.errstate(over="ignore", invalid="ignore"):
            row_sums = array @ np.ones(array.shape[1], dtype=array.dtype)
        if np.isfinite(row_sums).all():
            return True
    flat = array.reshape(-1)
    return all(
        np.isfinite(flat[start : start + chunk]).all()
        for start in range(0, flat.size, chunk)
    )


def check_array(
    array,
    *,
    name: str = "X",
    dtype=np.float64,
    ndim: int = 2,
    n_columns: int | None = None,
    finite: bool = True,
) -> np.ndarray:
    """Return ``array`` as a C-contiguous array of ``dtype``, or raise a one-line error.

    Parameters
    ----------
    array : array-like
        What the user passed.
    name : str, default="X"
        The argument's name, used in error messages.
    dtype : numpy dtype, default=float64
        The dtype to convert to (no copy when it already matches).
    ndim : {1, 2}, default=2
        The required number of dimensions.
    n_columns : int or None, default=None
        The required number of columns (``ndim=2`` only).
    finite : bool, default=True
        Reject NaN and infinity.

    Returns
    -------
    ndarray of shape (n_samples,) or (n_samples, n_columns)

    Raises
    ------
    ValueError
        If the values are not numbers, the shape is wrong, the array is empty, or
        (with ``finite``) it holds NaN or infinity.
    """
    if is_sparse(array):
        return _check_sparse(array, name, dtype, n_columns, finite)
    shape_text = "(n_samples,)" if ndim == 1 else "(n_samples, n_features)"
    try:
        raw = np.asarray(array)
    except (TypeError, ValueError) as error:  # ragged nested lists
        raise ValueError(
            f"{name} must be a rectangular {ndim}-D array of numbers: {error}"
        ) from None
    if raw.dtype.kind not in "biuf":
        try:
            raw = raw.astype(dtype)
        except (TypeError, ValueError):
            raise ValueError(
                f"{name} must contain only numbers, got {_first_non_number(raw)!s}"
                f" (dtype {raw.dtype}); encode text as numbers first"
            ) from None
    if raw.ndim != ndim:
        raise ValueError(
            f"{name} must be a {ndim}-D array of shape {shape_text},"
            f" got shape {raw.shape}"
        )
    if raw.shape[0] == 0:
        raise ValueError(
            f"{name} is empty (shape {raw.shape}); pass at least one sample"
        )
    if n_columns is not None and raw.shape[1] != n_columns:
        raise ValueError(
            f"{name} has {raw.shape[1]} columns but {n_columns} are expected;"
            " pass the same columns the network was built for"
        )
    result = np.ascontiguousarray(raw, dtype=dtype)
    if finite and not _all_finite(result):
        bad = np.argwhere(~np.isfinite(result))
        count = len(bad)
        where = f"row {bad[0][0]}" + (
            f", column {bad[0][1]}" if result.ndim == 2 else ""
        )
        raise ValueError(
            f"{name} contains {count} NaN or infinite value(s), the first at {where};"
            " remove or impute them before training"
        )
    return result


def is_sparse(array) -> bool:
    """Return whether ``array`` is a SciPy sparse matrix or array.

    Duck typed, so that glassnet imports no SciPy: only the first layer sees
    sparse inputs, through ``X @ weights`` and ``X.T @ grad``.
    """
    return hasattr(array, "tocsr") and hasattr(array, "nnz")


def _check_sparse(array, name: str, dtype, n_columns: int | None, finite: bool):
    """Return a sparse ``array`` as CSR of ``dtype`` (rows slice cheaply), or raise."""
    rows = array.tocsr().astype(dtype, copy=False)
    if rows.ndim != 2 or rows.shape[0] == 0:
        raise ValueError(
            f"{name} must be a sparse matrix of shape (n_samples, n_features) with at"
            f" least one sample, got shape {rows.shape}"
        )
    if n_columns is not None and rows.shape[1] != n_columns:
        raise ValueError(
            f"{name} has {rows.shape[1]} columns but {n_columns} are expected;"
            " pass the same columns the network was built for"
        )
    if finite and not np.isfinite(rows.data).all():
        raise ValueError(
            f"{name} contains NaN or infinite values; remove or impute them"
            " before training"
        )
    return rows


def check_sample_weight(sample_weight, n_samples: int, dtype) -> np.ndarray:
    """Return ``sample_weight`` as a 1-D array of ``n_samples`` weights >= 0."""
    weights = check_array(sample_weight, name="sample_weight", dtype=dtype, ndim=1)
    if len(weights) != n_samples:
        raise ValueError(
            f"sample_weight must have one weight per sample ({n_samples}),"
            f" got {len(weights)}"
        )
    if (weights < 0).any():
        raise ValueError("sample_weight must be >= 0 with a positive sum")
    return check_weight_sum(weights, name="sample_weight")


def check_weight_sum(weights: np.ndarray, *, name: str) -> np.ndarray:
    """Return ``weights`` if their sum is positive and finite, else raise.

    A sum that overflows is refused, not rescaled: a weighted mean depends only
    on the weights' ratios, so the user can divide them, while glassnet
    rescaling them would change what they mean to a sum-reduced loss and to
    the estimators' L2 penalty (scikit-learn's alpha / sum of weights).
    """
    with np.errstate(over="ignore"):
        total = weights.sum()
    if not total > 0:
        raise ValueError(f"{name} must be >= 0 with a positive sum")
    if not np.isfinite(total):
        raise ValueError(
            f"{name} sums to {total}, an overflow of {weights.dtype}; divide the"
            " weights by their largest value (a weighted mean depends only on"
            " their ratios)"
        )
    return weights


def check_validation_data(network, validation_data) -> tuple:
    """Return ``fit``'s ``validation_data`` checked: (X_val, y_val, weights or None).

    ``network`` gives the dtype, the shapes and the loss that checks targets.
    """
    if not (
        isinstance(validation_data, tuple | list) and len(validation_data) in (2, 3)
    ):
        raise ValueError(
            "validation_data must be a tuple (X_val, y_val) or (X_val, y_val,"
            f" sample_weight_val), got {type(validation_data).__name__}"
        )
    dtype = network.dtype
    X_val = check_array(
        validation_data[0], name="X_val", dtype=dtype, n_columns=network.n_inputs
    )
    y_val = network.loss.check_targets(validation_data[1], network.n_outputs, dtype)
    check_same_length(X_val, y_val, names=("X_val", "y_val"))
    w_val = None
    if len(validation_data) == 3 and validation_data[2] is not None:
        w_val = check_sample_weight(validation_data[2], X_val.shape[0], dtype)
    return X_val, y_val, w_val


def one_line(error: BaseException) -> str:
    """Return an exception's message on one line, cut to 300 characters."""
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def is_int(value) -> bool:
    """Return whether ``value`` is exactly an int (as JSON integers are; not bool)."""
    return type(value) is int
