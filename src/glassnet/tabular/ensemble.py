"""Train a table model as an ensemble: one member per fold, averaged as one network.

The rows are cut into ``members`` folds (stratified by class for
classifiers). Member ``i`` trains on every fold but ``i`` and stops early on
fold ``i``, which it never learns from. Together the members have learned from
every row, unlike one network that holds a fifth out for early stopping; and
their errors partly cancel. :func:`glassnet.ensembles.side_by_side` then makes
them one network whose output is their mean, so the model file, ``predict``,
``explain`` and the report see one ordinary network.

Each row is predicted by the member that did not train on it: those
out-of-fold predictions give honest validation metrics on every row.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..ensembles import side_by_side
from ..history import INTERRUPTED, describe_stop
from ..metrics import classification_metrics, regression_metrics
from ..network import Network
from ._words import plural
from .fitting import architecture, build_network, fit_network
from .preprocessor import TabularPreprocessor
from .settings import TrainSettings


def fold_rows(
    n_rows: int, n_folds: int, classes: np.ndarray | None, rng
) -> list[np.ndarray]:
    """Return ``n_folds`` sorted, disjoint row indices covering every row.

    Rows are shuffled, within each class when ``classes`` is given, then dealt
    out in turn, so each fold holds about ``1 / n_folds`` of every class.

    Parameters
    ----------
    n_rows, n_folds : int
    classes : ndarray of shape (n_rows,) or None
    rng : numpy.random.Generator

    Returns
    -------
    list of ndarray of int
    """
    groups = (
        [np.arange(n_rows)]
        if classes is None
        else [np.flatnonzero(classes == label) for label in np.unique(classes)]
    )
    folds: list[list[np.ndarray]] = [[] for _ in range(n_folds)]
    dealt = 0  # continue dealing where the last class stopped: balanced folds
    for group in groups:
        shuffled = rng.permutation(group)
        for fold in range(n_folds):
            folds[fold].append(shuffled[(fold - dealt) % n_folds :: n_folds])
        dealt += len(group)
    return [np.sort(np.concatenate(parts)).astype(np.intp) for parts in folds]


def train_members(
    prep: TabularPreprocessor,
    X: np.ndarray,
    y: np.ndarray,
    settings: TrainSettings,
    n_members: int,
    *,
    callbacks: list,
    verbose: int,
    say: Callable[[str], None],
) -> tuple[Network, list[dict], dict, int]:
    """Train ``n_members`` networks on the folds of ``X``; return them as one.

    Parameters
    ----------
    prep : TabularPreprocessor
        Fitted: it gives the inputs' width and the task.
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, 1)
        Encoded targets.
    settings : TrainSettings
    n_members : int
    callbacks : list of Callback
        Given to the first member's fit only (a recorder follows one network).
    verbose : {0, 1, 2}
    say : callable(str)

    Returns
    -------
    network : Network
        The members side by side; its ``history`` is the first member's (or
        the interrupted one's).
    members : list of dict
        Each member's ``epochs``, ``best_epoch``, ``stop_reason`` and
        ``validation_rows``.
    metrics : dict
        Out-of-fold metrics on the rows the members validated on.
    n_validated : int
        Those rows: every row, unless training was interrupted.
    """
    classes = y if prep.task == "classification" else None
    rng = np.random.default_rng(settings.seed)
    folds = fold_rows(len(X), n_members, classes, rng)
    seeds = _member_seeds(settings.seed, n_members)
    nets, records, predicted = [], [], np.zeros(len(X), dtype=bool)
    out_of_fold = np.zeros(len(X)) if classes is None else np.zeros(len(X), np.intp)
    for index, fold in enumerate(folds):
        net = build_network(prep, settings, seeds[index])
        if index == 0:
            _say_plan(net, settings, n_members, bool(callbacks), say)
        rows = np.setdiff1d(np.arange(len(X)), fold)
        fit_network(
            net,
            X[rows],
            y[rows],
            (X[fold], y[fold]),
            settings,
            callbacks if index == 0 else [],
            verbose,
        )
        records.append(_record(net.history, len(fold)))
        nets.append(net)
        out_of_fold[fold] = net.predict(X[fold]).reshape(len(fold))
        predicted[fold] = True
        say(_describe_member(index, n_members, records[-1]))
        if net.history.stop_reason == INTERRUPTED:
            break
    merged = side_by_side(nets)
    interrupted = nets[-1].history.stop_reason == INTERRUPTED
    merged.history = nets[-1].history if interrupted else nets[0].history
    say(
        f"merged: one network of {architecture(merged)},"
        f" {merged.n_params:,} parameters, whose output is the members' mean"
    )
    metrics = _metrics(prep, y[predicted], out_of_fold[predicted])
    return merged, records, metrics, int(predicted.sum())


def _member_seeds(seed: int | None, n_members: int) -> list[int | None]:
    """Return independent seeds, one per member; None stays None (fresh entropy).

    ``seed + index`` would share four of five members between neighbouring seeds.
    """
    if seed is None:
        return [None] * n_members
    children = np.random.SeedSequence(seed).spawn(n_members)
    return [int(child.generate_state(1)[0]) for child in children]


def _say_plan(net, settings: TrainSettings, n_members: int, callbacks: bool, say):
    say(
        f"network: {n_members} members of {architecture(net)}; Adam, learning rate"
        f" {settings.learning_rate:g} with warm-up and cosine decay"
    )
    if callbacks:
        say(f"callbacks (such as the learning report) follow member 1 of {n_members}")


def _record(history, validation_rows: int) -> dict:
    """Return what the summary keeps of one member's training."""
    return {
        "epochs": history.n_epochs,
        "best_epoch": history.best_epoch,
        "stop_reason": history.stop_reason,
        "validation_rows": validation_rows,
    }


def _describe_member(index: int, n_members: int, record: dict) -> str:
    """Return ``"member 2 of 5: validated on 210 rows, 32 epochs (stopped ...)"``."""
    kept = record["best_epoch"]
    kept_words = "" if kept is None else f"; kept epoch {kept + 1}"
    return (
        f"member {index + 1} of {n_members}: validated on"
        f" {plural(record['validation_rows'], 'row')},"
        f" {plural(record['epochs'], 'epoch')}"
        f" ({describe_stop(record['stop_reason'])}{kept_words})"
    )


def _metrics(prep: TabularPreprocessor, y: np.ndarray, predicted: np.ndarray) -> dict:
    if prep.task == "classification":
        return classification_metrics(y, predicted, n_classes=len(prep.classes))
    return regression_metrics(prep.decode_target(y), prep.decode_target(predicted))
