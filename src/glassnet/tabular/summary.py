"""A table model's training run, as saved in ``metadata["training"]``, and in words.

:func:`glassnet.tabular.train` writes the :class:`Summary`; ``glassnet info``
and anyone else read it back with :meth:`Summary.from_metadata`. The keys are
those of the first model files, so old files keep loading.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .._validation import is_int
from ..history import History, describe_stop
from ..modelfile import ModelFileError
from ._words import plural
from .settings import TrainSettings

_KEY = "training"
# NOTE: saved under its name from before the rename to ``validation_split``.
_SAVED_NAMES = {"validation_split": "validation"}


@dataclass
class Summary:
    """How a table model was trained: rows, epochs, settings, validation metrics.

    Attributes
    ----------
    rows, training_rows, validation_rows : int
        Rows with a target, and how they were split.
    epochs : int
        Epochs trained.
    stop_reason : str or None
        Why training ended (see :data:`glassnet.history.STOP_REASONS`).
    best_epoch : int or None
        The epoch (from 0) whose weights early stopping kept.
    settings : dict
        :class:`TrainSettings` as saved (``validation_split`` is saved as
        ``"validation"``).
    validation_metrics : dict or None
        The metrics on the validation rows, if there were any.
    data : str or None
        The data file's name, when ``glassnet train`` added it.
    members : list of dict or None
        For an ensemble, each member's ``epochs``, ``best_epoch``,
        ``stop_reason`` and ``validation_rows`` (its fold); the fields above
        then describe the first member, ``training_rows`` and
        ``validation_rows`` are every row, and ``validation_metrics`` are
        out-of-fold.
    """

    rows: int | None = None
    training_rows: int | None = None
    validation_rows: int | None = None
    epochs: int | None = None
    stop_reason: str | None = None
    best_epoch: int | None = None
    settings: dict | None = None
    validation_metrics: dict | None = None
    data: str | None = None
    members: list | None = None

    @classmethod
    def of_run(
        cls,
        settings: TrainSettings,
        rows: int,
        training_rows: int,
        validation_rows: int,
        history: History,
    ) -> Summary:
        """Return the summary of a run that has just ended (no metrics yet)."""
        saved = {
            _SAVED_NAMES.get(name, name): value
            for name, value in settings.to_dict().items()
        }
        return cls(
            rows=rows,
            training_rows=training_rows,
            validation_rows=validation_rows,
            epochs=history.n_epochs,
            stop_reason=history.stop_reason,
            best_epoch=history.best_epoch,
            settings=saved,
        )

    @property
    def stopped(self) -> str:
        """Why training ended, in words ("completed", "stopped early", ...)."""
        return describe_stop(self.stop_reason)

    @property
    def kept_epoch(self) -> int | None:
        """The epoch early stopping kept, counted from 1, or None."""
        return self.best_epoch + 1 if isinstance(self.best_epoch, int) else None

    def describe_epochs(self) -> str:
        """Return ``"trained 12 epochs (stopped early; kept epoch 2)"``."""
        kept = "" if self.kept_epoch is None else f"; kept epoch {self.kept_epoch}"
        return f"trained {plural(self.epochs, 'epoch')} ({self.stopped}{kept})"

    def describe(self) -> list[str]:
        """Return the lines ``glassnet info`` prints: data, epochs, settings, scores."""
        data = self.data if self.data is not None else "the data"
        held_out = (
            f"+ {self.validation_rows} for validation"
            if self.validation_rows
            else "no validation"
        )
        kept = "" if self.kept_epoch is None else f", kept epoch {self.kept_epoch}"
        lines = [
            f"trained on: {data}, {self.training_rows} rows ({held_out})",
            f"training: {self.epochs} epochs ({self.stopped}{kept})",
        ]
        if self.members:
            lines[0] = (
                f"trained on: {data}, {self.training_rows} rows, by"
                f" {len(self.members)} networks, each validated on its own fold"
            )
            lines[1] = "training: " + "; ".join(
                _describe_member(record) for record in self.members
            )
        if isinstance(self.settings, dict):
            pairs = ", ".join(f"{key} {value}" for key, value in self.settings.items())
            lines.append(f"settings: {pairs}")
        if isinstance(self.validation_metrics, dict):
            which = " (out of fold)" if self.members else ""
            lines.append(
                f"validation{which}: {format_metrics(self.validation_metrics)}"
            )
        return lines

    def to_metadata(self, metadata: dict) -> None:
        """Write the summary into a network's ``metadata`` (as JSON data)."""
        data = dataclasses.asdict(self)
        for optional in ("data", "members"):
            if data[optional] is None:
                del data[optional]
        metadata[_KEY] = data

    @classmethod
    def from_metadata(cls, metadata) -> Summary | None:
        """Return the summary in a network's ``metadata``, or None if it has none.

        Missing keys read as None (old model files lack some).

        Raises
        ------
        ModelFileError
            If a field has the wrong type (one line, naming it): the summary
            comes from a file, so it is checked before anything shows it.
        """
        data = metadata.get(_KEY) if isinstance(metadata, dict) else None
        if data is None:
            return None
        _check(isinstance(data, dict), "", "an object")
        for name in ("rows", "training_rows", "validation_rows", "epochs"):
            value = data.get(name)
            _check(value is None or _is_count(value), name, "a whole number >= 0")
        best = data.get("best_epoch")
        _check(best is None or _is_count(best), "best_epoch", "a whole number >= 0")
        for name in ("stop_reason", "data"):
            value = data.get(name)
            _check(value is None or isinstance(value, str), name, "text")
        settings = data.get("settings")
        _check(settings is None or isinstance(settings, dict), "settings", "an object")
        members = data.get("members")
        _check(
            members is None
            or (isinstance(members, list) and all(map(_is_member, members))),
            "members",
            "a list of objects with whole numbers epochs and validation_rows",
        )
        metrics = data.get("validation_metrics")
        _check(
            metrics is None or _are_metrics(metrics),
            "validation_metrics",
            f"numbers for {', '.join(_CLASSIFICATION)} or for {', '.join(_REGRESSION)}",
        )
        return cls(
            **{field.name: data.get(field.name) for field in dataclasses.fields(cls)}
        )


#: The metrics :func:`format_metrics` shows, for each task.
_CLASSIFICATION = ("accuracy", "macro_precision", "macro_recall", "macro_f1")
_REGRESSION = ("mae", "rmse", "r2")


def _check(condition: bool, field: str, expected: str) -> None:
    if not condition:
        where = f"training.{field}" if field else "training"
        raise ModelFileError(
            f"invalid training summary in the model: {where} must be {expected}"
        )


def _is_member(record) -> bool:
    return (
        isinstance(record, dict)
        and _is_count(record.get("epochs"))
        and _is_count(record.get("validation_rows"))
        and (record.get("best_epoch") is None or _is_count(record["best_epoch"]))
        and isinstance(record.get("stop_reason", ""), str | None)
    )


def _describe_member(record: dict) -> str:
    """Return ``"61 epochs (stopped early, kept epoch 41)"`` for one member."""
    kept = record.get("best_epoch")
    kept_words = "" if kept is None else f", kept epoch {kept + 1}"
    return (
        f"{plural(record['epochs'], 'epoch')}"
        f" ({describe_stop(record.get('stop_reason'))}{kept_words})"
    )


def _is_count(value) -> bool:
    return is_int(value) and value >= 0


def _are_metrics(metrics) -> bool:
    """Whether ``metrics`` holds every number one task's headline needs.

    NaN and infinity are allowed: a diverged run's metrics are saved as such.
    """
    if not isinstance(metrics, dict):
        return False
    keys = _CLASSIFICATION if "accuracy" in metrics else _REGRESSION
    return all(_is_metric(metrics.get(key)) for key in keys)


def _is_metric(value) -> bool:
    # A float, or an int that formats as one (not 10**400).
    return isinstance(value, float) or (is_int(value) and abs(value) <= 2**53)


def format_metrics(metrics: dict) -> str:
    """Return the headline metrics on one line, such as ``accuracy 0.95, ...``."""
    if "accuracy" in metrics:
        return (
            f"accuracy {metrics['accuracy']:.4f}, precision"
            f" {metrics['macro_precision']:.4f}, recall {metrics['macro_recall']:.4f},"
            f" F1 {metrics['macro_f1']:.4f} (macro averages over classes)"
        )
    return (
        f"MAE {metrics['mae']:.4g}, RMSE {metrics['rmse']:.4g}, R^2 {metrics['r2']:.4f}"
    )
