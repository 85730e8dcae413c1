"""Record a training run: weights, outputs on chosen rows and losses over time.

:class:`Recorder` is a callback. Every ``every`` epochs it keeps a snapshot:
the weights, each layer's outputs on a few chosen rows, and the epoch's logs.
It stays within ``max_bytes``: when the next snapshot would not fit, it drops
every other snapshot (the first and the newest stay) and records half as often.
The recording is plain data; ``save`` writes it as JSON (never pickle), which
``glassnet report`` turns into a learning report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from ._files import atomic_file, check_writable
from .callbacks import Callback
from .network import Network

FORMAT = "glassnet-run"
VERSION = 1


@dataclass
class Snapshot:
    """The network at one moment of a run.

    Attributes
    ----------
    epoch : int
        Epochs completed when it was taken (0: before training).
    weights : list of ndarray
        Each Dense layer's weights, shape (n_inputs, n_units).
    biases : list of ndarray or None
    outputs : list of ndarray
        Each layer's outputs on the recorded rows, shape (n_rows, n_units).
    logs : dict
        The epoch's record (loss, val_loss...), empty before training.
    """

    epoch: int
    weights: list[np.ndarray]
    biases: list[np.ndarray | None]
    outputs: list[np.ndarray]
    logs: dict = field(default_factory=dict)

    @classmethod
    def of(cls, network, epoch: int, rows=None, logs=None) -> Snapshot:
        """Take a snapshot of ``network`` now: copies of its Dense layers' arrays.

        Parameters
        ----------
        network : Network
        epoch : int
            Epochs completed now.
        rows : ndarray of shape (n_rows, n_inputs), optional
            Inputs whose outputs at every layer are kept (none if omitted).
        logs : dict, optional
            The epoch's record.
        """
        outputs = []
        if rows is not None:
            hidden = rows.astype(network.dtype)
            for layer in network.layers:
                hidden = layer.infer(hidden)
                outputs.append(hidden.copy())
        dense = network.dense_layers
        return cls(
            epoch=epoch,
            weights=[layer.params["weights"].copy() for layer in dense],
            biases=[
                layer.params["biases"].copy() if layer.use_bias else None
                for layer in dense
            ],
            outputs=outputs,
            logs=dict(logs or {}),
        )

    @property
    def nbytes(self) -> int:
        arrays = [
            *self.weights,
            *self.outputs,
            *(b for b in self.biases if b is not None),
        ]
        return sum(array.nbytes for array in arrays)


@dataclass
class Recording:
    """A recorded run: the network's config, the rows watched, the snapshots."""

    config: dict
    rows: np.ndarray
    snapshots: list[Snapshot]
    history: dict = field(default_factory=dict)

    @property
    def widths(self) -> list[int]:
        """The recorded network's inputs, then each Dense layer's units."""
        return Network.from_config(self.config).widths

    def to_dict(self) -> dict:
        """Return the recording as JSON-able data."""

        def listed(arrays):
            return [None if a is None else np.asarray(a).tolist() for a in arrays]

        return {
            "format": FORMAT,
            "version": VERSION,
            "config": self.config,
            "rows": self.rows.tolist(),
            "history": self.history,
            "snapshots": [
                {
                    "epoch": s.epoch,
                    "weights": listed(s.weights),
                    "biases": listed(s.biases),
                    "outputs": listed(s.outputs),
                    "logs": s.logs,
                }
                for s in self.snapshots
            ],
        }

    @classmethod
    def from_dict(cls, data: dict) -> Recording:
        """Rebuild a recording from ``to_dict()`` output, checking its form."""
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a glassnet run recording (no 'glassnet-run' format)")
        if not isinstance(data.get("version"), int) or data["version"] > VERSION:
            raise ValueError(
                f"the recording's version {data.get('version')!r} is newer than this"
                f" glassnet reads ({VERSION}); upgrade glassnet"
            )
        try:
            snapshots = [
                Snapshot(
                    epoch=int(s["epoch"]),
                    weights=[np.asarray(w, dtype=float) for w in s["weights"]],
                    biases=[
                        None if b is None else np.asarray(b, float) for b in s["biases"]
                    ],
                    outputs=[np.asarray(o, dtype=float) for o in s["outputs"]],
                    logs=dict(s["logs"]),
                )
                for s in data["snapshots"]
            ]
            return cls(
                config=dict(data["config"]),
                rows=np.asarray(data["rows"], dtype=float),
                snapshots=snapshots,
                history=dict(data.get("history") or {}),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"the run recording is corrupt: {error}") from None

    def save(self, path) -> None:
        """Write the recording as JSON to ``path``, atomically."""
        check_writable(path)
        with atomic_file(path, text=True) as file:
            json.dump(self.to_dict(), file)

    @classmethod
    def load(cls, path) -> Recording:
        """Read a recording written by :meth:`save`.

        Raises
        ------
        ValueError
            If the file is not JSON or not a recording.
        """
        try:
            with open(path, encoding="utf-8") as file:
                data = json.load(file)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ValueError(
                f"{path} is not a glassnet run recording: {error}"
            ) from None
        return cls.from_dict(data)


class Recorder(Callback):
    """Keep snapshots of a run for a learning report, within a memory bound.

    Parameters
    ----------
    rows : array-like of shape (n_rows, n_inputs), optional
        A few inputs whose outputs at every layer are recorded (the first five
        training rows are not known to a callback: pass them).
    every : int, default=1
        Record after every ``every`` epochs (doubled when memory runs short).
    max_bytes : int, default=20_000_000
        Memory the snapshots may take.

    Attributes
    ----------
    recording : Recording or None
        Filled from the first ``fit`` on; kept across ``fit`` calls.
    """

    def __init__(self, rows=None, every: int = 1, max_bytes: int = 20_000_000) -> None:
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a positive integer, got {every!r}")
        if not isinstance(max_bytes, int) or max_bytes < 1:
            raise ValueError(f"max_bytes must be a positive integer, got {max_bytes!r}")
        self.rows = None if rows is None else np.asarray(rows, dtype=float)
        self.every, self.max_bytes = every, max_bytes
        self.recording: Recording | None = None

    def _keep(self, snapshot: Snapshot) -> None:
        snapshots = self.recording.snapshots
        used = sum(s.nbytes for s in snapshots)
        while len(snapshots) > 2 and used + snapshot.nbytes > self.max_bytes:
            # Drop every other snapshot, keeping the first and the newest.
            snapshots[:] = [*snapshots[:-1:2], snapshots[-1]]
            used = sum(s.nbytes for s in snapshots)
            self.every *= 2
        if used + snapshot.nbytes <= self.max_bytes or not snapshots:
            snapshots.append(snapshot)

    def on_train_begin(self, network):
        if self.rows is None:
            raise ValueError("Recorder needs rows: Recorder(rows=X[:5])")
        if self.rows.ndim != 2 or self.rows.shape[1] != network.n_inputs:
            raise ValueError(
                f"Recorder rows must have shape (n_rows, {network.n_inputs}),"
                f" got {self.rows.shape}"
            )
        if self.recording is None:
            self.recording = Recording(network.get_config(), self.rows, [])
            self._keep(Snapshot.of(network, network.epochs_trained, self.rows))

    def on_epoch_end(self, network, epoch, logs):
        if (epoch + 1) % self.every == 0:
            self._keep(Snapshot.of(network, epoch + 1, self.rows, logs))

    def on_train_end(self, network, history):
        # The end of training is always kept: the report's final predictions.
        if self.recording.snapshots[-1].epoch != network.epochs_trained:
            last = history.records[-1] if history.records else {}
            self._keep(Snapshot.of(network, network.epochs_trained, self.rows, last))
        self.recording.history = history.to_dict()
