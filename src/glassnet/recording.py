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

from . import glossary as glossaries
from ._files import atomic_file, check_writable, open_regular
from ._validation import is_int, one_line
from .callbacks import Callback
from .history import History

FORMAT = "glassnet-run"
VERSION = 1
#: The largest recording ``Recording.load`` reads, in bytes.
MAX_FILE_BYTES = 128 * 2**20
#: The most layers a recorded network may have (as in a model file).
MAX_LAYERS = 1000


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
    """A recorded run: config, rows watched, snapshots, history, glossary (names)."""

    config: dict
    rows: np.ndarray
    snapshots: list[Snapshot]
    history: dict = field(default_factory=dict)
    glossary: dict = field(default_factory=dict)

    @property
    def widths(self) -> list[int]:
        """The recorded network's inputs, then each Dense layer's units."""
        return _layer_widths(self.config)[0]

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
            "glossary": self.glossary,
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
        """Rebuild a recording from ``to_dict()`` output, checking its form.

        Every field is checked, and the arrays' shapes against the network's
        widths, so that a report drawn from it cannot fail later.

        Raises
        ------
        ValueError
            One line saying what is wrong.
        """
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError("not a glassnet run recording (no 'glassnet-run' format)")
        version = data.get("version")
        if not (is_int(version) and version >= 1):
            raise _invalid(f"its version must be an integer >= 1, got {version!r:.40}")
        if version > VERSION:
            raise ValueError(
                f"the recording's version {version} is newer than this glassnet"
                f" reads ({VERSION}); upgrade glassnet"
            )
        config = data.get("config")
        if not isinstance(config, dict):
            raise _invalid("its config must be a JSON object")
        widths, layer_widths = _layer_widths(config)
        rows = _rows(data.get("rows"), widths[0])
        snapshots = data.get("snapshots")
        if not isinstance(snapshots, list) or not snapshots:
            raise _invalid("it needs a non-empty list of snapshots")
        checked = [
            _snapshot(s, index, widths, layer_widths, len(rows))
            for index, s in enumerate(snapshots)
        ]
        words = glossaries.check(data.get("glossary"), widths[0], widths[-1], len(rows))
        return cls(config, rows, checked, _history(data.get("history")), words)

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
            One line naming the file, if it is not a regular file, is larger
            than ``MAX_FILE_BYTES``, is not JSON, or is not a valid recording.
        """

        def refuse(kind):
            return ValueError(f"{path} is {kind}, not a run recording file")

        with open_regular(path, refuse) as file:
            data = file.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise ValueError(
                f"{path} is larger than a run recording may be"
                f" ({MAX_FILE_BYTES // 2**20} MiB)"
            )
        try:
            return cls.from_dict(json.loads(data.decode("utf-8")))
        except RecursionError:
            message = "its JSON nests too deeply"
        except (ValueError, TypeError) as error:  # JSONDecodeError, UnicodeError
            message = one_line(error)
        raise ValueError(f"{path} is not a glassnet run recording: {message}")


def _invalid(detail: str) -> ValueError:
    return ValueError(f"the run recording is invalid: {detail}")


def _layer_widths(config: dict) -> tuple[list[int], list[int]]:
    """Return (widths, each layer's output width) from a config, building nothing."""
    layers = config.get("layers")
    if not isinstance(layers, list) or not 0 < len(layers) <= MAX_LAYERS:
        raise _invalid(f"its config needs a list of 1 to {MAX_LAYERS} layers")
    widths, layer_widths = [], []
    for index, layer in enumerate(layers):
        if not isinstance(layer, dict):
            raise _invalid(f"layer {index} of its config is not a JSON object")
        if layer.get("class") != "Dense":
            layer_widths.append(None)  # as wide as its input
            continue
        entry = layer.get("config")
        sizes = (
            [entry.get(key) for key in ("n_inputs", "n_units")]
            if isinstance(entry, dict)
            else [None]
        )
        if not all(is_int(n) and n >= 1 for n in sizes):
            raise _invalid(f"layer {index} (Dense) needs integer n_inputs and n_units")
        if widths and sizes[0] != widths[-1]:
            raise _invalid(f"layer {index} has {sizes[0]} inputs, not {widths[-1]}")
        widths += sizes[1:] if widths else sizes
        layer_widths.append(sizes[1])
    if not widths:
        raise _invalid("its config has no Dense layer")
    for index, width in enumerate(layer_widths):
        if width is None:
            layer_widths[index] = layer_widths[index - 1] if index else widths[0]
    return widths, layer_widths


def _array(value, shape: tuple, what: str) -> np.ndarray:
    """Return ``value`` as a finite float array of exactly ``shape``."""
    try:
        array = np.asarray(value)
    except (ValueError, TypeError, RecursionError, OverflowError):
        array = None
    if array is None or array.dtype.kind not in "iuf":
        raise _invalid(f"{what} must be an array of numbers")
    if array.shape != shape:
        raise _invalid(f"{what} has shape {array.shape!s:.60}, expected {shape}")
    array = array.astype(float)
    if not np.isfinite(array).all():
        raise _invalid(f"{what} holds NaN or infinite values")
    return array


def _rows(value, n_inputs: int) -> np.ndarray:
    if value == []:
        return np.zeros((0, n_inputs))
    n_rows = len(value) if isinstance(value, list) else -1
    return _array(value, (n_rows, n_inputs), "its array of rows")


def _snapshot(data, index: int, widths, layer_widths, n_rows: int) -> Snapshot:
    """Return snapshot ``index``, checked against the network's widths."""
    what = f"snapshot {index}"
    keys = ("epoch", "weights", "biases", "outputs", "logs")
    if not isinstance(data, dict) or not all(key in data for key in keys):
        raise _invalid(f"{what} must be an object with {', '.join(keys)}")
    epoch, weights, biases = data["epoch"], data["weights"], data["biases"]
    outputs, logs = data["outputs"], data["logs"]
    if not (is_int(epoch) and epoch >= 0):
        raise _invalid(f"{what}'s epoch must be an integer >= 0, got {epoch!r:.40}")
    n_dense = len(widths) - 1
    expected = n_rows and len(layer_widths)
    if not (isinstance(weights, list) and isinstance(biases, list)) or not (
        len(weights) == len(biases) == n_dense
        and isinstance(outputs, list)
        and len(outputs) == expected
    ):
        raise _invalid(
            f"{what} needs {n_dense} weights and biases, and outputs for its"
            f" {n_rows} rows at each of {len(layer_widths)} layers"
        )
    return Snapshot(
        epoch=epoch,
        weights=[
            _array(w, (widths[k], widths[k + 1]), f"{what}'s weights {k}")
            for k, w in enumerate(weights)
        ],
        biases=[
            None if b is None else _array(b, (widths[k + 1],), f"{what}'s biases {k}")
            for k, b in enumerate(biases)
        ],
        outputs=[
            _array(o, (n_rows, layer_widths[k]), f"{what}'s outputs {k}")
            for k, o in enumerate(outputs)
        ],
        logs=_logs(logs, what),
    )


def _logs(logs, what: str) -> dict:
    valid = isinstance(logs, dict) and all(
        value is None
        or (isinstance(value, int | float) and not isinstance(value, bool))
        for value in logs.values()
    )
    if not valid:
        raise _invalid(f"{what}'s logs must map names to numbers")
    return dict(logs)


def _history(data) -> dict:
    """Return the recorded history, checked as a model file's is (empty if none)."""
    if data is None or data == {}:
        return {}
    try:
        history = History.from_dict(data)
    except ValueError as error:
        raise _invalid(one_line(error)) from None
    for record in history.records:
        epoch = record.get("epoch")
        if not (is_int(epoch) and epoch >= 0):
            raise _invalid(f"history record epochs must be integers >= 0: {record}")
    return history.to_dict()


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
    glossary : dict or None
        More names for the recording (:mod:`glassnet.glossary`) than the
        network's ``metadata["glossary"]``: ``tabular.train`` gives the rows'.
    """

    def __init__(self, rows=None, every: int = 1, max_bytes: int = 20_000_000) -> None:
        if isinstance(every, bool) or not isinstance(every, int) or every < 1:
            raise ValueError(f"every must be a positive integer, got {every!r}")
        if not isinstance(max_bytes, int) or max_bytes < 1:
            raise ValueError(f"max_bytes must be a positive integer, got {max_bytes!r}")
        self.rows = None if rows is None else np.asarray(rows, dtype=float)
        self.every, self.max_bytes = every, max_bytes
        self.recording: Recording | None = None
        self.glossary: dict | None = None

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
            words = glossaries.of_network(network, self.glossary, len(self.rows))
            self.recording = Recording(network.get_config(), self.rows, [], {}, words)
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
