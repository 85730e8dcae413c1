"""What the classifier and the regressor share: parameters, building, the fit driver."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from functools import partial
from itertools import pairwise

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from .._numerics import NonFiniteOutputError
from .._validation import check_weight_sum
from ..history import NonFiniteLossError
from ..layers import Dense, Dropout
from ..network import Network
from ..optimizers import SGD, Adam
from ._data import non_finite, seed, validated
from ._lbfgs import fit_lbfgs
from ._params import ACTIVATIONS, DTYPES, check_params, hidden_layer_sizes
from ._rules import _Run, _ScikitLearnRules
from ._weights import FittedWeights, write


@dataclass(frozen=True)
class _Task:
    """What the targets ask of the network, and how its numbers map to scikit-learn's.

    Attributes
    ----------
    loss : str
        glassnet's loss name.
    out_activation : {"logistic", "softmax", "identity"}
        The output activation, by scikit-learn's name (``out_activation_``).
    n_outputs : int
    loss_scale : float
        glassnet's loss times this is the loss scikit-learn reports.
    gradient_scale : float
        scikit-learn's gradient over glassnet's: above 1 where glassnet's loss
        averages over the outputs and scikit-learn's sums them (multilabel).
    """

    loss: str
    out_activation: str
    n_outputs: int
    loss_scale: float = 1.0
    gradient_scale: float = 1.0


class _GlassnetMLP(FittedWeights, BaseEstimator):
    """What the classifier and the regressor share: parameters, fit, predict.

    A subclass supplies ``_prepare_targets`` (returning the network's targets,
    the labels and a :class:`_Task`), ``_add_class_weight``, ``_outputs_unchecked``,
    ``_outputs_to_predictions`` and ``_score_function``.
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        dtype="auto",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.dtype = dtype

    # -- building ---------------------------------------------------------------

    def _make_optimizer(self, task: _Task):
        # NOTE: gradient_scale > 1 where glassnet's loss averages over outputs and
        # scikit-learn's sums (multilabel): scaling the step (SGD) or epsilon (Adam,
        # which is otherwise blind to the gradient's scale) gives the same updates.
        scale = task.gradient_scale
        if self.solver == "sgd":
            return SGD(
                learning_rate=self.learning_rate_init * scale,
                momentum=self.momentum,
                nesterov=bool(self.nesterovs_momentum and self.momentum > 0),
            )
        return Adam(
            learning_rate=self.learning_rate_init,
            beta_1=self.beta_1,
            beta_2=self.beta_2,
            epsilon=self.epsilon / scale,
        )

    def _build_network(self, n_features: int, dtype, task: _Task) -> Network:
        activation = ACTIVATIONS[self.activation]
        widths = [n_features, *hidden_layer_sizes(self.hidden_layer_sizes)]
        layers = []
        for n_inputs, n_units in pairwise(widths):
            layers.append(Dense(n_inputs, n_units, activation))
            if self.dropout:
                layers.append(Dropout(self.dropout))
        output = ACTIVATIONS.get(task.out_activation, task.out_activation)
        layers.append(Dense(widths[-1], task.n_outputs, output))
        return Network(
            layers,
            loss=task.loss,
            optimizer=self._make_optimizer(task),
            dtype=dtype,
            seed=seed(self.random_state),
        )

    def _start_network(self, n_features, dtype, task, first_pass, incremental):
        """Build the network (first pass), or keep it for warm_start or partial_fit.

        Weights assigned to ``coefs_`` and ``intercepts_`` before the network
        existed go into it, unless this is a first pass (as scikit-learn's).
        """
        assigned = self.__dict__.pop("_assigned", {})
        if first_pass or not hasattr(self, "network_"):
            self.n_outputs_ = task.n_outputs
            self.out_activation_ = task.out_activation
            self.network_ = self._build_network(n_features, dtype, task)
            self.n_layers_ = len(self.network_.widths)
            self._rules = _ScikitLearnRules(
                self.network_, early_stopping=self.early_stopping
            )
            for key, arrays in assigned.items() if not first_pass else ():
                write(self.network_.dense_layers, key, arrays)
        else:
            if not incremental:
                self.network_.optimizer = self._make_optimizer(task)  # as sklearn's
            if self.early_stopping != self._rules.early_stopping:
                self._rules.restart(self.network_, early_stopping=self.early_stopping)
        self._set_metadata()

    # -- fitting ----------------------------------------------------------------

    def _fit(self, X, y, sample_weight=None, *, incremental=False, classes=None):
        """Train for ``max_iter`` epochs (``fit``) or one (``partial_fit``)."""
        check_params(self)
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        has_weights = hasattr(self, "network_") or "_assigned" in vars(self)
        first_pass = not has_weights or not (self.warm_start or incremental)
        X, y = validated(
            self,
            X,
            y,
            multi_output=True,
            y_numeric=not isinstance(self, ClassifierMixin),
            dtype=DTYPES[self.dtype],
            reset=first_pass,
        )
        targets, y, task = self._prepare_targets(y, first_pass, incremental, classes)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
            check_weight_sum(sample_weight, name="sample_weight")
        sample_weight = self._add_class_weight(y, sample_weight, incremental)
        self._start_network(X.shape[1], X.dtype, task, first_pass, incremental)
        if self.solver == "lbfgs":
            self._fit_lbfgs(X, targets, sample_weight, task)
        else:
            self._fit_stochastic(X, targets, y, sample_weight, task, incremental)
        if not all(np.isfinite(w).all() for w in self.coefs_ + self.intercepts_):
            raise non_finite()  # the last update overflowed, with a finite loss
        return self

    def _fit_lbfgs(self, X, targets, sample_weight, task) -> None:
        """Train with L-BFGS-B on the whole data (early stopping does not apply)."""
        result = fit_lbfgs(self, X, targets, sample_weight, task)
        if not np.isfinite(result.loss):  # no finite loss anywhere it looked
            raise non_finite()
        self.n_iter_, self.loss_ = result.n_iter, result.loss
        # scikit-learn keeps no curve for lbfgs; here, each iteration's loss.
        self.loss_curve_ = result.loss_curve
        self.best_loss_ = min(result.loss_curve, default=result.loss)
        self.validation_scores_ = self.best_validation_score_ = None
        self.t_ = self._rules.t

    def _fit_stochastic(self, X, targets, y, sample_weight, task, incremental):
        """Train with SGD or Adam in mini-batches, under scikit-learn's rules."""
        validation = None
        if self.early_stopping:
            X, targets, y, sample_weight, validation = self._split(
                X, targets, y, sample_weight, task
            )
        rules = self._rules
        run = self._run(X.shape[0], sample_weight, task, validation)
        rules.start(replace(run, max_iter=1 if incremental else self.max_iter))
        try:
            history = self.network_.fit(
                X,
                targets,
                epochs=rules.run.max_iter,
                batch_size=rules.run.batch_size,
                shuffle=self.shuffle,
                sample_weight=sample_weight,
                callbacks=[rules],
                # scikit-learn's checks have looked at every value of X already:
                # on a large X a second pass costs several percent of an epoch.
                check_finite=False,
            )
        except NonFiniteLossError as error:
            raise non_finite(error) from None
        finally:
            rules.finish()
            self._copy_fitted_attributes()
        if history.stop_reason == "interrupted":
            warnings.warn("Training interrupted by user.", stacklevel=4)
        elif not incremental and not rules.converged:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached"
                " and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=4,
            )

    def _run(self, n_samples, sample_weight, task, validation) -> _Run:
        """Return the settings of this call for the stopping rules."""
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            if self.batch_size > n_samples:
                warnings.warn(
                    "Got `batch_size` less than 1 or larger than sample size. It is"
                    " going to be clipped",
                    stacklevel=4,
                )
            batch_size = min(self.batch_size, n_samples)
        mean_weight = 1.0 if sample_weight is None else float(sample_weight.mean())
        if mean_weight <= 0:
            raise ValueError("sample_weight must have a positive sum")
        score = None
        if validation is not None:
            score = partial(self._validation_score, *validation)
        return _Run(
            n_samples=n_samples,
            batch_size=batch_size,
            mean_weight=mean_weight,
            alpha=self.alpha,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            # scikit-learn's Adam keeps its rate: the schedules are SGD's.
            schedule=self.learning_rate if self.solver == "sgd" else "constant",
            learning_rate_init=self.learning_rate_init,
            power_t=self.power_t,
            verbose=self.verbose,
            loss_scale=task.loss_scale,
            gradient_scale=task.gradient_scale,
            score=score,
        )

    def _copy_fitted_attributes(self) -> None:
        """Copy what the rules recorded into scikit-learn's fitted attributes."""
        rules = self._rules
        self.loss_curve_ = list(rules.loss_curve)
        if rules.loss_curve:
            self.loss_ = rules.loss_curve[-1]
        self.n_iter_ = rules.n_iter
        self.t_ = rules.t
        self.best_loss_ = rules.best_loss
        self.best_validation_score_ = rules.best_validation_score
        scores = rules.validation_scores
        self.validation_scores_ = None if scores is None else list(scores)

    def _split(self, X, targets, y, sample_weight, task):
        """Hold out ``validation_fraction`` for early stopping, as scikit-learn does."""
        # scikit-learn stratifies binary classification only.
        binary = task.loss == "binary_crossentropy" and targets.shape[1] == 1
        # As booleans, as scikit-learn's: its errors name the classes 'True', 'False'.
        stratify = targets.astype(bool) if binary else None
        arrays = [X, targets, y] + ([] if sample_weight is None else [sample_weight])
        split = train_test_split(
            *arrays,
            test_size=self.validation_fraction,
            random_state=int(self.network_.rng.integers(np.iinfo(np.int32).max)),
            stratify=stratify,
        )
        train, held_out = split[0::2], split[1::2]
        if held_out[0].shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or"
                " the size of your dataset."
            )
        w_train = train[3] if sample_weight is not None else None
        w_val = held_out[3] if sample_weight is not None else None
        return train[0], train[1], train[2], w_train, (held_out[0], held_out[2], w_val)

    def _validation_score(self, X, y, sample_weight) -> float:
        """Return the validation score (accuracy or R^2) of the network now."""
        try:
            outputs = self._outputs_unchecked(X)
        except NonFiniteOutputError:  # as scikit-learn's score of NaN predictions
            return np.nan
        return self._score_function(
            y, self._outputs_to_predictions(outputs), sample_weight=sample_weight
        )

    def _set_metadata(self) -> None:
        """Record in the network what a model file needs to give labels back."""
        self.network_.metadata["estimator"] = type(self).__name__

    # -- predicting -------------------------------------------------------------

    def _outputs_unchecked(self, X) -> np.ndarray:
        raise NotImplementedError

    def _outputs(self, X) -> np.ndarray:
        check_is_fitted(self)
        X = validated(self, X, reset=False, dtype=(np.float64, np.float32))
        return self._outputs_unchecked(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True  # CSR and CSC, as MLPClassifier's
        return tags
