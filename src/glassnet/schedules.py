"""Learning-rate schedules: functions of the epoch, for ``LearningRateScheduler``.

Each returns a callable ``schedule(epoch) -> learning_rate``; epochs count from 0.
For a rate that follows the validation loss instead, see
:class:`~glassnet.callbacks.ReduceLROnPlateau`.
"""

from __future__ import annotations

import math
from collections.abc import Callable


def _check_rate(value: float, name: str) -> float:
    if not (isinstance(value, int | float) and 0 < value < float("inf")):
        raise ValueError(f"{name} must be a positive number, got {value!r}")
    return float(value)


def constant(learning_rate: float) -> Callable[[int], float]:
    """Return a schedule that keeps ``learning_rate`` every epoch."""
    learning_rate = _check_rate(learning_rate, "learning_rate")
    return lambda epoch: learning_rate


def step_decay(
    initial: float, factor: float = 0.5, every: int = 10
) -> Callable[[int], float]:
    """Return ``initial * factor ** (epoch // every)``: a drop every ``every`` epochs.

    Examples
    --------
    >>> schedule = step_decay(0.1, factor=0.5, every=10)
    >>> [schedule(epoch) for epoch in (0, 9, 10, 25)]
    [0.1, 0.1, 0.05, 0.025]
    """
    initial = _check_rate(initial, "initial")
    if not 0 < factor <= 1:
        raise ValueError(f"factor must be in (0, 1], got {factor!r}")
    if isinstance(every, bool) or not isinstance(every, int) or every < 1:
        raise ValueError(f"every must be a positive integer, got {every!r}")
    return lambda epoch: initial * factor ** (epoch // every)


def exponential_decay(initial: float, rate: float = 0.96) -> Callable[[int], float]:
    """Return ``initial * rate ** epoch``: a smooth decay by ``rate`` per epoch.

    Examples
    --------
    >>> schedule = exponential_decay(1.0, rate=0.5)
    >>> [schedule(epoch) for epoch in range(4)]
    [1.0, 0.5, 0.25, 0.125]
    """
    initial = _check_rate(initial, "initial")
    if not 0 < rate <= 1:
        raise ValueError(f"rate must be in (0, 1], got {rate!r}")
    return lambda epoch: initial * rate**epoch


def warmup_cosine(
    peak: float, epochs: int, warmup: int = 3, floor: float = 1e-3
) -> Callable[[int], float]:
    """Return a linear warm-up to ``peak``, then a cosine decay over ``epochs``.

    During the first ``warmup`` epochs the rate climbs ``peak / (warmup + 1)``,
    ``2 peak / (warmup + 1)``...: large first steps from random weights are
    what warm-up avoids. Then it follows half a cosine from ``peak`` down to
    ``floor * peak`` at the last epoch, so training ends with small, careful
    steps (Loshchilov & Hutter, "SGDR", ICLR 2017). Epochs past ``epochs``
    keep the floor.

    Parameters
    ----------
    peak : float
        The largest rate, reached after the warm-up.
    epochs : int
        The epochs the schedule spans (the most a fit trains).
    warmup : int, default=3
    floor : float, default=1e-3
        The last rate as a fraction of ``peak``.

    Examples
    --------
    >>> schedule = warmup_cosine(0.01, epochs=12, warmup=1)
    >>> [round(schedule(epoch), 5) for epoch in (0, 1, 6, 11, 50)]
    [0.005, 0.01, 0.005, 1e-05, 1e-05]
    """
    peak = _check_rate(peak, "peak")
    for name, value in (("epochs", epochs), ("warmup", warmup)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{name} must be a whole number >= 0, got {value!r}")
    if not 0 < floor <= 1:
        raise ValueError(f"floor must be in (0, 1], got {floor!r}")
    decay_epochs = max(1, epochs - 1 - warmup)

    def schedule(epoch: int) -> float:
        if epoch < warmup:
            return peak * (epoch + 1) / (warmup + 1)
        progress = min(1.0, (epoch - warmup) / decay_epochs)
        return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))

    return schedule
