"""One switch for NumPy's floating-point warnings where the loss reports trouble."""

from __future__ import annotations

import numpy as np


def quiet_numerics() -> np.errstate:
    """Return a context in which overflow, NaN and division by zero stay silent.

    Training, ``compute_loss`` and ``explain`` use it: a diverging step shows
    as a non-finite loss, with a message that says what to do, instead of as
    NumPy warnings along the way.
    """
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")
