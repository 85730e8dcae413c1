"""Weight initializers: functions ``(shape, rng) -> ndarray of float64``.

``rng`` is a :class:`numpy.random.Generator` (the default everywhere) or, to
reproduce the tutorials, a legacy :class:`numpy.random.RandomState` drawn in the
tutorials' order. Values are drawn in float64 and cast by the layer, so a
float32 and a float64 network built from the same seed start from the same
numbers, rounded.
"""

from __future__ import annotations

import numbers

import numpy as np

Rng = np.random.Generator | np.random.RandomState


def as_rng(rng) -> Rng:
    """Return a Generator for an int seed or None; pass Generators and RandomStates."""
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise ValueError(
        "rng must be an int seed, None, a numpy.random.Generator or a"
        f" numpy.random.RandomState, got {rng!r}"
    )


def tutorial_uniform(shape: tuple[int, int], rng: Rng) -> np.ndarray:
    """Draw the tutorials' ``2 * random(shape) - 1``: uniform on [-1, 1).

    With ``rng=np.random.RandomState(1)`` this is exactly
    ``np.random.seed(1); 2 * np.random.random(shape) - 1``.
    """
    if isinstance(rng, np.random.RandomState):
        return 2 * rng.random_sample(shape) - 1
    return 2 * rng.random(shape) - 1


def glorot_uniform(shape: tuple[int, int], rng: Rng) -> np.ndarray:
    """Draw uniform on ``[-limit, limit]``, ``limit = sqrt(6 / (fan_in + fan_out))``.

    References
    ----------
    Glorot & Bengio, "Understanding the difficulty of training deep feedforward
    neural networks", AISTATS 2010.
    """
    fan_in, fan_out = shape
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape)


def he_uniform(shape: tuple[int, int], rng: Rng) -> np.ndarray:
    """Draw uniform on ``[-limit, limit]``, ``limit = sqrt(6 / fan_in)`` (for ReLU).

    References
    ----------
    He et al., "Delving Deep into Rectifiers", ICCV 2015.
    """
    limit = np.sqrt(6.0 / shape[0])
    return rng.uniform(-limit, limit, size=shape)


def he_normal(shape: tuple[int, int], rng: Rng) -> np.ndarray:
    """Draw normal with mean 0 and standard deviation ``sqrt(2 / fan_in)`` (for ReLU).

    References
    ----------
    He et al., "Delving Deep into Rectifiers", ICCV 2015.
    """
    return rng.normal(0.0, np.sqrt(2.0 / shape[0]), size=shape)


def zeros(shape: tuple[int, int], rng: Rng) -> np.ndarray:
    """Return zeros (useful to check a network by hand; it cannot break symmetry)."""
    return np.zeros(shape)


_INITIALIZERS = {
    "tutorial": tutorial_uniform,
    "glorot_uniform": glorot_uniform,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "zeros": zeros,
}


def get(name: str, activation_name: str = "identity"):
    """Return the initializer function for ``name``.

    ``"auto"`` picks He (uniform) for ReLU-like activations and Glorot (uniform)
    for the others.
    """
    if name == "auto":
        name = (
            "he_uniform"
            if activation_name in ("relu", "leaky_relu")
            else "glorot_uniform"
        )
    try:
        return _INITIALIZERS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown init {name!r}; expected 'auto' or one of {sorted(_INITIALIZERS)}"
        ) from None
