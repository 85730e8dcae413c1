"""Metrics: pure functions of targets and predictions, separate from the losses.

Classifiers: :func:`accuracy` and :func:`log_loss`. Regressors:
:func:`mean_absolute_error`, :func:`root_mean_squared_error` and :func:`r2_score`
(averaged over outputs, as scikit-learn's ``multioutput="uniform_average"``).
:func:`compute` computes them by name for a network's outputs.
"""

from __future__ import annotations

import numpy as np

CLASSIFICATION = ("accuracy", "log_loss")
REGRESSION = ("mae", "rmse", "r2")


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Return the fraction of samples whose every predicted label is right.

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    correct = y_true == y_pred
    if correct.ndim == 2:
        correct = correct.all(axis=1)
    return float(correct.mean())


def log_loss(
    y_true: np.ndarray, probabilities: np.ndarray, *, multiclass: bool | None = None
) -> float:
    """Return the mean negative log-likelihood of the targets.

    Parameters
    ----------
    y_true : ndarray of shape (n_samples,) of class indices, or (n_samples,
        n_outputs) of one-hot rows (multiclass) or 0/1 labels (independent outputs)
    probabilities : ndarray of shape (n_samples, n_outputs)
    multiclass : bool or None, default=None
        Whether the outputs are one softmax distribution (True) or independent
        sigmoids (False); None guesses True for class indices with several outputs.
    """
    eps = np.finfo(probabilities.dtype).eps
    p = np.clip(probabilities, eps, 1 - eps)
    y = np.asarray(y_true)
    if multiclass is None:
        multiclass = y.ndim == 1 and p.shape[1] > 1
    if multiclass and y.ndim == 1:
        return float(-np.log(p[np.arange(len(p)), y]).mean())
    if multiclass:
        return float(-(y * np.log(p)).sum(axis=1).mean())
    y = y.reshape(p.shape)
    return float(-(y * np.log(p) + (1 - y) * np.log1p(-p)).mean(axis=1).mean())


def mean_absolute_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Return ``mean(|y_true - y_pred|)`` over samples and outputs."""
    return float(np.mean(np.abs(np.asarray(y_true) - y_pred)))


def root_mean_squared_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Return the square root of the mean squared error, averaged over outputs."""
    squared = (np.asarray(y_true) - y_pred) ** 2
    return float(np.mean(np.sqrt(squared.reshape(len(squared), -1).mean(axis=0))))


def r2_score(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Return the coefficient of determination, averaged over outputs.

    ``1 - sum((y - y_pred)**2) / sum((y - mean(y))**2)`` per output; an output
    whose targets are constant scores 1 if predicted exactly, else 0 (as in
    scikit-learn).
    """
    y = np.asarray(y_true, dtype=np.float64).reshape(len(y_true), -1)
    y_pred = np.asarray(y_pred, dtype=np.float64).reshape(y.shape)
    residual = ((y - y_pred) ** 2).sum(axis=0)
    total = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
    scores = np.where(
        total > 0, 1 - residual / np.where(total > 0, total, 1), (residual == 0) * 1.0
    )
    return float(scores.mean())


_METRICS = {
    "accuracy": accuracy,
    "log_loss": log_loss,
    "mae": mean_absolute_error,
    "rmse": root_mean_squared_error,
    "r2": r2_score,
}


def check_names(names, *, is_classification: bool) -> list[str]:
    """Return metric names for a network: "auto" picks by task; check each name."""
    if names == "auto":
        return list(CLASSIFICATION if is_classification else REGRESSION)
    if names is None:
        return []
    if isinstance(names, str):
        names = [names]
    allowed = CLASSIFICATION if is_classification else REGRESSION
    for name in names:
        if name not in allowed:
            task = "a classifier" if is_classification else "a regressor"
            raise ValueError(
                f"unknown metric {name!r} for {task}; expected some of {list(allowed)}"
            )
    return list(names)


def compute(names, loss, y: np.ndarray, outputs: np.ndarray) -> dict[str, float]:
    """Compute the named metrics of a network's ``outputs`` against its targets.

    Parameters
    ----------
    names : list of str
        From :func:`check_names`.
    loss : Loss
        The network's loss: it says how outputs become labels.
    y : ndarray
        Targets as the loss checked them: class indices (n_samples,), or
        (n_samples, n_outputs).
    outputs : ndarray of shape (n_samples, n_outputs)
    """
    results = {}
    for name in names:
        if name == "log_loss":
            multiclass = loss.name == "categorical_crossentropy"
            results[name] = log_loss(y, outputs, multiclass=multiclass)
        elif name == "accuracy":
            if outputs.shape[1] > 1 and y.ndim == 1:
                results[name] = accuracy(y, outputs.argmax(axis=1))
            elif outputs.shape[1] > 1 and loss.name == "categorical_crossentropy":
                results[name] = accuracy(y.argmax(axis=1), outputs.argmax(axis=1))
            else:
                results[name] = accuracy(y >= 0.5, outputs >= 0.5)
        else:
            results[name] = _METRICS[name](y, outputs)
    return results


# -- reports of a table model: every metric at once, from labels ----------------


def classification_metrics(y_true, y_pred, n_classes: int | None = None) -> dict:
    """Return accuracy, per-class and macro precision/recall/F1, confusion matrix.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n_samples,)
        Class indices 0 .. n_classes - 1.
    n_classes : int or None, default=None
        None: one more than the largest index seen.

    Returns
    -------
    dict
        ``"accuracy"``; ``"precision"``, ``"recall"``, ``"f1"``, ``"support"``
        (lists, one per class); ``"macro_precision"``, ``"macro_recall"``,
        ``"macro_f1"`` (unweighted means over classes); ``"confusion_matrix"``
        (list of lists; row = true class, column = predicted).

    Notes
    -----
    precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2PR / (P + R),
    each 0 when its denominator is 0 (scikit-learn's ``zero_division=0``).
    """
    y_true = np.asarray(y_true, dtype=np.intp)
    y_pred = np.asarray(y_pred, dtype=np.intp)
    if n_classes is None:
        n_classes = int(max(y_true.max(initial=0), y_pred.max(initial=0))) + 1
    confusion = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(confusion, (y_true, y_pred), 1)
    true_positive = np.diag(confusion).astype(np.float64)
    predicted = confusion.sum(axis=0)
    actual = confusion.sum(axis=1)
    precision = _safe_divide(true_positive, predicted)
    recall = _safe_divide(true_positive, actual)
    f1 = _safe_divide(2 * precision * recall, precision + recall)
    return {
        "accuracy": float(true_positive.sum() / max(len(y_true), 1)),
        "precision": precision.tolist(),
        "recall": recall.tolist(),
        "f1": f1.tolist(),
        "support": actual.tolist(),
        "macro_precision": float(precision.mean()),
        "macro_recall": float(recall.mean()),
        "macro_f1": float(f1.mean()),
        "confusion_matrix": confusion.tolist(),
    }


def _safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Return ``numerator / denominator``, 0 where the denominator is 0."""
    denominator = np.asarray(denominator, dtype=np.float64)
    result = np.zeros_like(denominator)
    np.divide(numerator, denominator, out=result, where=denominator > 0)
    return result


def regression_metrics(y_true, y_pred) -> dict:
    """Return ``{"mae", "rmse", "r2"}`` for values of shape (n_samples,)."""
    y_true = np.asarray(y_true, dtype=np.float64).reshape(-1)
    y_pred = np.asarray(y_pred, dtype=np.float64).reshape(-1)
    # NOTE: huge values overflow to inf (and R^2 to NaN): that is the score,
    # shown as such, not a warning.
    with np.errstate(over="ignore", invalid="ignore"):
        return {
            "mae": mean_absolute_error(y_true, y_pred),
            "rmse": root_mean_squared_error(y_true, y_pred),
            "r2": r2_score(y_true, y_pred),
        }
