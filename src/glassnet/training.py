"""The training loop: epochs of full-batch or shuffled mini-batch steps.

``fit`` validates the data once, then runs ``network._train_step`` on each batch.
Batches are gathered with one vectorised take per batch; nothing loops over
samples in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import check_array, check_positive_int
from .callbacks import check_callbacks


@dataclass
class History:
    """Per-epoch record of a training run, as plain data.

    Attributes
    ----------
    loss : list of float
        Training loss of each epoch: the sample-weighted mean of its batch losses
        (their sum with ``reduction="sum"``), each measured before its update.
    """

    loss: list[float] = field(default_factory=list)

    @property
    def n_epochs(self) -> int:
        """Number of epochs run."""
        return len(self.loss)


class NonFiniteLossError(FloatingPointError):
    """The loss became NaN or infinite; the weights are left as they were."""


def fit(network, X, y, *, epochs=1, batch_size=None, shuffle=True, callbacks=None):
    """Train ``network`` on ``X`` and ``y``; see :meth:`glassnet.Network.fit`."""
    X = check_array(X, name="X", dtype=network.dtype, n_columns=network.n_inputs)
    y = network.loss.check_targets(y, network.n_outputs, network.dtype)
    if len(y) != len(X):
        raise ValueError(
            f"X and y must have the same number of samples, got {len(X)} rows in X"
            f" and {len(y)} in y"
        )
    epochs = check_positive_int(epochs, name="epochs")
    n_samples = len(X)
    if batch_size is None:
        batch_size = n_samples
    batch_size = min(check_positive_int(batch_size, name="batch_size"), n_samples)
    callbacks = check_callbacks(callbacks)
    mean = network.loss.reduction == "mean"
    # A full batch is the same gradient in any order: keep the data as given.
    shuffle = shuffle and batch_size < n_samples
    history = History()
    network.history = history
    network.stop_training = False
    batch_starts = range(0, n_samples, batch_size)
    for callback in callbacks:
        callback.on_train_begin(network)
    # NaN and overflow are caught through the loss after every step, with a
    # message that says what to do, instead of as NumPy warnings along the way.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for epoch in range(epochs):
            for callback in callbacks:
                callback.on_epoch_begin(network, epoch)
            order = network.rng.permutation(n_samples) if shuffle else None
            total = 0.0
            for batch, start in enumerate(batch_starts):
                if batch_size == n_samples:
                    X_batch, y_batch = X, y
                elif order is None:
                    X_batch = X[start : start + batch_size]
                    y_batch = y[start : start + batch_size]
                else:
                    rows = order[start : start + batch_size]
                    X_batch, y_batch = X.take(rows, axis=0), y.take(rows, axis=0)
                for callback in callbacks:
                    callback.on_batch_begin(network, batch)
                try:
                    loss = network._train_step(X_batch, y_batch)
                except NonFiniteLossError as error:
                    raise NonFiniteLossError(
                        f"loss became {error.args[0]} at epoch {epoch + 1}, batch"
                        f" {batch + 1}; training stopped with the weights of the step"
                        " before. Lower the learning rate or scale the inputs"
                        " (for example standardise X)"
                    ) from None
                total += loss * len(X_batch) if mean else loss
                for callback in callbacks:
                    callback.on_batch_end(network, batch, {"loss": loss})
            epoch_loss = total / n_samples if mean else total
            history.loss.append(epoch_loss)
            for callback in callbacks:
                callback.on_epoch_end(network, epoch, {"loss": epoch_loss})
            if network.stop_training:
                break
    for callback in callbacks:
        callback.on_train_end(network, history)
    return history
