"""What a training run leaves behind: its ``History``, why it stopped, and its error.

Every other module (training, callbacks, progress, reports, model files, the
command line) reads stop reasons and their words from here, so a reason is
named and worded once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

#: The names of the reasons a ``fit`` ends (the values of ``History.stop_reason``).
COMPLETED = "completed"
DIVERGED = "diverged"
EARLY_STOPPING = "early_stopping"
INTERRUPTED = "interrupted"
STOPPED_BY_CALLBACK = "stopped_by_callback"

#: Why a ``fit`` ended, by name, and the words the user reads.
STOP_REASONS: dict[str, str] = {
    COMPLETED: "completed",
    DIVERGED: "stopped: the loss became non-finite; kept the best epoch's weights",
    EARLY_STOPPING: "stopped early",
    INTERRUPTED: "interrupted",
    STOPPED_BY_CALLBACK: "stopped by a callback",
}


def describe_stop(reason: str | None) -> str:
    """Return the words for a stop reason (a missing one reads "completed")."""
    return STOP_REASONS.get(reason or COMPLETED, str(reason))


class LastStep(NamedTuple):
    """The targets and the loss of a network's last training step."""

    targets: np.ndarray
    loss: float


@dataclass
class History:
    """Per-epoch record of a network's training, as plain data.

    Every epoch the network has trained (across ``fit`` calls, and across saving
    and loading) adds one record: a dict such as ``{"epoch": 3, "loss": 0.21,
    "learning_rate": 0.001, "accuracy": 0.93, "val_loss": 0.25,
    "val_accuracy": 0.91}``. ``history["val_loss"]`` lists one key over all
    epochs (None where an epoch lacks it).

    Attributes
    ----------
    records : list of dict
        One per epoch, in order; ``"epoch"`` counts from 0 over the network's life.
    stop_reason : str or None
        Why the last ``fit`` ended: ``"completed"``, ``"early_stopping"``,
        ``"diverged"`` (early stopping kept its best weights when the loss
        became non-finite), ``"interrupted"`` (Ctrl-C) or
        ``"stopped_by_callback"``.
    best_epoch : int or None
        The epoch whose weights early stopping kept, if it ran.
    """

    records: list[dict] = field(default_factory=list)
    stop_reason: str | None = None
    best_epoch: int | None = None

    def __getitem__(self, key: str) -> list:
        return [record.get(key) for record in self.records]

    def __len__(self) -> int:
        return len(self.records)

    @property
    def loss(self) -> list[float]:
        """Training loss of each epoch."""
        return self["loss"]

    @property
    def val_loss(self) -> list[float | None]:
        """Validation loss of each epoch (None where there was no validation)."""
        return self["val_loss"]

    @property
    def n_epochs(self) -> int:
        """Number of epochs recorded."""
        return len(self.records)

    def to_dict(self) -> dict:
        """Return the history as JSON-able data."""
        return {
            "records": [dict(record) for record in self.records],
            "stop_reason": self.stop_reason,
            "best_epoch": self.best_epoch,
        }

    @classmethod
    def from_dict(cls, data: dict) -> History:
        """Rebuild a history from ``to_dict()`` output, checking every type.

        Raises
        ------
        ValueError
            If ``data`` is not what ``to_dict`` makes.
        """
        if not isinstance(data, dict) or not isinstance(data.get("records"), list):
            raise ValueError("history must be a dict with a list of records")
        records = []
        for record in data["records"]:
            valid = isinstance(record, dict) and all(
                isinstance(key, str)
                and (value is None or isinstance(value, int | float))
                and not isinstance(value, bool)
                for key, value in record.items()
            )
            if not valid:
                raise ValueError(
                    f"history record must map names to numbers: {record!r}"
                )
            records.append(dict(record))
        stop_reason, best_epoch = data.get("stop_reason"), data.get("best_epoch")
        if stop_reason is not None and not isinstance(stop_reason, str):
            raise ValueError(f"history stop_reason must be a string: {stop_reason!r}")
        if best_epoch is not None and (
            not isinstance(best_epoch, int) or isinstance(best_epoch, bool)
        ):
            raise ValueError(f"history best_epoch must be an integer: {best_epoch!r}")
        return cls(records=records, stop_reason=stop_reason, best_epoch=best_epoch)


class NonFiniteLossError(FloatingPointError, ValueError):
    """The loss became NaN or infinite; training stopped before its update.

    Both a ``FloatingPointError`` (what it is) and a ``ValueError`` (what
    scikit-learn raises for training that produces non-finite values), so
    either ``except`` catches it.
    """


def non_finite_loss_message(loss: float, parameters: np.ndarray) -> str:
    """Say what happened to the loss and the weights, and what to try."""
    if np.isfinite(parameters).all():
        weights = "the weights are those of the last good step"
    else:
        # The update before overflowed the weights while its loss was finite;
        # checking every update would cost more than the step's element-wise work.
        weights = "the update before overflowed the weights: rebuild or reload"
    return (
        f"loss became {loss}; training stopped and {weights}. Lower the learning rate"
        " or scale the inputs (for example standardise X)"
    )


def check_epoch_loss(loss: float, epoch: int) -> None:
    """Raise if an epoch's loss is not finite though each batch's was.

    The epoch's loss is a weighted sum of finite batch losses: it overflows
    only when the sample weights (or, for a sum-reduced loss, the losses) are
    too large to add up.
    """
    if not math.isfinite(loss):
        raise NonFiniteLossError(
            f"loss of epoch {epoch + 1} became {loss}, though every batch's loss was"
            " finite: their weighted sum overflowed; divide sample_weight by its"
            " largest value, or scale the targets"
        )


def check_validation_loss(val_loss: float, epoch: int) -> None:
    """Raise if the validation loss after an epoch is not finite."""
    if not math.isfinite(val_loss):
        raise NonFiniteLossError(
            f"validation loss became {val_loss} at epoch {epoch + 1}, though the"
            " training loss was finite; training stopped. Lower the learning rate"
            " or scale the inputs, or look for values in the validation data far"
            " outside the training data's (in X_val and y_val, or in the rows that"
            " validation_split held out)"
        )
