"""Check analytic gradients against central finite differences.

Backpropagation is easy to get subtly wrong: a missing transpose, a ``1/n``
applied twice, a derivative taken of the wrong variable. A gradient check
compares each backward rule with the slope measured directly,

    df/dx_i  ~=  (f(x + eps e_i) - f(x - eps e_i)) / (2 eps),

one number at a time. This module holds the few functions the test suite uses,
kept public so that learners can check their own layers the same way.

Limits, honestly:

- It is slow: two calls of ``f`` per number checked. Use it on tiny arrays
  (a few dozen numbers), never on a real network during training.
- It needs float64 for a tight check: in float32 the difference
  ``f(x + eps) - f(x - eps)`` is swamped by rounding, and agreement better than
  about 1e-3 is out of reach whatever ``eps``.
- It checks one point at a time: agreement at the inputs you drew is evidence,
  not proof, that the backward rule is right everywhere.
- It measures the function, not its derivative's formula: at a kink (ReLU at
  0, a clipped probability) the two disagree legitimately, so draw inputs away
  from kinks and clips.
- Central differences are accurate to about ``eps**2`` (truncation) plus
  ``1e-16 * |f| / eps`` (rounding), smallest near ``eps = 1e-5``. So even for
  correct code, gradient entries below about ``1e-4 * |f|`` can show a large
  *relative* error: keep the checked quantities well scaled, or pass
  :func:`relative_error` a ``floor`` of that size.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "check_fused_loss",
    "check_layer",
    "check_loss",
    "numerical_gradient",
    "relative_error",
]


def numerical_gradient(
    f: Callable[[], float], array: np.ndarray, eps: float = 1e-6
) -> np.ndarray:
    """Estimate the gradient of a scalar function by central differences.

    Each entry of ``array`` is moved by ``+eps`` and ``-eps`` in place, ``f()``
    is called each time, and the entry is put back exactly as it was.

    Parameters
    ----------
    f : callable
        Takes no arguments and returns a float that depends on ``array``
        (for example ``lambda: loss.forward(layer.forward(X), y)``).
    array : ndarray of any shape
        The array to differentiate with respect to; perturbed in place, so it
        must be the very array ``f`` reads (a parameter view, not a copy).
    eps : float, default=1e-6
        Half the width of the difference step.

    Returns
    -------
    ndarray of float64, of the same shape as ``array``
        ``grad[i] = (f(array + eps e_i) - f(array - eps e_i)) / (2 eps)``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([1.0, -2.0])
    >>> np.round(numerical_gradient(lambda: float((x**3).sum()), x), 6)
    array([ 3., 12.])
    >>> x
    array([ 1., -2.])
    """
    grad = np.zeros(array.shape, dtype=np.float64)
    for index in np.ndindex(array.shape):
        original = array[index]
        try:
            array[index] = original + eps
            f_plus = f()
            array[index] = original - eps
            f_minus = f()
        finally:
            array[index] = original
        grad[index] = (f_plus - f_minus) / (2.0 * eps)
    return grad


def relative_error(a, b, *, floor: float = 1e-12) -> float:
    """Return the largest element-wise relative difference between two arrays.

    Parameters
    ----------
    a, b : array-like of the same shape
    floor : float, default=1e-12
        Smallest denominator. It keeps two zeros from dividing by zero; it also
        means that entries that should be 0 must come out within about
        ``1e-6 * floor`` of it to pass a 1e-6 check. Raise it (to the size of
        the finite-difference noise) when tiny entries are expected.

    Returns
    -------
    float
        ``max(|a - b| / max(floor, |a| + |b|))``: 0 for identical arrays, about
        1e-10 for a correct float64 gradient against finite differences, and of
        order one for a wrong one.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(
            f"relative_error: a and b must have the same shape, got {a.shape}"
            f" and {b.shape}"
        )
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(floor, np.abs(a) + np.abs(b))))


def check_layer(layer, inputs: np.ndarray, rng, eps: float = 1e-6) -> dict[str, float]:
    """Compare a layer's (or activation's) backward pass with finite differences.

    The scalar checked is ``sum(layer.forward(inputs) * g)`` for a random
    upstream gradient ``g``, whose gradient with respect to the outputs is
    exactly ``g``: so ``layer.backward(g)`` must return its gradient with
    respect to ``inputs``, and fill ``layer.grads`` (if the layer has any) with
    its gradients with respect to ``layer.params``.

    Parameters
    ----------
    layer : Layer or Activation
        Anything with ``forward(inputs)`` and ``backward(grad_output)``;
        ``params``/``grads`` dicts are checked when present.
    inputs : ndarray of shape (n_samples, n_inputs)
        float64, away from kinks (such as 0 for ReLU).
    rng : numpy.random.Generator
        Draws ``g``.
    eps : float, default=1e-6
        Finite-difference step.

    Returns
    -------
    dict of str to float
        The relative error (see :func:`relative_error`) of ``"inputs"`` and of
        every parameter name.
    """
    inputs = np.array(inputs, dtype=np.float64)  # a private copy we may perturb
    outputs = layer.forward(inputs)
    upstream = rng.standard_normal(outputs.shape)
    grad_inputs = np.array(layer.backward(upstream), copy=True)
    grads = {
        name: np.array(value, copy=True)
        for name, value in getattr(layer, "grads", {}).items()
    }

    def objective() -> float:
        return float(np.sum(layer.forward(inputs) * upstream))

    errors = {
        "inputs": relative_error(
            grad_inputs, numerical_gradient(objective, inputs, eps)
        )
    }
    for name, param in getattr(layer, "params", {}).items():
        errors[name] = relative_error(
            grads[name], numerical_gradient(objective, param, eps)
        )
    return errors


def check_loss(loss, outputs: np.ndarray, y, eps: float = 1e-6) -> float:
    """Compare ``loss.backward()`` with finite differences of ``loss.forward``.

    Parameters
    ----------
    loss : Loss
    outputs : ndarray of shape (n_samples, n_outputs)
        float64 network outputs, inside the loss's domain and away from its
        clips (probabilities well inside (0, 1) for the cross-entropies).
    y : ndarray of shape (n_samples, n_outputs) or (n_samples,)
        Targets, as ``Loss.check_targets`` returns them.
    eps : float, default=1e-6
        Finite-difference step.

    Returns
    -------
    float
        The relative error of dL/doutputs.
    """
    outputs = np.array(outputs, dtype=np.float64)
    loss.forward(outputs, y)
    analytic = np.array(loss.backward(), copy=True)
    numeric = numerical_gradient(lambda: loss.forward(outputs, y), outputs, eps)
    return relative_error(analytic, numeric)


def check_fused_loss(
    loss, activation, logits: np.ndarray, y, eps: float = 1e-6
) -> float:
    """Compare ``loss.backward_fused()`` with finite differences w.r.t. the logits.

    The fused path computes the loss of ``activation(logits)`` from the logits
    themselves, and returns dL/dlogits directly, skipping the activation's own
    backward rule.

    Parameters
    ----------
    loss : Loss
        A loss with a fused path (binary cross-entropy after a sigmoid,
        categorical cross-entropy after a softmax).
    activation : Activation
        The activation the loss fuses with.
    logits : ndarray of shape (n_samples, n_outputs)
        float64 pre-activations of the output layer.
    y : ndarray of shape (n_samples, n_outputs) or (n_samples,)
        Targets, as ``Loss.check_targets`` returns them.
    eps : float, default=1e-6
        Finite-difference step.

    Returns
    -------
    float
        The relative error of dL/dlogits.
    """
    logits = np.array(logits, dtype=np.float64)

    def objective() -> float:
        return loss.forward_fused(logits, activation.forward(logits), y)

    objective()
    analytic = np.array(loss.backward_fused(), copy=True)
    return relative_error(analytic, numerical_gradient(objective, logits, eps))
