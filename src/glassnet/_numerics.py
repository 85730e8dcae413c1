"""Floating-point trouble, said once: quiet NumPy where a check reports it instead.

``quiet_numerics()`` silences NumPy's warnings where training's loss (or the
outputs' check, ``check_outputs``) says what went wrong in one line.
"""

from __future__ import annotations

import numpy as np


def quiet_numerics() -> np.errstate:
    """Return a context in which overflow, NaN and division by zero stay silent.

    Training, ``compute_loss`` and ``explain`` use it: a diverging step shows
    as a non-finite loss, with a message that says what to do, instead of as
    NumPy warnings along the way.
    """
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")


class NonFiniteOutputError(ValueError):
    """The network's outputs for some row are NaN or infinite (nothing to predict)."""


def check_outputs(outputs: np.ndarray, parameters: np.ndarray, start: int = 0):
    """Return ``outputs`` if every value is finite, else raise a one-line error.

    One ``np.isfinite`` pass over a block of outputs; the weights
    (``parameters``, the flat buffer) are looked at only to say why.
    ``start`` is the block's first row in ``X``.
    """
    if np.isfinite(outputs).all():
        return outputs
    row = start + int(np.argmin(np.isfinite(outputs).all(axis=1)))
    if not np.isfinite(parameters).all():
        why = (
            "the network's weights are not finite; reload the model, or train it"
            " again with a lower learning rate or scaled inputs"
        )
    else:
        why = (
            "X's values times the weights overflow; scale X as the training data"
            " was (for example with the same standardisation), or, if the weights"
            " are huge after a fit that diverged, train again with a lower"
            " learning rate"
        )
    raise NonFiniteOutputError(
        f"the network's outputs are NaN or infinite, first for row {row} of X:"
        f" {why}. Nothing was predicted"
    )
