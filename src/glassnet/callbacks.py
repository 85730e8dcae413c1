"""The callback protocol: hooks that the training loop calls at fixed moments.

A callback receives the network on every call. To stop training it sets
``network.stop_training = True``; the loop ends after the current epoch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable


class Callback:
    """Base class with a no-op for every hook; override the ones you need.

    The hooks, in the order the loop calls them: ``on_train_begin(network)``,
    then per epoch ``on_epoch_begin(network, epoch)``, per batch
    ``on_batch_begin(network, batch)`` and ``on_batch_end(network, batch, logs)``,
    then ``on_epoch_end(network, epoch, logs)``, and finally
    ``on_train_end(network, history)``. ``epoch`` and ``batch`` count from 0;
    ``logs`` is a dict such as ``{"loss": 0.25}``.
    """

    def on_train_begin(self, network) -> None: ...

    def on_train_end(self, network, history) -> None: ...

    def on_epoch_begin(self, network, epoch: int) -> None: ...

    def on_epoch_end(self, network, epoch: int, logs: dict) -> None: ...

    def on_batch_begin(self, network, batch: int) -> None: ...

    def on_batch_end(self, network, batch: int, logs: dict) -> None: ...


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
