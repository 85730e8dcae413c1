"""``train``: a table in, a trained network with its preprocessing out.

The steps, in order: check the inputs, leave out rows without a target, settle
the task, split the rows into training and validation parts (stratified by
class for classifiers), fit the preprocessing on the training part only, build
the network (``hidden`` layers, then a softmax or one output), train it with
Adam and early stopping on the validation loss (which restores the best epoch's
weights), and write the :class:`~glassnet.tabular.summary.Summary`. Every
decision is said through ``log``, one sentence each.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from ..callbacks import EarlyStopping
from ..layers import Dense
from ..network import Network
from ..optimizers import Adam
from ..recording import Recorder
from ..training import split_rows
from ._cells import check_frame, texts
from ._words import plural, quoted_list
from .model import TabularModel
from .preprocessor import TabularPreprocessor
from .settings import DEFAULTS, TrainSettings
from .summary import Summary, format_metrics
from .target import check_target, infer_task, rows_with_target

#: How many encoded training rows an empty ``Recorder`` is given to watch.
_RECORDED_ROWS = 5


def train(
    frame: pd.DataFrame,
    target: str,
    *,
    task: str = "auto",
    drop: Iterable[str] = (),
    hidden: Iterable[int] = DEFAULTS.hidden,
    activation: str = DEFAULTS.activation,
    epochs: int = DEFAULTS.epochs,
    batch_size: int = DEFAULTS.batch_size,
    learning_rate: float = DEFAULTS.learning_rate,
    validation_split: float = DEFAULTS.validation_split,
    patience: int = DEFAULTS.patience,
    seed: int | None = DEFAULTS.seed,
    dtype: str = DEFAULTS.dtype,
    verbose: int = 0,
    log: Callable[[str], None] | None = None,
    callbacks: Iterable = (),
) -> Network:
    """Train a network on a table: what ``glassnet train`` does (see the module).

    Parameters
    ----------
    frame : DataFrame
    target : str
        The column to predict.
    task : {"auto", "classification", "regression"}, default="auto"
    drop : iterable of str, default=()
        Columns to leave out.
    hidden, activation, epochs, batch_size, learning_rate, validation_split, \
patience, seed, dtype
        The training settings; see :class:`TrainSettings` for their meaning
        and defaults.
    verbose : {0, 1, 2}, default=0
        Progress on standard error, as in :meth:`Network.fit`.
    log : callable(str) or None, default=None
        Called with one sentence for each decision (task, dropped columns,
        missing values, split, result), such as ``print``.
    callbacks : iterable of Callback, default=()
        More callbacks for ``fit``. A :class:`~glassnet.recording.Recorder`
        without rows records the first five training rows (as encoded).

    Returns
    -------
    Network
        Trained, with ``metadata["preprocessing"]`` (the
        :class:`TabularPreprocessor` as data) and ``metadata["training"]`` (the
        :class:`Summary`: settings, split sizes and validation metrics). Save
        it with ``net.save(path)``.

    Raises
    ------
    ValueError
        For a missing target column, a single class, no usable column, or
        an invalid setting.
    """
    settings = TrainSettings(
        hidden=_check_hidden(hidden),
        activation=activation,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        validation_split=validation_split,
        patience=patience,
        seed=seed,
        dtype=dtype,
    )
    model = train_model(
        frame,
        target,
        settings,
        task=task,
        drop=drop,
        verbose=verbose,
        log=log,
        callbacks=callbacks,
    )
    return model.network


def train_model(
    frame: pd.DataFrame,
    target: str,
    settings: TrainSettings = DEFAULTS,
    *,
    task: str = "auto",
    drop: Iterable[str] = (),
    verbose: int = 0,
    log: Callable[[str], None] | None = None,
    callbacks: Iterable = (),
) -> TabularModel:
    """Train as :func:`train` does, with the settings as one object; return the pair."""
    say = log if log is not None else _silent
    frame = _check_inputs(frame, target, task, settings)
    frame = rows_with_target(frame, target, say)
    task, reason = _settle_task(frame[target], task)
    train_part, val_part = _split(frame, target, task, settings, say)
    prep = TabularPreprocessor().fit(train_part, target=target, drop=drop, task=task)
    _say_preprocessing(prep, reason, say)
    X_train = prep.transform(train_part)
    y_train = prep.encode_target(train_part[target])
    net = _build_network(prep, settings, say)
    callbacks = _watch_rows(list(callbacks), X_train)
    validation_data = None
    if len(val_part):
        validation_data = (
            prep.transform(val_part),
            prep.encode_target(val_part[target]),
        )
        callbacks.append(EarlyStopping(patience=settings.patience))
    _say_plan(len(train_part), len(val_part), settings, say)
    net.fit(
        X_train,
        y_train,
        epochs=settings.epochs,
        batch_size=settings.batch_size,
        validation_data=validation_data,
        callbacks=callbacks,
        verbose=verbose,
    )
    model = TabularModel(prep, net)
    summary = Summary.of_run(
        settings, len(frame), len(train_part), len(val_part), net.history
    )
    say(summary.describe_epochs())
    if validation_data is not None:
        summary.validation_metrics = model.score(*validation_data)
        say(
            f"validation ({len(val_part)} rows):"
            f" {format_metrics(summary.validation_metrics)}"
        )
    net.metadata["preprocessing"] = prep.to_dict()
    summary.to_metadata(net.metadata)
    return model


def _check_hidden(hidden) -> tuple[int, ...]:
    """Return ``hidden`` as a tuple of positive ints; raise a one-line error if not."""
    sizes = None
    if isinstance(hidden, Iterable) and not isinstance(hidden, str | bytes):
        sizes = tuple(hidden)
        if not all(
            isinstance(units, numbers.Integral)
            and not isinstance(units, bool)
            and units >= 1
            for units in sizes
        ):
            sizes = None
    if sizes is None:
        raise ValueError(
            "hidden must be a list of positive whole numbers, one per hidden"
            f" layer, such as [16, 8] (or [] for none), got {hidden!r}"
        )
    return tuple(int(units) for units in sizes)


def _silent(text: str) -> None:
    """Discard a progress note."""


def _check_inputs(frame, target, task, settings: TrainSettings) -> pd.DataFrame:
    """Return the checked frame; raise a one-line ValueError for a bad argument."""
    frame = check_frame(frame)
    check_target(frame, target, task)
    split = settings.validation_split
    if not (isinstance(split, int | float) and 0 <= split < 1):
        raise ValueError(
            f"validation_split must be a fraction in [0, 1), got {split!r}"
        )
    return frame


def _settle_task(series: pd.Series, task: str) -> tuple[str, str]:
    """Return the task and why, in words ("as asked" or what the values are)."""
    if task != "auto":
        return task, "as asked"
    task, reason = infer_task(series)
    return task, f"because {reason}"


def _split(frame, target, task, settings, say) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return the training and validation rows, stratified by class for classifiers."""
    labels = texts(frame[target])[0] if task == "classification" else None
    rng = np.random.default_rng(settings.seed)
    train_rows, val_rows = split_rows(
        len(frame), settings.validation_split, labels, rng
    )
    if settings.validation_split > 0 and len(val_rows) == 0:
        say(
            f"{plural(len(frame), 'row')} are too few to hold out a validation"
            " part: training on every row, without early stopping"
        )
    return frame.iloc[train_rows], frame.iloc[val_rows]


def _say_preprocessing(prep: TabularPreprocessor, reason: str, say) -> None:
    """Say the task, what the preprocessing decided, and how many inputs it makes."""
    if prep.task == "classification":
        classes = quoted_list(prep.classes, 10)
        what = f"classification into {len(prep.classes)} classes ({classes})"
    else:
        what = "regression"
    say(f"target {prep.target!r}: {what}, {reason}")
    for note in prep.notes:
        say(note)
    say(
        f"features: {plural(len(prep.encoders), 'column')} ->"
        f" {plural(prep.n_features, 'input')}"
    )


def _build_network(prep: TabularPreprocessor, settings: TrainSettings, say) -> Network:
    """Return the untrained network: hidden layers, then softmax or one output."""
    layers, n_inputs = [], prep.n_features
    for units in settings.hidden:
        layers.append(Dense(n_inputs, units, settings.activation))
        n_inputs = units
    if prep.task == "classification":
        layers.append(Dense(n_inputs, len(prep.classes), "softmax"))
        loss = "categorical_crossentropy"
    else:
        layers.append(Dense(n_inputs, 1))
        loss = "mse"
    net = Network(
        layers,
        loss=loss,
        optimizer=Adam(learning_rate=settings.learning_rate),
        dtype=settings.dtype,
        seed=settings.seed,
    )
    say(
        f"network: {_architecture(net)}, {net.n_params:,} parameters;"
        f" Adam, learning rate {settings.learning_rate:g}"
    )
    return net


def _say_plan(n_train: int, n_val: int, settings: TrainSettings, say) -> None:
    """Say how many rows train and validate, and when training stops."""
    if n_val:
        say(
            f"training on {plural(n_train, 'row')}, validating on {n_val};"
            f" stopping after {settings.patience} epochs without improvement"
        )
    else:
        say(f"training on {plural(n_train, 'row')} for {settings.epochs} epochs")


def _architecture(net: Network) -> str:
    """Return ``"11 -> 16 -> 8 -> 2 (relu, relu, softmax)"``."""
    activations = [layer.activation.name for layer in net.dense_layers]
    return f"{' -> '.join(map(str, net.widths))} ({', '.join(activations)})"


def _watch_rows(callbacks: list, X_train) -> list:
    """Give a ``Recorder`` made without rows the first encoded training rows.

    NOTE: the caller cannot pass these rows: they exist only once the
    preprocessing is fitted, inside ``train``. ``glassnet train --report``
    relies on this.
    """
    for callback in callbacks:
        if isinstance(callback, Recorder) and callback.rows is None:
            callback.rows = X_train[:_RECORDED_ROWS]
    return callbacks
