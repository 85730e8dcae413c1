"""scikit-learn's training bookkeeping as a glassnet callback, with its own state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..callbacks import Callback
from ..history import DIVERGED


@dataclass(frozen=True)
class _Run:
    """What one ``fit`` or ``partial_fit`` call tells the rules.

    ``loss_scale`` turns glassnet's loss into the one scikit-learn reports, and
    ``gradient_scale`` is the factor between their gradients (see ``_Task``).
    ``score`` returns the validation score of the network as it is now; it is
    None without early stopping. ``max_iter`` is the call's number of epochs.
    ``schedule`` is SGD's ``learning_rate`` ("constant" for Adam), with
    ``learning_rate_init`` and ``power_t``.
    """

    n_samples: int
    batch_size: int
    mean_weight: float
    alpha: float
    tol: float
    n_iter_no_change: float
    verbose: bool
    loss_scale: float
    gradient_scale: float
    score: Callable[[], float] | None = None
    max_iter: int = 1
    schedule: str = "constant"
    learning_rate_init: float = 0.001
    power_t: float = 0.5


def _set_rate(optimizer, rate: float) -> None:
    """Set SGD's learning rate as scikit-learn's schedules do.

    scikit-learn's velocity is a step (the rate inside it), glassnet's a sum of
    gradients (times the rate at each step): rescaling it by old rate / new
    rate keeps the next steps scikit-learn's, momentum and Nesterov included.
    """
    ratio = optimizer.learning_rate / rate
    for slots in optimizer.state.values():
        if "velocity" in slots:
            slots["velocity"] *= ratio
    optimizer.learning_rate = rate


class _ScikitLearnRules(Callback):
    """scikit-learn's bookkeeping, run by glassnet's training loop.

    Before each batch it sets the L2 penalty for that batch (``alpha`` over the
    batch's total sample weight) and adds its value to the epoch's loss; after
    each epoch it records the loss (and the validation score), counts epochs
    without improvement by ``tol``, sets SGD's learning rate by its schedule
    and, after more than ``n_iter_no_change`` epochs without improvement,
    stops training (or, with ``learning_rate="adaptive"``, divides the rate
    by 5 until it is below 1e-6), exactly as ``BaseMultilayerPerceptron``
    does; at the end it restores the best weights of early stopping.

    The estimator keeps one for as long as its weights live (through
    ``warm_start`` and ``partial_fit``), gives it a :class:`_Run` before each
    call, and copies the public ``*_`` attributes from it afterwards.

    Parameters
    ----------
    network : Network
        The estimator's newly built network.
    early_stopping : bool
        Whether the stopping rule watches a validation score (else the loss).

    Attributes
    ----------
    loss_curve : list of float
        Each epoch's loss, as scikit-learn reports it, since the weights were drawn.
    t : int
        Training samples seen since the weights were drawn.
    n_iter : int
        Epochs run by the current (or last) call.
    converged : bool
        Whether the current (or last) call stopped on the rule.
    no_improvement_count : int
        Epochs in a row without improvement by ``tol``.
    best_loss, best_validation_score, validation_scores, best_state
        What the stopping rule remembers (see :meth:`restart`).
    """

    def __init__(self, network, *, early_stopping: bool) -> None:
        self.loss_curve: list[float] = []
        self.t = 0
        self.n_iter = 0
        self.converged = False
        self.run: _Run | None = None
        self.weights: list[np.ndarray] = []  # the Dense weights, during a call
        self.penalty = 0.0  # the epoch's L2 penalty so far, summed over batches
        self.restart(network, early_stopping=early_stopping)

    def restart(self, network, *, early_stopping: bool) -> None:
        """Forget what the stopping rule remembers (also if early_stopping changed)."""
        self.no_improvement_count = 0
        if early_stopping:
            self.validation_scores: list[float] | None = []
            self.best_validation_score: float | None = -np.inf
            self.best_loss: float | None = None
            self.best_state = network.state_dict()
        else:
            self.validation_scores = None
            self.best_validation_score = None
            self.best_loss = np.inf
            self.best_state = None

    @property
    def early_stopping(self) -> bool:
        """Whether the stopping rule watches the validation score."""
        return self.validation_scores is not None

    def start(self, run: _Run) -> None:
        """Take the settings of one ``fit`` or ``partial_fit`` call."""
        self.run = run
        self.n_iter = 0
        self.converged = False
        self.stop_reason = None

    def finish(self) -> None:
        """Drop the call's settings and weights: they hold data, not for pickles."""
        self.run = None
        self.weights = []

    def on_train_begin(self, network):
        self.weights = [layer.params["weights"] for layer in network.dense_layers]

    def on_epoch_begin(self, network, epoch):
        self.penalty = 0.0

    def on_batch_begin(self, network, batch):
        run = self.run
        n_batch = min(run.batch_size, run.n_samples - batch * run.batch_size)
        # scikit-learn divides the penalty by the batch's sum of sample weights;
        # here its expected value, exact for full batches and without weights.
        weight_sum = n_batch * run.mean_weight
        network.optimizer.weight_decay = run.alpha / weight_sum / run.gradient_scale
        if run.alpha:
            squares = sum(float(np.vdot(w, w)) for w in self.weights)
            self.penalty += 0.5 * run.alpha * squares / weight_sum * n_batch

    def on_epoch_end(self, network, epoch, logs):
        run = self.run
        loss = logs["loss"] * run.loss_scale + self.penalty / run.n_samples
        self.loss_curve.append(loss)
        self.n_iter += 1
        self.t += run.n_samples
        if run.verbose:
            print(f"Iteration {self.n_iter}, loss = {loss:.8f}")
        improved = (
            self._loss_improved(loss)
            if run.score is None
            else self._score_improved(network, run)
        )
        self.no_improvement_count = 0 if improved else self.no_improvement_count + 1
        if run.schedule == "invscaling":  # scikit-learn's, by samples seen
            rate = run.learning_rate_init / (self.t + 1) ** run.power_t
            _set_rate(network.optimizer, rate * run.gradient_scale)
        if self.no_improvement_count > run.n_iter_no_change:
            self._no_improvement(network, run)

    def _no_improvement(self, network, run: _Run) -> None:
        """Stop training, or (adaptive) divide the rate by 5 while above 1e-6."""
        what = "Training loss" if run.score is None else "Validation score"
        message = (
            f"{what} did not improve more than tol={run.tol:f} for"
            f" {run.n_iter_no_change} consecutive epochs."
        )
        optimizer = network.optimizer
        rate = optimizer.learning_rate / run.gradient_scale
        if run.schedule == "adaptive" and rate > 1e-6:
            _set_rate(optimizer, optimizer.learning_rate / 5.0)
            self.no_improvement_count = 0
            if run.verbose:
                print(f"{message} Setting learning rate to {rate / 5.0:f}")
            return
        if run.verbose:
            small = " Learning rate too small." if run.schedule == "adaptive" else ""
            print(f"{message}{small} Stopping.")
        self.converged = True
        network.stop_training = True

    def _loss_improved(self, loss: float) -> bool:
        improved = not loss > self.best_loss - self.run.tol
        self.best_loss = min(self.best_loss, loss)
        return improved

    def _score_improved(self, network, run: _Run) -> bool:
        score = run.score()
        self.validation_scores.append(score)
        if run.verbose:
            print(f"Validation score: {score:f}")
        improved = not score < self.best_validation_score + run.tol
        if score > self.best_validation_score:
            self.best_validation_score = score
            self.best_state = network.state_dict()
        return improved

    def on_non_finite_loss(self, network, error):
        """With early stopping, finish the call as scikit-learn does; else raise.

        scikit-learn trains on with NaN weights: every epoch left records a NaN
        loss and a NaN validation score (which restarts the count of epochs
        without improvement, as ``NaN < best + tol`` is False) up to
        ``max_iter``; then the best weights come back (``on_train_end``).
        """
        if not self.early_stopping:
            return False
        run = self.run
        while self.n_iter < run.max_iter:
            self.loss_curve.append(np.nan)
            self.validation_scores.append(np.nan)
            self.n_iter += 1
            self.t += run.n_samples
            if run.verbose:
                print(f"Iteration {self.n_iter}, loss = {np.nan:.8f}")
                print(f"Validation score: {np.nan:f}")
        self.no_improvement_count = 0
        self.stop_reason = DIVERGED
        return True

    def on_train_end(self, network, history):
        if self.early_stopping:
            network.load_state_dict(self.best_state)
        # Leave the penalty of a full batch (not of the last, maybe shorter, one)
        # for whoever trains the network further or saves it.
        run = self.run
        network.optimizer.weight_decay = (
            run.alpha / (run.batch_size * run.mean_weight) / run.gradient_scale
        )
