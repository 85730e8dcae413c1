"""The callback protocol: hooks that the training loop calls at fixed moments.

A callback receives the network on every call. To stop training it sets
``network.stop_training = True``; the loop ends after the current epoch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .history import DIVERGED, EARLY_STOPPING


class Callback:
    """Base class with a no-op for every hook; override the ones you need.

    The hooks, in the order the loop calls them: ``on_train_begin(network)``,
    then per epoch ``on_epoch_begin(network, epoch)``, per batch
    ``on_batch_begin(network, batch)`` and ``on_batch_end(network, batch, logs)``,
    then ``on_epoch_end(network, epoch, logs)``, and finally
    ``on_train_end(network, history)``. ``epoch`` and ``batch`` count from 0;
    ``logs`` is a dict such as ``{"loss": 0.25}``. If the loss becomes NaN or
    infinite, ``on_non_finite_loss(network, error)`` is called instead of the
    remaining hooks of the epoch: a callback that returns True (it has good
    weights to restore) ends the fit normally, with ``on_train_end``;
    otherwise ``fit`` raises the error.

    Attributes
    ----------
    stop_reason : str or None
        Set by a callback that stops training to say why (a name in
        ``glassnet.history.STOP_REASONS``); ``fit`` records it as
        ``history.stop_reason``.
    """

    stop_reason: str | None = None

    def on_train_begin(self, network) -> None: ...

    def on_train_end(self, network, history) -> None: ...

    def on_epoch_begin(self, network, epoch: int) -> None: ...

    def on_epoch_end(self, network, epoch: int, logs: dict) -> None: ...

    def on_batch_begin(self, network, batch: int) -> None: ...

    def on_batch_end(self, network, batch: int, logs: dict) -> None: ...

    def on_non_finite_loss(self, network, error: FloatingPointError) -> bool:
        return False


class LambdaCallback(Callback):
    """A callback made from plain functions, one per hook you want.

    Parameters
    ----------
    on_epoch_end : callable(network, epoch, logs), optional
    on_batch_end : callable(network, batch, logs), optional
    on_train_begin : callable(network), optional
    on_train_end : callable(network, history), optional

    Examples
    --------
    >>> printer = LambdaCallback(
    ...     on_epoch_end=lambda net, epoch, logs: print(epoch, logs["loss"])
    ... )
    """

    def __init__(
        self,
        *,
        on_epoch_end: Callable | None = None,
        on_batch_end: Callable | None = None,
        on_train_begin: Callable | None = None,
        on_train_end: Callable | None = None,
    ) -> None:
        hooks = {
            "on_epoch_end": on_epoch_end,
            "on_batch_end": on_batch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
        }
        for name, function in hooks.items():
            if function is not None:
                setattr(self, name, function)


def recovered(callbacks: list[Callback], network, error: FloatingPointError) -> bool:
    """Ask every callback about a non-finite loss; return whether one recovered."""
    answers = [callback.on_non_finite_loss(network, error) for callback in callbacks]
    return any(answers)


def check_callbacks(callbacks: Iterable | None) -> list[Callback]:
    """Return ``callbacks`` as a list, or raise if an item is not a Callback."""
    result = list(callbacks or ())
    for index, callback in enumerate(result):
        if not isinstance(callback, Callback):
            raise ValueError(
                f"callbacks[{index}] must be a glassnet Callback, got {callback!r};"
                " wrap a function in LambdaCallback(on_epoch_end=...)"
            )
    return result


_HIGHER_IS_BETTER = ("accuracy", "r2")


def _mode(monitor: str, mode: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    if mode != "auto":
        return mode
    return "max" if monitor.endswith(_HIGHER_IS_BETTER) else "min"


def _monitored(logs: dict, monitor: str, who: str) -> float:
    value = logs.get(monitor)
    if value is None:
        raise ValueError(
            f"{who} monitors {monitor!r} but the epoch has only {sorted(logs)};"
            " pass validation_data or validation_split to fit, or monitor='loss'"
        )
    return value


class _Monitor:
    """Tracks the best value of one logged quantity, with a minimum improvement."""

    def __init__(self, monitor: str, mode: str, min_delta: float) -> None:
        if not min_delta >= 0:
            raise ValueError(f"min_delta must be >= 0, got {min_delta!r}")
        self.monitor, self.mode, self.min_delta = (
            monitor,
            _mode(monitor, mode),
            min_delta,
        )
        self.reset()

    def reset(self) -> None:
        self.best = float("inf") if self.mode == "min" else float("-inf")

    def improved(self, value: float) -> bool:
        if self.mode == "min":
            better = value < self.best - self.min_delta
        else:
            better = value > self.best + self.min_delta
        if better:
            self.best = value
        return better


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs.

    The best epoch and the reason are recorded in the history that ``fit``
    returns (``best_epoch``, ``stop_reason="early_stopping"``). With
    ``restore_best_weights`` the network ends with the weights of its best epoch,
    however training ends (stopped early, completed or interrupted). If the
    loss becomes NaN or infinite after a best epoch, it ends the fit with those
    weights and ``stop_reason="diverged"``, instead of ``fit`` raising
    ``NonFiniteLossError``: recorded, not warned, as scikit-learn's early
    stopping does (and the reason reaches every report and the command line).

    Parameters
    ----------
    monitor : str, default="val_loss"
        A key of the epoch logs: ``"val_loss"``, ``"loss"``, ``"val_accuracy"``...
    patience : int, default=10
        Epochs without improvement before stopping.
    min_delta : float, default=1e-4
        Smallest change that counts as an improvement.
    mode : {"auto", "min", "max"}, default="auto"
        Whether lower or higher is better; "auto" is "max" for accuracy and r2.
    restore_best_weights : bool, default=True

    Attributes
    ----------
    best : float
        The best value seen.
    best_epoch : int or None
    stopped_epoch : int or None
        The epoch after which training stopped, if it did.
    stop_reason : str or None
        ``"early_stopping"`` once it has stopped training, ``"diverged"`` once
        it has ended a diverging fit, else None.
    divergence : str or None
        The message of the ``NonFiniteLossError`` that ended the fit, if one did.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        patience: int = 10,
        min_delta: float = 1e-4,
        mode: str = "auto",
        restore_best_weights: bool = True,
    ) -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"patience must be a positive integer, got {patience!r}")
        self._monitor = _Monitor(monitor, mode, min_delta)
        self.monitor, self.patience = monitor, patience
        self.restore_best_weights = restore_best_weights

    @property
    def best(self) -> float:
        return self._monitor.best

    def on_train_begin(self, network):
        self._monitor.reset()
        self.wait, self.best_epoch, self.stopped_epoch = 0, None, None
        self.best_state, self.stop_reason, self.divergence = None, None, None

    def on_epoch_end(self, network, epoch, logs):
        if self._monitor.improved(_monitored(logs, self.monitor, "EarlyStopping")):
            self.wait, self.best_epoch = 0, epoch
            if self.restore_best_weights:
                # A copy: training goes on changing the weights in place.
                self.best_state = network.state_dict()
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch, self.stop_reason = epoch, EARLY_STOPPING
            network.stop_training = True

    def on_non_finite_loss(self, network, error):
        if self.best_state is None:  # no best epoch yet, or no weights kept
            return False
        self.stopped_epoch, self.stop_reason = network.epochs_trained, DIVERGED
        self.divergence = str(error)
        return True

    def on_train_end(self, network, history):
        history.best_epoch = self.best_epoch
        if self.best_state is not None:
            network.load_state_dict(self.best_state)


class LearningRateScheduler(Callback):
    """Set the optimizer's learning rate at the start of every epoch.

    Parameters
    ----------
    schedule : callable(epoch) -> float
        For example ``glassnet.schedules.step_decay(0.1, factor=0.5, every=10)``.
        ``epoch`` counts over the network's life (it continues after resuming).
    """

    def __init__(self, schedule: Callable[[int], float]) -> None:
        if not callable(schedule):
            raise ValueError(
                f"schedule must be callable(epoch) -> float, got {schedule!r}"
            )
        self.schedule = schedule

    def on_epoch_begin(self, network, epoch):
        learning_rate = float(self.schedule(epoch))
        if not learning_rate > 0 or learning_rate == float("inf"):
            raise ValueError(
                f"the schedule gave learning rate {learning_rate!r} for epoch {epoch};"
                " it must be a positive number"
            )
        network.optimizer.learning_rate = learning_rate


class ReduceLROnPlateau(Callback):
    """Multiply the learning rate by ``factor`` when ``monitor`` stops improving.

    Parameters
    ----------
    monitor : str, default="val_loss"
    factor : float, default=0.1
        In (0, 1).
    patience : int, default=5
        Epochs without improvement before reducing.
    min_delta : float, default=1e-4
    min_learning_rate : float, default=0.0
        The rate never goes below this.
    mode : {"auto", "min", "max"}, default="auto"
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 5,
        min_delta: float = 1e-4,
        min_learning_rate: float = 0.0,
        mode: str = "auto",
    ) -> None:
        if not 0.0 < factor < 1.0:
            raise ValueError(f"factor must be in (0, 1), got {factor!r}")
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 1:
            raise ValueError(f"patience must be a positive integer, got {patience!r}")
        self._monitor = _Monitor(monitor, mode, min_delta)
        self.monitor, self.factor, self.patience = monitor, factor, patience
        self.min_learning_rate = min_learning_rate

    def on_train_begin(self, network):
        self._monitor.reset()
        self.wait = 0

    def on_epoch_end(self, network, epoch, logs):
        if self._monitor.improved(_monitored(logs, self.monitor, "ReduceLROnPlateau")):
            self.wait = 0
            return
        self.wait += 1
        if self.wait >= self.patience:
            optimizer = network.optimizer
            optimizer.learning_rate = max(
                optimizer.learning_rate * self.factor, self.min_learning_rate
            )
            self.wait = 0


class ModelCheckpoint(Callback):
    """Save the network to a file during training (see :mod:`glassnet.modelfile`).

    Parameters
    ----------
    path : str or path-like
        Where to write; may contain ``{epoch}``, as in ``"run/epoch-{epoch}.npz"``.
    monitor : str, default="val_loss"
        What "best" means, with ``save_best_only``.
    save_best_only : bool, default=False
        Save only when ``monitor`` improves (the best model so far); otherwise
        after every epoch (the last model).
    mode : {"auto", "min", "max"}, default="auto"
    """

    def __init__(
        self,
        path,
        monitor: str = "val_loss",
        save_best_only: bool = False,
        mode: str = "auto",
    ) -> None:
        self.path = str(path)
        self.monitor, self.save_best_only = monitor, save_best_only
        self._monitor = _Monitor(monitor, mode, 0.0)

    def on_train_begin(self, network):
        self._monitor.reset()

    def on_epoch_end(self, network, epoch, logs):
        if self.save_best_only and not self._monitor.improved(
            _monitored(logs, self.monitor, "ModelCheckpoint")
        ):
            return
        network.save(self.path.format(epoch=epoch))
