"""The training loop: epochs of full-batch or shuffled mini-batch steps.

``fit`` validates the data once, then runs ``network.forward_backward`` and
``network.apply_update`` on each batch.
Batches are gathered with one vectorised take per batch; nothing loops over
samples in Python.
"""

from __future__ import annotations

import signal
import threading

import numpy as np

from ._validation import (
    check_array,
    check_positive_int,
    check_same_length,
    check_sample_weight,
)
from .callbacks import check_callbacks
from .history import History, NonFiniteLossError


def _class_indices(loss, y: np.ndarray) -> np.ndarray | None:
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


def _class_weights(class_weight, classes: np.ndarray | None, dtype) -> np.ndarray:
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
        per_class = np.ones(len(counts))
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
            if label < len(per_class):
                per_class[label] = weight
    else:
        raise ValueError(
            f"class_weight must be 'balanced' or a dict of class index to weight,"
            f" got {class_weight!r}"
        )
    return per_class[classes].astype(dtype)


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


def _split_validation(rng, n_samples: int, fraction: float, classes):
    """Return ``split_rows``'s two parts, or raise if the validation part is empty."""
    train_rows, val_rows = split_rows(n_samples, fraction, classes, rng)
    if len(val_rows) == 0:
        raise ValueError(
            f"validation_split={fraction} of {n_samples} samples leaves no"
            " validation or no training samples; use a fraction such as 0.2 or more"
        )
    return train_rows, val_rows


class _CtrlC:
    """Turn the first Ctrl-C during ``fit`` into a request to stop after the batch.

    A second Ctrl-C interrupts at once. Outside the main thread (where Python
    delivers signals) it does nothing and KeyboardInterrupt arrives as usual.
    """

    def __init__(self) -> None:
        self.pressed = False
        self._previous = None

    def _handle(self, signum, frame) -> None:
        self.pressed = True
        signal.signal(signal.SIGINT, self._previous)

    def __enter__(self) -> _CtrlC:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._previous is not None and not self.pressed:
            signal.signal(signal.SIGINT, self._previous)


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
) -> History:
    """Train the network (``Network.fit``; ``network`` is ``self``).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_inputs)
    y : array-like of shape (n_samples, n_outputs) or (n_samples,)
        Targets; for ``"categorical_crossentropy"``, integer class labels of
        shape (n_samples,) or one-hot rows.
    epochs : int, default=1
        Passes over the data (more, after earlier ``fit`` calls: training
        continues where it stopped, optimizer state included).
    batch_size : int or None, default=None
        Samples per step; None is the full batch (the tutorials' way).
    shuffle : bool, default=True
        Shuffle mini-batches each epoch with ``self.rng`` (a full batch is
        never shuffled: its gradient does not depend on the order).
    validation_data : tuple (X_val, y_val) or (X_val, y_val, weights), optional
        Data to compute ``val_loss`` and validation metrics on after each epoch.
    validation_split : float, default=0.0
        Instead, hold out this fraction of ``X``, ``y`` (drawn with
        ``self.rng``; stratified by class for classifiers). Each ``fit`` call
        draws its own split: to resume training exactly, pass
        ``validation_data`` instead.
    sample_weight : array-like of shape (n_samples,), optional
        Per-sample weights: the loss becomes ``sum(w * loss) / sum(w)``.
    class_weight : "balanced" or dict of class index to float, optional
        Weights per class (multiplied with ``sample_weight``); "balanced" is
        ``n_samples / (n_classes * count(class))``.
    metrics : None, "auto" or list of str, default=None
        Metrics recorded per epoch, on the training batches' outputs and (as
        ``val_*``) on the validation data: ``"accuracy"``, ``"log_loss"`` for
        classifiers; ``"mae"``, ``"rmse"``, ``"r2"`` for regressors. None means
        "auto" when there is validation data, else none.
    callbacks : list of Callback, optional
        Hooks called at each epoch and batch, such as
        :class:`~glassnet.callbacks.EarlyStopping`.
    verbose : {0, 1, 2}, default=0
        0 is silent; 1 shows progress (a live bar on a terminal, a line every
        few epochs otherwise); 2 prints a line per epoch.

    Returns
    -------
    History
        ``self.history``: one record per epoch this network has trained.

    Raises
    ------
    ValueError
        If ``X`` or ``y`` has the wrong shape, holds NaN or infinity, or
        an argument is out of range.
    FloatingPointError
        If the loss becomes NaN or infinite (the message says what to try).

    Notes
    -----
    Ctrl-C ends training cleanly after the current batch: ``fit`` returns
    with ``history.stop_reason == "interrupted"`` (a second Ctrl-C interrupts
    at once). Early stopping still restores its best weights.
    """
    from . import metrics as metrics_module
    from .progress import ProgressBar

    loss_fn, dtype = network.loss, network.dtype
    X = check_array(X, name="X", dtype=dtype, n_columns=network.n_inputs)
    y = loss_fn.check_targets(y, network.n_outputs, dtype)
    check_same_length(X, y)
    epochs = check_positive_int(epochs, name="epochs")
    classes = _class_indices(loss_fn, y)
    weights = None
    if sample_weight is not None:
        weights = check_sample_weight(sample_weight, len(X), dtype)
    if class_weight is not None:
        by_class = _class_weights(class_weight, classes, dtype)
        weights = by_class if weights is None else weights * by_class

    validation = None
    if validation_data is not None and validation_split:
        raise ValueError("pass validation_data or validation_split, not both")
    if validation_data is not None:
        if not isinstance(validation_data, tuple | list) or len(
            validation_data
        ) not in (2, 3):
            raise ValueError(
                "validation_data must be a tuple (X_val, y_val) or (X_val, y_val,"
                f" sample_weight_val), got {type(validation_data).__name__}"
            )
        X_val = check_array(
            validation_data[0], name="X_val", dtype=dtype, n_columns=network.n_inputs
        )
        y_val = loss_fn.check_targets(validation_data[1], network.n_outputs, dtype)
        check_same_length(X_val, y_val, names=("X_val", "y_val"))
        w_val = None
        if len(validation_data) == 3 and validation_data[2] is not None:
            w_val = check_sample_weight(validation_data[2], len(X_val), dtype)
        validation = (X_val, y_val, w_val)
    elif validation_split:
        if not (isinstance(validation_split, float) and 0.0 < validation_split < 1.0):
            raise ValueError(
                "validation_split must be a fraction in (0, 1),"
                f" got {validation_split!r}"
            )
        train, rows = _split_validation(network.rng, len(X), validation_split, classes)
        w_val = None if weights is None else weights[rows]
        validation = (X[rows], y[rows], w_val)
        X, y = X[train], y[train]
        weights = None if weights is None else weights[train]

    if metrics is None:
        metrics = "auto" if validation is not None else None
    metric_names = metrics_module.check_names(
        metrics, is_classification=loss_fn.is_classification
    )
    n_samples = len(X)
    if batch_size is None:
        batch_size = n_samples
    batch_size = min(check_positive_int(batch_size, name="batch_size"), n_samples)
    callbacks = check_callbacks(callbacks)
    if verbose:
        callbacks.append(ProgressBar(epochs=epochs, verbose=verbose))
    mean = loss_fn.reduction == "mean"
    # A full batch is the same gradient in any order: keep the data as given.
    shuffle = shuffle and batch_size < n_samples
    batch_starts = range(0, n_samples, batch_size)
    if shuffle:  # batches are gathered into these, not into new arrays each step
        X_rows = np.empty((batch_size, *X.shape[1:]), dtype=X.dtype)
        y_rows = np.empty((batch_size, *y.shape[1:]), dtype=y.dtype)
    # Outputs of every batch of an epoch, gathered only when metrics need them.
    epoch_outputs = (
        np.empty((n_samples, network.n_outputs), dtype=dtype) if metric_names else None
    )
    history = network.history
    history.stop_reason, history.best_epoch = None, None
    network.stop_training = False
    for callback in callbacks:
        callback.on_train_begin(network)
    # NaN and overflow are caught through the loss after every step, with a
    # message that says what to do, instead of as NumPy warnings along the way.
    with (
        np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"),
        _CtrlC() as ctrl_c,
    ):
        try:
            for _ in range(epochs):
                epoch = network.epochs_trained
                for callback in callbacks:
                    callback.on_epoch_begin(network, epoch)
                learning_rate = network.optimizer.learning_rate
                order = network.rng.permutation(n_samples) if shuffle else None
                total = total_weight = 0.0
                for batch, start in enumerate(batch_starts):
                    stop = start + batch_size
                    w_batch = None
                    if batch_size == n_samples:
                        X_batch, y_batch, w_batch = X, y, weights
                    elif order is None:
                        X_batch, y_batch = X[start:stop], y[start:stop]
                        if weights is not None:
                            w_batch = weights[start:stop]
                    else:
                        rows = order[start:stop]
                        # NOTE: take writes into out= unbuffered only when mode is
                        # not "raise"; the rows are a permutation, always in range.
                        X_batch = np.take(X, rows, 0, X_rows[: len(rows)], "clip")
                        y_batch = np.take(y, rows, 0, y_rows[: len(rows)], "clip")
                        if weights is not None:
                            w_batch = weights.take(rows)
                    for callback in callbacks:
                        callback.on_batch_begin(network, batch)
                    try:
                        loss = network.forward_backward(X_batch, y_batch, w_batch)
                        network.apply_update()
                    except NonFiniteLossError as error:
                        where = f"epoch {epoch + 1}, batch {batch + 1}"
                        raise NonFiniteLossError(f"at {where}: {error}") from None
                    if not mean:
                        total += loss
                    else:
                        batch_weight = (
                            len(X_batch) if w_batch is None else w_batch.sum()
                        )
                        total += loss * batch_weight
                        total_weight += batch_weight
                    if epoch_outputs is not None:
                        epoch_outputs[start:stop] = network.layers[-1].outputs
                    for callback in callbacks:
                        callback.on_batch_end(network, batch, {"loss": loss})
                    if ctrl_c.pressed:
                        raise KeyboardInterrupt
                record = {
                    "epoch": epoch,
                    "loss": total / total_weight if mean else total,
                    "learning_rate": learning_rate,
                }
                if metric_names:
                    y_epoch = y if order is None else y.take(order, axis=0)
                    record.update(
                        metrics_module.evaluate(
                            metric_names, loss_fn, y_epoch, epoch_outputs
                        )
                    )
                if validation is not None:
                    X_val, y_val, w_val = validation
                    val_loss, val_outputs = network.loss_and_outputs(
                        X_val, y_val, w_val
                    )
                    record["val_loss"] = val_loss
                    for name, value in metrics_module.evaluate(
                        metric_names, loss_fn, y_val, val_outputs
                    ).items():
                        record[f"val_{name}"] = value
                history.records.append(record)
                for callback in callbacks:
                    callback.on_epoch_end(network, epoch, record)
                if network.stop_training or ctrl_c.pressed:
                    break
        except KeyboardInterrupt:
            history.stop_reason = "interrupted"
    if ctrl_c.pressed:
        history.stop_reason = "interrupted"
    if history.stop_reason is None:
        history.stop_reason = (
            "stopped_by_callback" if network.stop_training else "completed"
        )
    for callback in callbacks:
        callback.on_train_end(network, history)
    return history
