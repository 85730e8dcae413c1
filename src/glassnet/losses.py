"""Loss functions: a value, its gradient, and the fused output-layer gradients.

Every loss reduces over samples with ``reduction="mean"`` (the default: the
1/n_samples is applied exactly once, in ``backward``) or ``"sum"``. With sample
weights ``w``, "mean" is the weighted average ``sum(w * loss) / sum(w)`` (as in
scikit-learn) and "sum" is ``sum(w * loss)``. Per sample,
squared errors and binary cross-entropy average over the outputs (as Keras
does); categorical cross-entropy sums over the classes.

Binary cross-entropy after a sigmoid and categorical cross-entropy after a
softmax are *fused*: the network asks the loss for dL/dz directly
(``(probabilities - y) / n``), which is cheaper and exact where the chained
derivatives would divide by probabilities that have rounded to 0 or 1, and the
value is computed from the logits, so it stays finite for any input.
"""

from __future__ import annotations

import numpy as np

from . import activations
from ._config import Configurable
from ._validation import check_array


class Loss(Configurable):
    """Base class: ``forward(outputs, y)`` returns the loss; ``backward()`` dL/doutputs.

    Parameters
    ----------
    reduction : {"mean", "sum"}, default="mean"
        How per-sample losses are combined.
    """

    name = "loss"
    #: Output activation whose derivative the loss can fold into its gradient.
    fused_activation: type[activations.Activation] | None = None
    #: Whether the network's targets are classes (``predict`` returns labels).
    is_classification = False

    def __init__(self, reduction: str = "mean") -> None:
        if reduction not in ("mean", "sum"):
            raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")
        self.reduction = reduction

    def _scale(self, n_samples: int, sample_weight: np.ndarray | None = None):
        """Return each sample's factor in the reduction: a float, or (n, 1) weights."""
        if sample_weight is None:
            return 1.0 / n_samples if self.reduction == "mean" else 1.0
        weights = sample_weight.reshape(-1, 1)
        return weights / weights.sum() if self.reduction == "mean" else weights

    @staticmethod
    def _scaled_sum(terms: np.ndarray, scale) -> float:
        """Return ``sum(scale * terms)``; a float scale takes the fast path."""
        if isinstance(scale, float):
            return float(terms.sum()) * scale
        return float((terms * scale).sum())

    def fuses_with(self, activation: activations.Activation) -> bool:
        """Return whether the fused value and gradient apply after ``activation``."""
        return self.fused_activation is not None and isinstance(
            activation, self.fused_activation
        )

    def check_targets(self, y, n_outputs: int, dtype) -> np.ndarray:
        """Validate ``y`` for a network with ``n_outputs`` outputs; return it converted.

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
        """
        y_array = check_array(y, name="y", dtype=dtype, ndim=np.ndim(y))
        if y_array.ndim == 1 and n_outputs == 1:
            y_array = y_array.reshape(-1, 1)
        if y_array.ndim != 2 or y_array.shape[1] != n_outputs:
            raise ValueError(
                f"y must have shape (n_samples, {n_outputs}) to match the network's"
                f" {n_outputs} output(s), got shape {np.shape(y)}"
            )
        return y_array

    def forward(self, outputs: np.ndarray, y: np.ndarray, sample_weight=None) -> float:
        """Return the loss of ``outputs`` (n_samples, n_outputs) against ``y``.

        ``sample_weight``, if given, is an ndarray of shape (n_samples,).
        """
        raise NotImplementedError

    def backward(self) -> np.ndarray:
        """Return dL/doutputs for the last ``forward`` call."""
        raise NotImplementedError

    def forward_fused(self, logits, outputs, y, sample_weight=None) -> float:
        """Return the loss computed from the output layer's pre-activations."""
        raise NotImplementedError

    def backward_fused(self) -> np.ndarray:
        """Return dL/dlogits for the last ``forward_fused`` call."""
        raise NotImplementedError


class MeanSquaredError(Loss):
    """Mean squared error: ``L = mean_samples(mean_outputs((outputs - y) ** 2))``."""

    name = "mse"

    def forward(self, outputs, y, sample_weight=None):
        self.diff = outputs - y
        n_samples, n_outputs = self.diff.shape
        self.scale = self._scale(n_samples, sample_weight)
        if sample_weight is None:
            squares = float(np.vdot(self.diff, self.diff))
            return squares * self.scale / n_outputs
        return self._scaled_sum(self.diff * self.diff, self.scale) / n_outputs

    def backward(self):
        return self.diff * (2.0 * self.scale / self.diff.shape[1])


class HalfSquaredError(Loss):
    """Half the squared error: ``0.5 * sum_outputs((outputs - y) ** 2)`` per sample.

    With ``reduction="sum"`` this is the tutorials' loss, "half the sum of
    squares", whose gradient is ``outputs - y``: gradient descent with step 1 on it
    is their ``syn += l.T @ delta`` exactly.
    """

    name = "half_squared_error"

    def forward(self, outputs, y, sample_weight=None):
        self.diff = outputs - y
        self.scale = self._scale(len(self.diff), sample_weight)
        if sample_weight is None:
            return 0.5 * float(np.vdot(self.diff, self.diff)) * self.scale
        return 0.5 * self._scaled_sum(self.diff * self.diff, self.scale)

    def backward(self):
        if self.reduction == "sum" and isinstance(self.scale, float):
            return self.diff  # exactly the tutorials' -(y - l2), no rounding
        return self.diff * self.scale


class BinaryCrossEntropy(Loss):
    """Binary cross-entropy: ``-(y log p + (1 - y) log(1 - p))``, mean over outputs.

    For one or several independent yes/no outputs (multilabel). Targets are in
    [0, 1]. After a sigmoid the value is computed from the logits as
    ``max(z, 0) - z y + log1p(exp(-|z|))`` and the gradient is fused.
    """

    name = "binary_crossentropy"
    fused_activation = activations.Sigmoid
    is_classification = True

    def check_targets(self, y, n_outputs, dtype):
        y_array = super().check_targets(y, n_outputs, dtype)
        if ((y_array < 0) | (y_array > 1)).any():
            raise ValueError(
                "y must hold values in [0, 1] (class labels 0/1) for binary"
                f" cross-entropy, got values from {y_array.min()} to {y_array.max()}"
            )
        return y_array

    def forward(self, outputs, y, sample_weight=None):
        eps = np.finfo(outputs.dtype).eps
        self.probs = np.clip(outputs, eps, 1 - eps)
        self.y = y
        self.scale = self._scale(len(y), sample_weight)
        losses = y * np.log(self.probs) + (1 - y) * np.log1p(-self.probs)
        return -self._scaled_sum(losses, self.scale) / y.shape[1]

    def backward(self):
        p, y = self.probs, self.y
        return (p - y) / (p * (1 - p)) * (self.scale / y.shape[1])

    def forward_fused(self, logits, outputs, y, sample_weight=None):
        self.probs, self.y = outputs, y
        self.scale = self._scale(len(y), sample_weight)
        losses = np.maximum(logits, 0) - logits * y + np.log1p(np.exp(-np.abs(logits)))
        return self._scaled_sum(losses, self.scale) / y.shape[1]

    def backward_fused(self):
        return (self.probs - self.y) * (self.scale / self.y.shape[1])


class CategoricalCrossEntropy(Loss):
    """Categorical cross-entropy: ``-sum_classes(y log p)`` per sample.

    Targets are either integer class labels of shape (n_samples,) in
    ``[0, n_classes)``, or one row per sample of shape (n_samples, n_classes)
    (one-hot or probabilities summing to 1). After a softmax the value comes
    from ``log_softmax(logits)`` and the gradient is fused:
    ``(softmax(z) - onehot(y)) / n_samples``.
    """

    name = "categorical_crossentropy"
    fused_activation = activations.Softmax
    is_classification = True

    def check_targets(self, y, n_outputs, dtype):
        if np.ndim(y) != 1:
            return super().check_targets(y, n_outputs, dtype)
        labels = check_array(y, name="y", dtype=np.float64, ndim=1)
        bad = (labels != np.round(labels)) | (labels < 0) | (labels >= n_outputs)
        if bad.any():
            first = int(np.argmax(bad))
            raise ValueError(
                f"y must hold integer class labels in [0, {n_outputs}) for a network"
                f" with {n_outputs} outputs, got {labels[first]:g} at row {first};"
                " encode classes as 0..n_classes-1"
            )
        return labels.astype(np.intp)

    def _rows(self, n_samples):
        return np.arange(n_samples)

    def _negative_log_likelihoods(self, log_probs, y):
        """Return -log p(true class) per sample, shape (n_samples, 1)."""
        if y.ndim == 1:
            return -log_probs[self._rows(len(y)), y].reshape(-1, 1)
        return -(y * log_probs).sum(axis=1, keepdims=True)

    def forward(self, outputs, y, sample_weight=None):
        eps = np.finfo(outputs.dtype).eps
        self.probs, self.y = np.clip(outputs, eps, 1.0), y
        self.scale = self._scale(len(y), sample_weight)
        losses = self._negative_log_likelihoods(np.log(self.probs), y)
        return self._scaled_sum(losses, self.scale)

    def backward(self):
        p, y = self.probs, self.y
        if y.ndim == 1:
            grad = np.zeros_like(p)
            rows = self._rows(len(y))
            grad[rows, y] = -1.0 / p[rows, y]
        else:
            grad = -y / p
        grad *= self.scale
        return grad

    def forward_fused(self, logits, outputs, y, sample_weight=None):
        self.probs, self.y = outputs, y
        self.scale = self._scale(len(y), sample_weight)
        if y.ndim == 1:
            picked = outputs[self._rows(len(y)), y]
            # The softmax is already computed: its log is exact enough unless a
            # probability underflowed, when log_softmax of the logits is needed.
            if picked.min() > np.finfo(picked.dtype).tiny:
                return self._scaled_sum(-np.log(picked).reshape(-1, 1), self.scale)
        losses = self._negative_log_likelihoods(activations.log_softmax(logits), y)
        return self._scaled_sum(losses, self.scale)

    def backward_fused(self):
        y = self.y
        if y.ndim == 1:
            grad = self.probs.copy()
            grad[self._rows(len(y)), y] -= 1.0
        else:
            grad = self.probs - y
        grad *= self.scale
        return grad


def _xlogy(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return ``x * log(y)``, taken as 0 where ``x == 0`` (scipy.special.xlogy)."""
    return x * np.log(np.where(x > 0, y, 1.0))


class Poisson(Loss):
    """Half the Poisson deviance: ``sum_outputs(y log(y / p) - y + p)`` per sample.

    For counts and rates ``y >= 0`` predicted by ``p > 0``, as scikit-learn's
    ``MLPRegressor(loss="poisson")``. After an ``exp`` output (the log link) the
    value comes from the logits, ``exp(z) - y z + y log(y) - y``, and the
    gradient is fused: ``(exp(z) - y) / n_samples``.
    """

    name = "poisson"
    fused_activation = activations.Exp

    def check_targets(self, y, n_outputs, dtype):
        y_array = super().check_targets(y, n_outputs, dtype)
        if (y_array < 0).any():
            raise ValueError(
                "y must hold values >= 0 (counts or rates) for the Poisson loss,"
                f" got values down to {y_array.min()}"
            )
        return y_array

    def forward(self, outputs, y, sample_weight=None):
        self.probs = np.maximum(outputs, np.finfo(outputs.dtype).tiny)  # p > 0
        self.y, self.scale = y, self._scale(len(y), sample_weight)
        deviance = _xlogy(y, y / self.probs) - y + self.probs
        return self._scaled_sum(deviance, self.scale)

    def backward(self):
        return (1.0 - self.y / self.probs) * self.scale

    def forward_fused(self, logits, outputs, y, sample_weight=None):
        self.probs, self.y = outputs, y
        self.scale = self._scale(len(y), sample_weight)
        deviance = outputs - y * logits + _xlogy(y, y) - y
        return self._scaled_sum(deviance, self.scale)

    def backward_fused(self):
        return (self.probs - self.y) * self.scale


_LOSSES = {
    cls.name: cls
    for cls in (
        MeanSquaredError,
        HalfSquaredError,
        BinaryCrossEntropy,
        CategoricalCrossEntropy,
        Poisson,
    )
}
_ALIASES = {"bce": "binary_crossentropy", "cce": "categorical_crossentropy"}


def get(loss) -> Loss:
    """Return a Loss instance for a name, or pass an instance through.

    Parameters
    ----------
    loss : str or Loss
        ``"mse"``, ``"half_squared_error"``, ``"binary_crossentropy"`` (``"bce"``),
        ``"categorical_crossentropy"`` (``"cce"``) or ``"poisson"``.
    """
    if isinstance(loss, Loss):
        return loss
    key = _ALIASES.get(loss, loss)
    try:
        return _LOSSES[key]()
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown loss {loss!r};"
            f" expected one of {sorted(_LOSSES) + sorted(_ALIASES)}"
        ) from None


def from_config(name: str, config: dict) -> Loss:
    """Rebuild a loss from its name and ``get_config()`` (for model files)."""
    return get(name).__class__(**config)
