"""Ctrl-C during ``fit``: a request to stop after the current batch."""

from __future__ import annotations

import signal
import threading


class CtrlC:
    """Turn the first Ctrl-C during ``fit`` into a request to stop after the batch.

    A second Ctrl-C interrupts at once. Outside the main thread (where Python
    delivers signals) it does nothing and KeyboardInterrupt arrives as usual.

    Attributes
    ----------
    pressed : bool
        Whether Ctrl-C was pressed inside the ``with`` block.
    """

    def __init__(self) -> None:
        self.pressed = False
        self._previous = None

    def _handle(self, signum, frame) -> None:
        self.pressed = True
        signal.signal(signal.SIGINT, self._previous)

    def __enter__(self) -> CtrlC:
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc_info) -> None:
        if self._previous is not None and not self.pressed:
            signal.signal(signal.SIGINT, self._previous)
