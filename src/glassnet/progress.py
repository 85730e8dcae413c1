"""Progress for ``fit(verbose=...)``: a live bar on a terminal, lines otherwise.

The live bar uses tqdm when it is installed (``pip install "glassnet[progress]"``)
and a plain one-line display otherwise. Progress goes to standard error, so that
standard output keeps only results.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from .callbacks import Callback
from .history import COMPLETED, describe_stop


def format_logs(logs: dict) -> str:
    """Return ``"loss 0.2345  val_loss 0.3456 ..."`` for an epoch's logs."""
    parts = []
    for key, value in logs.items():
        if key in ("epoch", "learning_rate") or value is None:
            continue
        parts.append(f"{key} {value:.4g}")
    return "  ".join(parts)


class ProgressBar(Callback):
    """Show training progress.

    Parameters
    ----------
    epochs : int
        Epochs this ``fit`` will run (for "epoch 3/10").
    verbose : {1, 2}, default=1
        1: a live bar on a terminal, else a line every ``max(1, epochs // 10)``
        epochs and at the end; 2: a line per epoch.
    file : text stream, default=sys.stderr
    """

    def __init__(
        self, epochs: int, verbose: int = 1, file: TextIO | None = None
    ) -> None:
        if verbose not in (1, 2):
            raise ValueError(f"verbose must be 0, 1 or 2, got {verbose!r}")
        self.epochs, self.verbose = epochs, verbose
        self.file = file if file is not None else sys.stderr
        isatty = getattr(self.file, "isatty", None)
        self.live = verbose == 1 and bool(isatty and isatty())
        self.every = 1 if verbose == 2 else max(1, epochs // 10)
        self._bar = None

    def on_train_begin(self, network):
        self._count, self._first_epoch = 0, network.epochs_trained
        self._last_draw = 0.0
        if self.live:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self._bar = tqdm(total=self.epochs, file=self.file, unit="epoch")

    def on_batch_end(self, network, batch, logs):
        if not self.live or self._bar is not None:
            return
        now = time.monotonic()
        if now - self._last_draw > 0.2:  # redraw at most 5 times a second
            self._last_draw = now
            line = f"epoch {self._count + 1}/{self.epochs}  batch {batch + 1}"
            self.file.write(f"\r{line}  loss {logs['loss']:.4g}\033[K")
            self.file.flush()

    def on_epoch_end(self, network, epoch, logs):
        self._count += 1
        text = format_logs(logs)
        if self._bar is not None:
            self._bar.set_postfix_str(text, refresh=False)
            self._bar.update(1)
        elif self.live:
            self.file.write(f"\repoch {self._count}/{self.epochs}  {text}\033[K")
            self.file.flush()
        elif self._count % self.every == 0 or self._count == self.epochs:
            print(f"epoch {self._count}/{self.epochs}  {text}", file=self.file)

    def on_train_end(self, network, history):
        if self._bar is not None:
            self._bar.close()
        elif self.live:
            self.file.write("\n")
        if history.stop_reason not in (COMPLETED, None):
            # Epochs are shown counting from 1, as in "epoch 3/10".
            best = (
                ""
                if history.best_epoch is None
                else f"; best epoch {history.best_epoch + 1}"
            )
            words = describe_stop(history.stop_reason)
            print(f"training {words}{best}", file=self.file)
