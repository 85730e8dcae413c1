"""Per-sample weights for ``fit``: ``sample_weight`` times ``class_weight``."""

from __future__ import annotations

import numpy as np

from ._validation import check_sample_weight, check_weight_sum


def class_indices(loss, y: np.ndarray) -> np.ndarray | None:
    """Return each sample's class index, or None if the targets are not classes."""
    if not loss.is_classification:
        return None
    if y.ndim == 1:
        return y
    if loss.name == "categorical_crossentropy":
        return y.argmax(axis=1)
    if y.shape[1] == 1:
        return (y[:, 0] >= 0.5).astype(np.intp)
    return None  # independent yes/no outputs: no single class per sample


def _per_class(class_weight: dict, n_classes: int) -> np.ndarray:
    """Return the weight of each class from ``{class index: weight}`` (1 if absent)."""
    per_class = np.ones(n_classes)
    for label, weight in class_weight.items():
        if not isinstance(label, int | np.integer) or not label >= 0:
            raise ValueError(
                f"class_weight keys must be class indices 0, 1, ..., got {label!r}"
            )
        if not (
            isinstance(weight, int | float) and np.isfinite(weight) and weight >= 0
        ):
            raise ValueError(
                f"class_weight[{label}] must be a number >= 0, got {weight!r}"
            )
        if label < n_classes:
            per_class[label] = weight
    return per_class


def class_weights(class_weight, classes: np.ndarray | None, dtype) -> np.ndarray:
    """Turn ``class_weight`` ("balanced" or {class: weight}) into sample weights."""
    if classes is None:
        raise ValueError(
            "class_weight needs one class per sample: integer labels, one-hot rows or a"
            " single 0/1 output; pass sample_weight instead"
        )
    counts = np.bincount(classes)
    if class_weight == "balanced":
        present = counts > 0
        per_class = np.zeros(len(counts))
        per_class[present] = len(classes) / (present.sum() * counts[present])
    elif isinstance(class_weight, dict):
        per_class = _per_class(class_weight, len(counts))
    else:
        raise ValueError(
            f"class_weight must be 'balanced' or a dict of class index to weight,"
            f" got {class_weight!r}"
        )
    return per_class[classes].astype(dtype)


def merged_weights(
    sample_weight, class_weight, classes: np.ndarray | None, n_samples: int, dtype
) -> np.ndarray | None:
    """Return the checked sample weights times the class weights (None: no weights)."""
    weights = None
    if sample_weight is not None:
        weights = check_sample_weight(sample_weight, n_samples, dtype)
    if class_weight is not None:
        by_class = class_weights(class_weight, classes, dtype)
        with np.errstate(over="ignore"):  # an overflow is refused just below
            weights = by_class if weights is None else weights * by_class
        name = f"the sample weights from class_weight={class_weight!r}"
        check_weight_sum(weights, name=name)
    return weights
