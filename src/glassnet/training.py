"""The training loop: epochs of full-batch or shuffled mini-batch steps.

``fit`` checks the data and options once, then runs each epoch:
``network.forward_backward`` and ``network.apply_update`` on each batch, then
the epoch's record (loss, metrics, validation) and the callbacks. Batches are
gathered with one vectorised take per batch; nothing loops over samples in
Python.
"""

from __future__ import annotations

import math

import numpy as np

from ._class_weights import class_indices, merged_weights
from ._interrupt import CtrlC
from ._numerics import quiet_numerics
from ._validation import check_positive_int, check_validation_data
from .callbacks import check_callbacks, recovered
from .history import (
    COMPLETED,
    INTERRUPTED,
    STOPPED_BY_CALLBACK,
    History,
    NonFiniteLossError,
    check_epoch_loss,
    check_validation_loss,
)
from .metrics import check_names, compute
from .progress import ProgressBar


def split_rows(
    n_rows: int, fraction: float, classes: np.ndarray | None, rng
) -> tuple[np.ndarray, np.ndarray]:
    """Return sorted (training rows, validation rows), stratified by ``classes``.

    ``fraction`` of each class (or of all rows, when ``classes`` is None) is
    drawn for validation; every class keeps at least one training row, so the
    validation part may be empty when there are too few rows.

    Parameters
    ----------
    n_rows : int
    fraction : float
        In [0, 1); 0 gives no validation rows.
    classes : ndarray of shape (n_rows,) or None
        Each row's class (any sortable labels), to stratify by.
    rng : numpy.random.Generator

    Returns
    -------
    train_rows, val_rows : ndarray of int
    """
    if fraction <= 0:
        return np.arange(n_rows), np.arange(0)
    if classes is None:
        n_val = min(round(fraction * n_rows), n_rows - 1)
        chosen = rng.permutation(n_rows)[:n_val]
    else:
        chosen = []
        for label in np.unique(classes):
            rows = rng.permutation(np.flatnonzero(classes == label))
            chosen.append(rows[: min(round(fraction * len(rows)), len(rows) - 1)])
        chosen = np.concatenate(chosen)
    chosen = np.sort(chosen).astype(np.intp)
    return np.setdiff1d(np.arange(n_rows), chosen), chosen


def fit(
    network,
    X,
    y,
    *,
    epochs: int = 1,
    batch_size: int | None = None,
    shuffle: bool = True,
    validation_data=None,
    validation_split: float = 0.0,
    sample_weight=None,
    class_weight=None,
    metrics=None,
    callbacks=None,
    verbose: int = 0,
    check_finite: bool = True,
) -> History:
    """Train the network (``Network.fit``; ``network`` is ``self``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_inputs)
    y : array-like of shape (n_samples, n_outputs) or (n_samples,)
        Targets; integer class labels or one-hot rows for a softmax classifier.
    epochs : int, default=1
        Passes over the data (a later ``fit`` continues, optimizer state too).
    batch_size : int or None, default=None
        Samples per step; None is the full batch (the tutorials' way).
    shuffle : bool, default=True
        Shuffle mini-batches each epoch with ``self.rng`` (never a full batch).
    validation_data : tuple (X_val, y_val) or (X_val, y_val, weights), optional
        Data to compute ``val_loss`` and validation metrics on after each epoch.
    validation_split : float, default=0.0
        Instead, hold out this fraction of ``X``, ``y`` (drawn with ``self.rng``,
        stratified by class for classifiers). Each ``fit`` call draws its own
        split: to resume training exactly, pass ``validation_data``.
    sample_weight : array-like of shape (n_samples,), optional
        Per-sample weights: the loss becomes ``sum(w * loss) / sum(w)``.
    class_weight : "balanced" or dict of class index to float, optional
        Weights per class (multiplied with ``sample_weight``); "balanced" is
        ``n_samples / (n_classes * count(class))``.
    metrics : None, "auto" or list of str, default=None
        Recorded per epoch on the training batches' outputs and (as ``val_*``)
        on the validation data: ``"accuracy"``, ``"log_loss"`` (classifiers),
        ``"mae"``, ``"rmse"``, ``"r2"``; None is "auto" with validation data.
    callbacks : list of Callback, optional
        Hooks called at each epoch and batch, such as ``EarlyStopping``.
    verbose : {0, 1, 2}, default=0
        0 is silent; 1 shows progress (a live bar on a terminal, else a line
        every few epochs); 2 prints a line per epoch.
    check_finite : bool, default=True
        False skips the scan of ``X`` for NaN, for callers that made it.

    Returns
    -------
    History
        ``self.history``: one record per epoch this network has trained.

    Raises
    ------
    ValueError
        If ``X`` or ``y`` is malformed or not finite, or an argument is off range.
    NonFiniteLossError
        (A ValueError too.) A loss became NaN or infinite; it says what to try.

    Notes
    -----
    Ctrl-C ends training cleanly after the current batch: ``fit`` returns
    with ``history.stop_reason == "interrupted"`` (a second Ctrl-C interrupts
    at once). Early stopping still restores its best weights (also on NaN).
    """
    X, y, _ = network.check_data(X, y, finite=check_finite)
    epochs = check_positive_int(epochs, name="epochs")
    X, y, weights, validation = _weigh_and_split(
        network, X, y, sample_weight, class_weight, validation_data, validation_split
    )
    metric_names = _metric_names(metrics, network.loss, validation is not None)
    batches = _Batches(X, y, weights, batch_size, shuffle)
    callbacks = _callbacks(callbacks, epochs, verbose)
    return _train(_Epoch(network, batches, validation, metric_names, callbacks), epochs)


def _split_validation(rng, n_samples: int, fraction: float, classes):
    """Return ``split_rows``'s two parts, or raise if the validation part is empty."""
    train_rows, val_rows = split_rows(n_samples, fraction, classes, rng)
    if len(val_rows) == 0:
        raise ValueError(
            f"validation_split={fraction} of {n_samples} samples leaves no"
            " validation or no training samples; use a fraction such as 0.2 or more"
        )
    return train_rows, val_rows


def _weigh_and_split(
    network, X, y, sample_weight, class_weight, validation_data, validation_split
):
    """Return the training part (X, y, weights) and the validation data or None.

    The weights are ``sample_weight`` times ``class_weight``. ``validation_data``
    is checked and used as given; ``validation_split`` draws its rows from ``X``
    with ``network.rng``, stratified by class for classifiers.
    """
    classes = class_indices(network.loss, y)
    weights = merged_weights(
        sample_weight, class_weight, classes, X.shape[0], network.dtype
    )
    if validation_data is not None and validation_split:
        raise ValueError("pass validation_data or validation_split, not both")
    if validation_data is not None:
        return X, y, weights, check_validation_data(network, validation_data)
    if not validation_split:
        return X, y, weights, None
    if not (isinstance(validation_split, float) and 0.0 < validation_split < 1.0):
        raise ValueError(
            f"validation_split must be a fraction in (0, 1), got {validation_split!r}"
        )
    n_samples = X.shape[0]
    train, rows = _split_validation(network.rng, n_samples, validation_split, classes)
    if weights is None:
        return X[train], y[train], None, (X[rows], y[rows], None)
    return X[train], y[train], weights[train], (X[rows], y[rows], weights[rows])


def _metric_names(metrics, loss, has_validation: bool) -> list[str]:
    """Return the checked metric names; None is "auto" with validation data."""
    if metrics is None:
        metrics = "auto" if has_validation else None
    return check_names(metrics, is_classification=loss.is_classification)


def _callbacks(callbacks, epochs: int, verbose: int) -> list:
    """Return the checked callbacks, with a progress bar last if ``verbose``."""
    callbacks = check_callbacks(callbacks)
    if verbose:
        callbacks.append(ProgressBar(epochs=epochs, verbose=verbose))
    return callbacks


class _Batches:
    """The training data cut into batches, in order or shuffled anew each epoch.

    Parameters
    ----------
    X, y, weights
        The checked training data (``weights`` may be None).
    batch_size : int or None
        None is the full batch; larger than the data is the full batch too.
    shuffle : bool
        Whether to shuffle mini-batches (a full batch never is: its gradient
        does not depend on the order).
    """

    def __init__(self, X, y, weights, batch_size, shuffle: bool) -> None:
        n_samples = X.shape[0]  # sparse X has no len()
        if batch_size is None:
            batch_size = n_samples
        self.size = min(check_positive_int(batch_size, name="batch_size"), n_samples)
        self.X, self.y, self.weights = X, y, weights
        self.n_samples = n_samples
        self.starts = range(0, n_samples, self.size)
        # A full batch is the same gradient in any order: keep the data as given.
        self.shuffle = shuffle and self.size < n_samples
        # Sparse X (SciPy CSR, from the estimators) is gathered by row indexing.
        self.sparse = not isinstance(X, np.ndarray)
        if self.shuffle:
            # Batches are gathered into these, not into new arrays each step.
            if not self.sparse:
                self._X_rows = np.empty((self.size, *X.shape[1:]), dtype=X.dtype)
            self._y_rows = np.empty((self.size, *y.shape[1:]), dtype=y.dtype)

    def new_order(self, rng) -> np.ndarray | None:
        """Return this epoch's order of the samples (None: as given)."""
        return rng.permutation(self.n_samples) if self.shuffle else None

    def take(self, start: int, order: np.ndarray | None) -> tuple:
        """Return the batch from ``start``: (X_batch, y_batch, weights or None)."""
        stop = start + self.size
        X, y, weights = self.X, self.y, self.weights
        if self.size == self.n_samples:
            return X, y, weights
        if order is None:
            w_batch = None if weights is None else weights[start:stop]
            return X[start:stop], y[start:stop], w_batch
        rows = order[start:stop]
        # NOTE: take writes into out= unbuffered only when mode is
        # not "raise"; the rows are a permutation, always in range.
        if self.sparse:
            X_batch = X[rows]
        else:
            X_batch = np.take(X, rows, 0, self._X_rows[: len(rows)], "clip")
        y_batch = np.take(y, rows, 0, self._y_rows[: len(rows)], "clip")
        return X_batch, y_batch, None if weights is None else weights.take(rows)

    def targets(self, order: np.ndarray | None) -> np.ndarray:
        """Return the targets in the epoch's order (for the training metrics)."""
        return self.y if order is None else self.y.take(order, axis=0)


class _Epoch:
    """One epoch of training: its batches, then its record and its callbacks."""

    def __init__(self, network, batches: _Batches, validation, metric_names, callbacks):
        self.network, self.batches, self.validation = network, batches, validation
        self.metric_names, self.callbacks = metric_names, callbacks
        self.mean = network.loss.reduction == "mean"
        # Looked up once: for tiny networks (the tutorials) a step is a few µs.
        self.calls = (batches.take, network.forward_backward, network.apply_update)
        # Outputs of every batch of an epoch, gathered only when metrics need them.
        self.outputs = (
            np.empty((batches.n_samples, network.n_outputs), dtype=network.dtype)
            if metric_names
            else None
        )

    def run(self, ctrl_c: CtrlC) -> None:
        """Train one epoch, record it in the history and call the callbacks."""
        network, callbacks = self.network, self.callbacks
        epoch = len(network.history.records)  # epochs_trained, without two calls
        for callback in callbacks:
            callback.on_epoch_begin(network, epoch)
        learning_rate = network.optimizer.learning_rate
        order = self.batches.new_order(network.rng) if self.batches.shuffle else None
        loss = self._train_batches(epoch, order, ctrl_c)
        if not math.isfinite(loss):
            check_epoch_loss(loss, epoch)
        record = {"epoch": epoch, "loss": loss, "learning_rate": learning_rate}
        if self.metric_names:
            y_epoch = self.batches.targets(order)
            record.update(self._metrics(y_epoch, self.outputs))
        if self.validation is not None:
            record.update(self._validation_record(epoch))
        network.history.records.append(record)
        for callback in callbacks:
            callback.on_epoch_end(network, epoch, record)

    def _train_batches(self, epoch: int, order, ctrl_c: CtrlC) -> float:
        """Take a step on every batch; return the epoch's loss (mean or sum)."""
        network, callbacks, outputs = self.network, self.callbacks, self.outputs
        take, step, update = self.calls
        total = total_weight = 0.0
        for batch, start in enumerate(self.batches.starts):
            X_batch, y_batch, w_batch = take(start, order)
            for callback in callbacks:
                callback.on_batch_begin(network, batch)
            try:
                loss = step(X_batch, y_batch, w_batch)
                update()
            except NonFiniteLossError as error:
                where = f"epoch {epoch + 1}, batch {batch + 1}"
                raise NonFiniteLossError(f"at {where}: {error}") from None
            if not self.mean:
                total += loss
            else:
                batch_weight = X_batch.shape[0] if w_batch is None else w_batch.sum()
                total += loss * batch_weight
                total_weight += batch_weight
            if outputs is not None:
                outputs[start : start + self.batches.size] = network.layers[-1].outputs
            for callback in callbacks:
                callback.on_batch_end(network, batch, {"loss": loss})
            if ctrl_c.pressed:
                raise KeyboardInterrupt
        return total / total_weight if self.mean else total

    def _metrics(self, y: np.ndarray, outputs: np.ndarray) -> dict[str, float]:
        return compute(self.metric_names, self.network.loss, y, outputs)

    def _validation_record(self, epoch: int) -> dict[str, float]:
        """Return ``val_loss`` and the ``val_`` metrics on the validation data."""
        X_val, y_val, w_val = self.validation
        val_loss, val_outputs = self.network.loss_and_outputs(X_val, y_val, w_val)
        check_validation_loss(val_loss, epoch)
        record = {"val_loss": val_loss}
        for name, value in self._metrics(y_val, val_outputs).items():
            record[f"val_{name}"] = value
        return record


def _train(epoch: _Epoch, epochs: int) -> History:
    """Run up to ``epochs`` epochs with the callbacks; return the history."""
    network, callbacks = epoch.network, epoch.callbacks
    history = network.history
    history.stop_reason, history.best_epoch = None, None
    network.stop_training = False
    for callback in callbacks:
        callback.on_train_begin(network)
    interrupted = False
    # NaN and overflow are caught through the loss after every step, with a
    # message that says what to do, instead of as NumPy warnings along the way.
    with quiet_numerics(), CtrlC() as ctrl_c:
        try:
            for _ in range(epochs):
                epoch.run(ctrl_c)
                if network.stop_training or ctrl_c.pressed:
                    break
        except KeyboardInterrupt:
            interrupted = True
        except NonFiniteLossError as error:
            if not recovered(callbacks, network, error):
                raise
    history.stop_reason = _stop_reason(
        network, callbacks, interrupted or ctrl_c.pressed
    )
    for callback in callbacks:
        callback.on_train_end(network, history)
    return history


def _stop_reason(network, callbacks, interrupted: bool) -> str:
    """Name why training ended: Ctrl-C, a callback's own reason, or none given."""
    if interrupted:
        return INTERRUPTED
    for callback in callbacks:
        if callback.stop_reason is not None:
            return callback.stop_reason
    return STOPPED_BY_CALLBACK if network.stop_training else COMPLETED
