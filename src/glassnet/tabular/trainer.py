"""``train``: a table in, a trained network with its preprocessing out.

The steps, in order: check the inputs, leave out rows without a target, settle
the task. Then, for an ensemble (``members`` > 1, the default): fit the
preprocessing on every row and train one member per fold
(:mod:`glassnet.tabular.ensemble`). For one network: split the rows into
training and validation parts (stratified by class for classifiers), fit the
preprocessing on the training part only, and train the network
(:mod:`glassnet.tabular.fitting`) with early stopping on the validation loss.
Last, write the :class:`~glassnet.tabular.summary.Summary`. Every decision is
said through ``log``, one sentence each.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from .._validation import is_int
from ..network import Network
from ..recording import Recorder
from ..training import split_rows
from ._cells import check_frame, texts
from ._words import plural, quoted_list
from .ensemble import train_members
from .fitting import architecture, build_network, fit_network
from .model import TabularModel
from .narration import neuron_words, watched
from .preprocessor import TabularPreprocessor
from .settings import DEFAULTS, TrainSettings
from .summary import Summary, format_metrics
from .target import check_target, infer_task, rows_with_target


def train(
    frame: pd.DataFrame,
    target: str,
    *,
    task: str = "auto",
    drop: Iterable[str] = (),
    hidden: Iterable[int] = DEFAULTS.hidden,
    activation: str = DEFAULTS.activation,
    epochs: int = DEFAULTS.epochs,
    batch_size: int | None = DEFAULTS.batch_size,
    learning_rate: float = DEFAULTS.learning_rate,
    validation_split: float = DEFAULTS.validation_split,
    patience: int = DEFAULTS.patience,
    members: int = DEFAULTS.members,
    bins: int = DEFAULTS.bins,
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
patience, members, bins, seed, dtype
        The training settings; see :class:`TrainSettings` for their meaning
        and defaults.
    verbose : {0, 1, 2}, default=0
        Progress on standard error, as in :meth:`Network.fit`.
    log : callable(str) or None, default=None
        Called with one sentence for each decision (task, dropped columns,
        missing values, split, result), such as ``print``.
    callbacks : iterable of Callback, default=()
        More callbacks for ``fit`` (the first member's); a ``Recorder``
        without rows records the first five training rows (as encoded).

    Returns
    -------
    Network
        Trained, with ``metadata["preprocessing"]`` (the preprocessing) and
        ``metadata["training"]`` (the :class:`Summary`); ``net.save(path)``.

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
        members=members,
        bins=bins,
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
    n_members = _members_for(len(frame), settings, say)
    if n_members > 1:
        prep = TabularPreprocessor(bins=settings.bins).fit(
            frame, target=target, drop=drop, task=task
        )
        _say_preprocessing(prep, reason, say)
        X = prep.transform(frame)
        say(
            f"training {n_members} networks on {plural(len(frame), 'row')}: each"
            f" learns from {n_members - 1} of {n_members} folds and stops after"
            f" {settings.patience} epochs without improvement on the other"
        )
        net, members, metrics, n_validated = train_members(
            prep,
            X,
            prep.encode_target(frame[target]),
            settings,
            n_members,
            callbacks=_watch_rows(list(callbacks), prep, frame),
            verbose=verbose,
            say=say,
        )
        # Every row trained 4 of 5 members and validated the fifth (unless
        # Ctrl-C stopped the members early).
        rows = len(frame)
        summary = Summary.of_run(settings, rows, rows, n_validated, net.history)
        summary.members, summary.validation_metrics = members, metrics
        say(f"validation (out of fold, {n_validated} rows): {format_metrics(metrics)}")
        model = TabularModel(prep, net)
    else:
        model, summary = _train_one(
            frame, target, task, reason, drop, settings, verbose, say, callbacks
        )
    net = model.network
    net.metadata["preprocessing"] = model.preprocessor.to_dict()
    net.metadata["glossary"] = neuron_words(model.preprocessor)
    summary.to_metadata(net.metadata)
    return model


def _members_for(n_rows: int, settings: TrainSettings, say) -> int:
    """Return the members to train: one when the rows are too few for folds."""
    if settings.members > 1 and n_rows < 2 * settings.members:
        verb = "is" if n_rows == 1 else "are"
        say(
            f"{plural(n_rows, 'row')} {verb} too few for {settings.members} members"
            " (each needs 2 rows to validate on): training one network"
        )
        return 1
    if settings.members > 1 and settings.validation_split != DEFAULTS.validation_split:
        say(
            "validation_split applies to one network (members=1): each of the"
            f" {settings.members} members validates on its own fold instead"
        )
    return settings.members


def _train_one(frame, target, task, reason, drop, settings, verbose, say, callbacks):
    """Train one network with a held-out validation part; return (model, summary)."""
    train_part, val_part = _split(frame, target, task, settings, say)
    prep = TabularPreprocessor(bins=settings.bins).fit(
        train_part, target=target, drop=drop, task=task
    )
    _say_preprocessing(prep, reason, say)
    X_train = prep.transform(train_part)
    y_train = prep.encode_target(train_part[target])
    net = build_network(prep, settings, settings.seed)
    say(
        f"network: {architecture(net)}, {net.n_params:,} parameters;"
        f" Adam, learning rate {settings.learning_rate:g}"
    )
    validation_data = None
    if len(val_part):
        validation_data = (
            prep.transform(val_part),
            prep.encode_target(val_part[target]),
        )
    _say_plan(len(train_part), len(val_part), settings, say)
    fit_network(
        net,
        X_train,
        y_train,
        validation_data,
        settings,
        _watch_rows(list(callbacks), prep, frame),
        verbose,
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
    return model, summary


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
    if not (is_int(settings.members) and settings.members >= 1):
        raise ValueError(
            f"members must be a positive whole number, got {settings.members!r}"
        )
    size = settings.batch_size
    if size is not None and not (is_int(size) and size >= 1):
        raise ValueError(
            f"batch_size must be a positive whole number or None (chosen by the"
            f" table's size), got {size!r}"
        )
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


def _say_plan(n_train: int, n_val: int, settings: TrainSettings, say) -> None:
    """Say how many rows train and validate, and when training stops."""
    if n_val:
        say(
            f"training on {plural(n_train, 'row')}, validating on {n_val};"
            f" stopping after {settings.patience} epochs without improvement"
        )
    else:
        say(f"training on {plural(n_train, 'row')} for {settings.epochs} epochs")


def _watch_rows(callbacks: list, prep: TabularPreprocessor, frame) -> list:
    """Give a ``Recorder`` made without rows the table's first rows, and their words.

    NOTE: the caller cannot pass these rows: they exist only once the
    preprocessing is fitted, inside ``train``. ``glassnet train --report``
    relies on this. They are the first rows with a target, as the file has
    them (training or validation rows alike), named by the glossary.
    """
    for callback in callbacks:
        if isinstance(callback, Recorder) and callback.rows is None:
            callback.rows, callback.glossary = watched(prep, frame)
    return callbacks
