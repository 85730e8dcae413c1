"""Activation functions: ``forward(z)`` and the ``backward`` rule that uses its cache.

Each activation's ``apply(z)`` is the pure function; ``forward(z)`` applies it
and caches what the backward rule needs (the outputs); ``backward(grad_output)``
then returns dL/dz. There is no
``deriv=True`` flag: the tutorials' ``nonlin(l1, deriv=True)`` is
``Sigmoid.backward``, which reads the cached outputs.

Both methods take an optional ``out`` array so that the training loop can reuse
buffers; without it they allocate and never modify their argument.
"""

from __future__ import annotations

import numpy as np

from ._config import Configurable

# Constants as 0-d arrays of each dtype: a ufunc takes them about twice as fast
# as Python floats, which matters on the tutorials' 4-row arrays (and a 0-d
# array of the other dtype would upcast float32).
_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_ONE = {dtype: np.array(1, dtype=dtype) for dtype in _FLOATS}


def _largest_exp_argument(dtype: np.dtype) -> np.ndarray:
    """Return the largest x of ``dtype`` whose exp is finite, as a 0-d array."""
    limit = np.log(np.finfo(dtype).max).astype(dtype)
    with np.errstate(over="ignore"):
        while not np.isfinite(np.exp(limit)):  # log(max) may round up in dtype
            limit = np.nextafter(limit, dtype.type(0))
    return np.array(limit, dtype=dtype)


_EXP_LIMIT = {dtype: _largest_exp_argument(dtype) for dtype in _FLOATS}


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Compute the logistic function ``1 / (1 + exp(-z))`` without overflow.

    The operations are the tutorials' own, in their order, so results match them
    bit for bit; ``-z`` is clamped at the largest argument ``exp`` accepts, which
    only changes outputs that are below the smallest normal float anyway.

    Parameters
    ----------
    z : ndarray of float32 or float64
    out : ndarray of the same shape and dtype, optional
        Where to write the result (may be ``z`` itself).

    Returns
    -------
    ndarray of the same shape as ``z``, with values in [0, 1]
    """
    # NOTE: out passed by position where NumPy allows it: a keyword costs more
    # than the arithmetic on the tutorials' 4-row arrays.
    out = np.negative(z, out)
    np.minimum(out, _EXP_LIMIT[out.dtype], out=out)
    np.exp(out, out)
    np.add(out, _ONE[out.dtype], out)
    return np.reciprocal(out, out)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """Return the row-wise log of softmax; subtracting the row max keeps exp() <= 1.

    Parameters
    ----------
    logits : ndarray of shape (n_samples, n_classes)

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
    """
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


class Activation(Configurable):
    """Base class: ``forward(z)`` caches ``outputs``; ``backward`` returns dL/dz.

    Attributes
    ----------
    outputs : ndarray or None
        The last forward pass's result, which ``backward`` reads.
    """

    name = "activation"

    def __init__(self) -> None:
        self.outputs: np.ndarray | None = None

    def apply(self, z: np.ndarray, *, out: np.ndarray | None = None) -> np.ndarray:
        """Return the activation of ``z``, keeping nothing (for prediction)."""
        raise NotImplementedError

    def forward(self, z: np.ndarray, *, out: np.ndarray | None = None) -> np.ndarray:
        """Apply the activation to ``z`` and cache the result for ``backward``."""
        self.outputs = self.apply(z, out=out)
        return self.outputs

    def backward(
        self, grad_output: np.ndarray, *, out: np.ndarray | None = None
    ) -> np.ndarray:
        """Turn dL/d(outputs) into dL/dz using the cached outputs.

        ``out``, when given, must not be ``grad_output`` itself.
        """
        raise NotImplementedError


class Identity(Activation):
    """Identity: ``a = z``; its backward passes the gradient through."""

    name = "identity"

    def apply(self, z, *, out=None):
        if out is not None and out is not z:
            np.copyto(out, z)
            return out
        return z

    def backward(self, grad_output, *, out=None):
        return grad_output


class Sigmoid(Activation):
    """Logistic sigmoid: ``a = 1 / (1 + exp(-z))``, with ``da/dz = a * (1 - a)``."""

    name = "sigmoid"

    def apply(self, z, *, out=None):
        return sigmoid(z, out)

    def forward(self, z, *, out=None):
        self.outputs = sigmoid(z, out)  # apply() written out: a call less per step
        return self.outputs

    def backward(self, grad_output, *, out=None):
        # NOTE: computed as grad * (a * (1 - a)), the tutorials' association, so
        # their deltas are reproduced bit for bit.
        a = self.outputs
        slope = np.subtract(_ONE[a.dtype], a, out)
        slope *= a
        return np.multiply(grad_output, slope, slope)


class Tanh(Activation):
    """Hyperbolic tangent: ``a = tanh(z)``, with ``da/dz = 1 - a**2``."""

    name = "tanh"

    def apply(self, z, *, out=None):
        return np.tanh(z, out=out)

    def backward(self, grad_output, *, out=None):
        a = self.outputs
        slope = np.multiply(a, a, out=out)
        np.subtract(_ONE[a.dtype], slope, out=slope)
        return np.multiply(grad_output, slope, out=slope)


class ReLU(Activation):
    """Rectified linear unit: ``a = max(z, 0)``.

    NOTE: the derivative at exactly 0 is taken as 0, as in PyTorch and scikit-learn.
    """

    name = "relu"

    def apply(self, z, *, out=None):
        return np.maximum(z, 0.0, out=out)

    def backward(self, grad_output, *, out=None):
        # Multiplying by the boolean mask is several times faster than masked
        # assignment (grad[a <= 0] = 0) at batch-128 shapes.
        return np.multiply(grad_output, self.outputs > 0, out=out)


class LeakyReLU(Activation):
    """Leaky ReLU: ``a = z`` where ``z > 0``, else ``alpha * z``.

    Parameters
    ----------
    alpha : float, default=0.01
        Slope for negative inputs, in (0, 1).
    """

    name = "leaky_relu"

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        if not 0.0 < alpha < 1.0:
            raise ValueError(f"LeakyReLU: alpha must be in (0, 1), got {alpha!r}")
        self.alpha = float(alpha)

    def apply(self, z, *, out=None):
        # max(z, alpha * z) is z for z > 0 and alpha * z otherwise when 0 < alpha < 1.
        return np.maximum(z, self.alpha * z, out=out)

    def backward(self, grad_output, *, out=None):
        slope = np.where(self.outputs > 0, 1.0, self.alpha).astype(grad_output.dtype)
        return np.multiply(grad_output, slope, out=out)


class Exp(Activation):
    """Exponential: ``a = exp(z)``, ``da/dz = a``: the inverse log link (Poisson).

    NOTE: not clamped: an overflow shows as an infinite loss, which training
    reports, rather than as a wrong finite prediction.
    """

    name = "exp"

    def apply(self, z, *, out=None):
        return np.exp(z, out=out)

    def backward(self, grad_output, *, out=None):
        return np.multiply(grad_output, self.outputs, out=out)


class Softmax(Activation):
    """Row-wise softmax: ``a_ij = exp(z_ij) / sum_k exp(z_ik)``, stable for any z.

    Its backward is the full Jacobian-vector product; paired with categorical
    cross-entropy the network uses the loss's fused gradient instead.
    """

    name = "softmax"

    def apply(self, z, *, out=None):
        a = np.subtract(z, z.max(axis=1, keepdims=True), out=out)
        np.exp(a, out=a)
        a /= a.sum(axis=1, keepdims=True)
        return a

    def backward(self, grad_output, *, out=None):
        # dL/dz_i = a_i * (g_i - sum_k g_k a_k), row by row, vectorised.
        a = self.outputs
        dot = np.einsum("ij,ij->i", grad_output, a)[:, None]
        grad = np.subtract(grad_output, dot, out=out)
        grad *= a
        return grad


_ACTIVATIONS = {
    cls.name: cls for cls in (Identity, Sigmoid, Tanh, ReLU, LeakyReLU, Exp, Softmax)
}
_ALIASES = {"linear": "identity", None: "identity"}


def get(activation) -> Activation:
    """Return an Activation instance for a name, or pass an instance through.

    Parameters
    ----------
    activation : str or Activation or None
        One of ``"identity"`` (also ``"linear"`` or None), ``"sigmoid"``,
        ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"exp"``, ``"softmax"``.

    Raises
    ------
    ValueError
        If the name is unknown.
    """
    if isinstance(activation, Activation):
        return activation
    key = _ALIASES.get(activation, activation)
    try:
        return _ACTIVATIONS[key]()
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown activation {activation!r}; expected one of {sorted(_ACTIVATIONS)}"
        ) from None


def from_config(name: str, config: dict):
    """Rebuild an activation from its name and ``get_config()`` (for model files)."""
    return type(get(name))(**config)
