"""scikit-learn estimators: ``GlassnetClassifier`` and ``GlassnetRegressor``.

They take ``MLPClassifier``'s and ``MLPRegressor``'s parameters, with the same
names, defaults and meanings, so that a pipeline or a parameter grid written
for scikit-learn's MLP runs unchanged; they train a glassnet
:class:`~glassnet.Network`, which ``fit`` leaves in ``network_`` (save it with
:func:`glassnet.io.save`). This is the only module that imports scikit-learn:
install the ``sklearn`` extra, ``pip install "glassnet[sklearn]"``.

What is the same as scikit-learn's MLP, step for step (tests/test_estimator.py
checks it from the same weights): every update, including the L2 penalty
``alpha`` divided by the batch's total sample weight; the mini-batches
(``batch_size="auto"`` is ``min(200, n_samples)``); ``loss_curve_`` (the loss
scikit-learn reports, penalty included); stopping on ``tol`` and
``n_iter_no_change`` (on the training loss, or on the validation score with
``early_stopping=True``, whose best weights are restored at the end);
``warm_start`` (weights kept, optimizer state fresh); ``partial_fit`` (one
epoch, optimizer state kept).

What differs, and why:

- the initial weights are glassnet's (He for ReLU, Glorot otherwise; biases
  zero), and shuffling and the validation split use glassnet's random
  generator: the same ``random_state`` gives other, equally good, draws;
- with ``sample_weight`` and mini-batches, the penalty is divided by the
  batch's *expected* total weight (its size times the mean weight), which
  glassnet's loop knows before the batch is drawn;
- Adam adds ``epsilon`` after the bias correction (as PyTorch and Keras do),
  scikit-learn before it: the same rule whenever ``epsilon`` is far below
  ``sqrt(v)``;
- floating point: ``dtype="auto"`` trains in float32 when ``X`` is float32 and
  in float64 otherwise (scikit-learn does the same), and ``dtype="float32"``
  makes any input float32;
- not supported: ``solver="lbfgs"``, the ``learning_rate`` schedules other
  than constant (there is no ``learning_rate`` or ``power_t`` parameter),
  ``max_fun``, and sparse ``X``.

glassnet adds ``dropout`` (a :class:`~glassnet.Dropout` layer after each hidden
layer), ``dtype`` and, for the classifier, ``class_weight``.
"""

from __future__ import annotations

import numbers
import warnings
from itertools import pairwise

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from .callbacks import Callback
from .layers import Dense, Dropout
from .network import Network
from .optimizers import SGD, Adam

__all__ = ["GlassnetClassifier", "GlassnetRegressor"]

# scikit-learn's activation names (and glassnet's, for the same functions).
_ACTIVATIONS = {
    "identity": "identity",
    "logistic": "sigmoid",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "leaky_relu": "leaky_relu",
}
_DTYPES = {
    "auto": (np.float64, np.float32),  # float32 stays float32, the rest float64
    "float32": np.float32,
    "float64": np.float64,
}


def _check_number(
    estimator, name, *, low, high=None, integer=False, open_low=False, closed_high=False
):
    """Raise a one-line ValueError unless the parameter ``name`` is in range."""
    value = getattr(estimator, name)
    kind = numbers.Integral if integer else numbers.Real
    valid = isinstance(value, kind) and not isinstance(value, bool)
    if valid:
        valid = value > low if open_low else value >= low
        if high is not None:
            valid = valid and (value <= high if closed_high else value < high)
    if not valid:
        what = "an integer" if integer else "a number"
        bound = f"> {low}" if open_low else f">= {low}"
        if high is not None:
            bound += f" and {'<=' if closed_high else '<'} {high}"
        raise ValueError(
            f"{type(estimator).__name__}: {name} must be {what} {bound}, got {value!r}"
        )


def _check_choice(estimator, name, choices):
    value = getattr(estimator, name)
    if not isinstance(value, str) or value not in choices:
        raise ValueError(
            f"{type(estimator).__name__}: {name} must be one of {sorted(choices)},"
            f" got {value!r}"
        )


def _check_bool(estimator, name):
    value = getattr(estimator, name)
    if not isinstance(value, bool | np.bool_):
        raise ValueError(
            f"{type(estimator).__name__}: {name} must be True or False, got {value!r}"
        )


def _seed(random_state) -> int | None:
    """Turn scikit-learn's ``random_state`` into a glassnet seed."""
    if random_state is None or (
        isinstance(random_state, numbers.Integral)
        and not isinstance(random_state, bool)
    ):
        return random_state if random_state is None else int(random_state)
    # A RandomState instance: each fit draws a new seed from it, as sklearn's do.
    return int(check_random_state(random_state).randint(np.iinfo(np.int32).max))


class _ScikitLearnRules(Callback):
    """scikit-learn's bookkeeping, run by glassnet's training loop.

    Before each batch it sets the L2 penalty for that batch (``alpha`` over the
    batch's total sample weight) and adds its value to the epoch's loss; after
    each epoch it records ``loss_curve_`` (and ``validation_scores_``), counts
    epochs without improvement by ``tol`` and stops training after more than
    ``n_iter_no_change`` of them, exactly as ``BaseMultilayerPerceptron`` does.
    """

    def __init__(self, estimator, n_samples, batch_size, mean_weight, validation):
        self.estimator = estimator
        self.n_samples, self.batch_size = n_samples, batch_size
        self.mean_weight = mean_weight
        self.validation = validation
        network = estimator.network_
        self.weights = [
            value
            for name, value in network.named_parameters().items()
            if name.endswith(".weights")
        ]
        self.converged = False

    def on_epoch_begin(self, network, epoch):
        self.penalty = 0.0

    def on_batch_begin(self, network, batch):
        alpha = self.estimator.alpha
        n_batch = min(self.batch_size, self.n_samples - batch * self.batch_size)
        # scikit-learn divides the penalty by the batch's sum of sample weights;
        # here its expected value, exact for full batches and without weights.
        weight_sum = n_batch * self.mean_weight
        network.optimizer.weight_decay = (
            alpha / weight_sum / self.estimator._gradient_scale
        )
        if alpha:
            squares = sum(float(np.vdot(w, w)) for w in self.weights)
            self.penalty += 0.5 * alpha * squares / weight_sum * n_batch

    def on_epoch_end(self, network, epoch, logs):
        est = self.estimator
        loss = logs["loss"] * est._loss_scale + self.penalty / self.n_samples
        est.loss_curve_.append(loss)
        est.loss_ = loss
        est.n_iter_ += 1
        est.t_ += self.n_samples
        if est.verbose:
            print(f"Iteration {est.n_iter_}, loss = {loss:.8f}")
        if self.validation is not None:
            score = est._validation_score(*self.validation)
            est.validation_scores_.append(score)
            if est.verbose:
                print(f"Validation score: {score:f}")
            if score < est.best_validation_score_ + est.tol:
                est._no_improvement_count += 1
            else:
                est._no_improvement_count = 0
            if score > est.best_validation_score_:
                est.best_validation_score_ = score
                est._best_state = network.state_dict()
        else:
            if loss > est.best_loss_ - est.tol:
                est._no_improvement_count += 1
            else:
                est._no_improvement_count = 0
            est.best_loss_ = min(est.best_loss_, loss)
        if est._no_improvement_count > est.n_iter_no_change:
            what = "Training loss" if self.validation is None else "Validation score"
            if est.verbose:
                print(
                    f"{what} did not improve more than tol={est.tol:f} for"
                    f" {est.n_iter_no_change} consecutive epochs. Stopping."
                )
            self.converged = True
            network.stop_training = True


class _GlassnetMLP(BaseEstimator):
    """What the classifier and the regressor share: parameters, fit, predict."""

    _out_activation: str  # set by each subclass for its task, in _prepare_targets

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate_init=0.001,
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
        dropout=0.0,
        dtype="auto",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
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
        self.dropout = dropout
        self.dtype = dtype

    # -- checks -----------------------------------------------------------------

    def _hidden_layer_sizes(self) -> list[int]:
        sizes = self.hidden_layer_sizes
        if not hasattr(sizes, "__iter__"):
            sizes = [sizes]
        sizes = list(sizes)
        if not all(
            isinstance(size, numbers.Integral)
            and not isinstance(size, bool)
            and size > 0
            for size in sizes
        ):
            raise ValueError(
                f"{type(self).__name__}: hidden_layer_sizes must be positive"
                f" integers such as (100,) or (64, 32), got {self.hidden_layer_sizes!r}"
            )
        return [int(size) for size in sizes]

    def _check_params(self) -> None:
        self._hidden_layer_sizes()
        if self.solver == "lbfgs":
            raise ValueError(
                f"{type(self).__name__}: solver='lbfgs' is not supported;"
                " use 'adam' or 'sgd'"
            )
        _check_choice(self, "solver", {"adam", "sgd"})
        _check_choice(self, "activation", set(_ACTIVATIONS))
        _check_choice(self, "dtype", set(_DTYPES))
        if not (isinstance(self.batch_size, str) and self.batch_size == "auto"):
            _check_number(self, "batch_size", low=1, integer=True)
        _check_number(self, "alpha", low=0)
        _check_number(self, "learning_rate_init", low=0, open_low=True)
        _check_number(self, "max_iter", low=1, integer=True)
        _check_number(self, "tol", low=0)
        # The ranges of MLPClassifier's _parameter_constraints.
        _check_number(self, "momentum", low=0, high=1, closed_high=True)
        _check_number(self, "validation_fraction", low=0, high=1)
        _check_number(self, "beta_1", low=0, high=1)
        _check_number(self, "beta_2", low=0, high=1)
        _check_number(self, "epsilon", low=0, open_low=True)
        _check_number(self, "dropout", low=0, high=1)
        if self.n_iter_no_change != np.inf:
            _check_number(self, "n_iter_no_change", low=1, integer=True)
        for name in ("shuffle", "warm_start", "nesterovs_momentum", "early_stopping"):
            _check_bool(self, name)

    # -- building ---------------------------------------------------------------

    def _make_optimizer(self):
        # NOTE: _gradient_scale > 1 where glassnet's loss averages over outputs and
        # scikit-learn's sums (multilabel): scaling the step (SGD) or epsilon (Adam,
        # which is otherwise blind to the gradient's scale) gives the same updates.
        scale = self._gradient_scale
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

    def _build_network(self, n_features: int, dtype) -> Network:
        activation = _ACTIVATIONS[self.activation]
        widths = [n_features, *self._hidden_layer_sizes()]
        layers = []
        for n_inputs, n_units in pairwise(widths):
            layers.append(Dense(n_inputs, n_units, activation))
            if self.dropout:
                layers.append(Dropout(self.dropout))
        output = _ACTIVATIONS.get(self._out_activation, self._out_activation)
        layers.append(Dense(widths[-1], self.n_outputs_, output))
        return Network(
            layers,
            loss=self._loss_name,
            optimizer=self._make_optimizer(),
            dtype=dtype,
            seed=_seed(self.random_state),
        )

    # -- fitting ----------------------------------------------------------------

    def _fit(self, X, y, sample_weight=None, *, incremental=False, classes=None):
        self._check_params()
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        first_pass = not hasattr(self, "network_") or not (
            self.warm_start or incremental
        )
        X, y = validate_data(
            self,
            X,
            y,
            multi_output=True,
            y_numeric=not isinstance(self, ClassifierMixin),
            dtype=_DTYPES[self.dtype],
            reset=first_pass,
        )
        targets, y, n_outputs = self._prepare_targets(
            y, first_pass, incremental, classes
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
        sample_weight = self._add_class_weight(y, sample_weight, incremental)
        if first_pass:
            self.n_outputs_ = n_outputs
            self.n_layers_ = len(self._hidden_layer_sizes()) + 2
            self.out_activation_ = self._out_activation
            self.network_ = self._build_network(X.shape[1], X.dtype)
            self.loss_curve_ = []
            self.t_ = 0
        elif not incremental:
            self.network_.optimizer = self._make_optimizer()  # as sklearn's warm_start
        if first_pass or self.early_stopping != (self.validation_scores_ is not None):
            self._start_stopping_rule()
        self._set_metadata()

        validation = None
        if self.early_stopping:
            X, targets, y, sample_weight, validation = self._split(
                X, targets, y, sample_weight
            )
        n_samples = len(X)
        if self.batch_size == "auto":
            batch_size = min(200, n_samples)
        else:
            if self.batch_size > n_samples:
                warnings.warn(
                    "Got `batch_size` less than 1 or larger than sample size. It is"
                    " going to be clipped",
                    stacklevel=3,
                )
            batch_size = min(self.batch_size, n_samples)
        mean_weight = 1.0 if sample_weight is None else float(sample_weight.mean())
        if mean_weight <= 0:
            raise ValueError("sample_weight must have a positive sum")
        rules = _ScikitLearnRules(self, n_samples, batch_size, mean_weight, validation)
        self.n_iter_ = 0
        history = self.network_.fit(
            X,
            targets,
            epochs=1 if incremental else self.max_iter,
            batch_size=batch_size,
            shuffle=self.shuffle,
            sample_weight=sample_weight,
            callbacks=[rules],
        )
        if history.stop_reason == "interrupted":
            warnings.warn("Training interrupted by user.", stacklevel=3)
        elif not incremental and not rules.converged:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached"
                " and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=3,
            )
        if self.early_stopping:
            self.network_.load_state_dict(self._best_state)
        # Leave the penalty of a full batch (not of the last, maybe shorter, one)
        # for whoever trains the network further or saves it.
        self.network_.optimizer.weight_decay = (
            self.alpha / (batch_size * mean_weight) / self._gradient_scale
        )
        return self

    def _start_stopping_rule(self) -> None:
        """Reset what the stopping rule remembers (also if early_stopping changed)."""
        self._no_improvement_count = 0
        if self.early_stopping:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
            self._best_state = self.network_.state_dict()
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf

    def _split(self, X, targets, y, sample_weight):
        """Hold out ``validation_fraction`` for early stopping, as scikit-learn does."""
        # scikit-learn stratifies binary classification only.
        binary = self._loss_name == "binary_crossentropy" and targets.shape[1] == 1
        stratify = targets if binary else None
        arrays = [X, targets, y] + ([] if sample_weight is None else [sample_weight])
        split = train_test_split(
            *arrays,
            test_size=self.validation_fraction,
            random_state=int(self.network_.rng.integers(np.iinfo(np.int32).max)),
            stratify=stratify,
        )
        train, held_out = split[0::2], split[1::2]
        if len(held_out[0]) < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or"
                " the size of your dataset."
            )
        w_train = train[3] if sample_weight is not None else None
        w_val = held_out[3] if sample_weight is not None else None
        return train[0], train[1], train[2], w_train, (held_out[0], held_out[2], w_val)

    def _validation_score(self, X, y, sample_weight) -> float:
        outputs = self._outputs_unchecked(X)
        if not np.isfinite(outputs).all():
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
        X = validate_data(self, X, reset=False, dtype=(np.float64, np.float32))
        return self._outputs_unchecked(X)

    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weights of each Dense layer, (n_inputs, n_units): ``MLPClassifier``'s."""
        return [
            layer.params["weights"]
            for layer in self.network_.layers
            if isinstance(layer, Dense)
        ]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Biases of each Dense layer, (n_units,): ``MLPClassifier``'s."""
        return [
            layer.params["biases"]
            for layer in self.network_.layers
            if isinstance(layer, Dense)
        ]


class GlassnetClassifier(ClassifierMixin, _GlassnetMLP):
    """Multi-layer perceptron classifier, as ``sklearn.neural_network.MLPClassifier``.

    Binary, multiclass and multilabel classification with the log-loss: a
    sigmoid output (binary, one output; multilabel, one per label) or a softmax
    output (multiclass).

    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(100,)
        Units of each hidden layer.
    activation : {"identity", "logistic", "tanh", "relu", "leaky_relu"}, \
default="relu"
        Activation of the hidden layers (``"sigmoid"`` means ``"logistic"``).
    solver : {"adam", "sgd"}, default="adam"
    alpha : float, default=0.0001
        Strength of the L2 penalty on the weights (not the biases).
    batch_size : int or "auto", default="auto"
        Samples per update; "auto" is ``min(200, n_samples)``.
    learning_rate_init : float, default=0.001
        The (constant) step size.
    max_iter : int, default=200
        Maximum number of epochs.
    shuffle : bool, default=True
        Shuffle the samples every epoch.
    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, shuffling, dropout and the validation split.
    tol : float, default=1e-4
        Smallest improvement of the loss (or the validation score) that counts.
    verbose : bool, default=False
        Print the loss of every epoch.
    warm_start : bool, default=False
        Start ``fit`` from the weights of the previous call.
    momentum : float, default=0.9
        For ``solver="sgd"``.
    nesterovs_momentum : bool, default=True
        For ``solver="sgd"`` with momentum.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data, stop when the validation
        accuracy has not improved by ``tol`` for more than ``n_iter_no_change``
        epochs, and keep the best epoch's weights.
    validation_fraction : float, default=0.1
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        For ``solver="adam"``.
    n_iter_no_change : int, default=10
        Epochs without improvement by ``tol`` before stopping.
    dropout : float, default=0.0
        Dropout rate after each hidden layer (glassnet's).
    dtype : {"auto", "float32", "float64"}, default="auto"
        Floating-point type of the network: "auto" is float32 for float32 ``X``
        and float64 for anything else.
    class_weight : dict, "balanced" or None, default=None
        Weights by class label, multiplied into ``sample_weight``; "balanced"
        is ``n_samples / (n_classes * count(class))``. Not for multilabel
        targets, and "balanced" not in ``partial_fit``.

    Attributes
    ----------
    network_ : Network
        The trained glassnet network (its ``metadata["classes"]`` holds the
        labels of its outputs, when they are JSON data).
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when ``X`` had string column names (a pandas DataFrame).
    loss_ : float
        The last epoch's loss.
    loss_curve_ : list of float
        Each epoch's loss (the mean log-loss plus the L2 penalty, as scikit-learn
        reports it), over all ``fit`` and ``partial_fit`` calls since the weights
        were first drawn.
    best_loss_ : float or None
        The smallest ``loss_curve_`` value (None with ``early_stopping``).
    validation_scores_ : list of float or None
        Each epoch's validation accuracy, with ``early_stopping``.
    best_validation_score_ : float or None
    n_iter_ : int
        Epochs run by the last ``fit`` (1 after ``partial_fit``).
    t_ : int
        Training samples seen.
    n_layers_ : int
        Hidden layers plus 2.
    n_outputs_ : int
    out_activation_ : {"logistic", "softmax"}
    coefs_, intercepts_ : list of ndarray
        Each Dense layer's weights and biases (views into ``network_``).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from glassnet.estimator import GlassnetClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = GlassnetClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.02,
    ...                          random_state=0).fit(X, y)
    >>> clf.n_iter_ < 200, clf.score(X, y) > 0.95  # converged before max_iter
    (True, True)
    >>> clf.predict_proba(X[:1]).round(2)
    array([[1., 0., 0.]])
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate_init=0.001,
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
        dropout=0.0,
        dtype="auto",
        class_weight=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate_init=learning_rate_init,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            dropout=dropout,
            dtype=dtype,
        )
        self.class_weight = class_weight

    def fit(self, X, y, sample_weight=None):
        """Train on ``X`` and ``y`` for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a 0/1 indicator matrix for multilabel.
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : GlassnetClassifier
        """
        return self._fit(X, y, sample_weight)

    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Train for one epoch on ``X`` and ``y``, continuing from the last call.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
        sample_weight : array-like of shape (n_samples,), default=None
        classes : array-like of shape (n_classes,), default=None
            Every class of the whole data set; needed on the first call (but for
            multilabel targets), as ``y`` may hold only some of them.

        Returns
        -------
        self : GlassnetClassifier
        """
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict(self, X):
        """Return the predicted labels, shape (n_samples,) or (n_samples, n_labels)."""
        return self._outputs_to_predictions(self._outputs(X))

    def predict_proba(self, X):
        """Return class probabilities, (n_samples, n_classes), in ``classes_`` order.

        For multilabel targets, the probability of each label, (n_samples, n_labels).
        """
        outputs = self._outputs(X)
        if self._label_binarizer.y_type_ == "binary":
            return np.hstack([1 - outputs, outputs])
        return outputs

    def predict_log_proba(self, X):
        """Return the log of :meth:`predict_proba` (-inf for a probability of 0)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def _outputs_unchecked(self, X):
        return self.network_.predict_proba(X)

    def _outputs_to_predictions(self, outputs):
        if outputs.shape[1] == 1:
            outputs = outputs.ravel()
        return self._label_binarizer.inverse_transform(outputs)

    def _score_function(self, y, y_pred, sample_weight=None):
        return accuracy_score(y, y_pred, sample_weight=sample_weight)

    def _prepare_targets(self, y, first_pass, incremental, classes):
        """Return the network's targets and the labels, fitting ``classes_`` if new."""
        check_classification_targets(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        multilabel = type_of_target(y).startswith("multilabel")
        if (
            classes is not None
            and not first_pass
            and not np.array_equal(np.unique(classes), self.classes_)
        ):
            raise ValueError(
                f"classes={classes!r} differs from classes_={self.classes_!r}"
                " of the first partial_fit call"
            )
        if first_pass:
            if incremental and classes is None and not multilabel:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit:"
                    " every class of the whole data set, such as np.unique(y_all)"
                )
            self._label_binarizer = LabelBinarizer()
            if incremental and not multilabel:
                self._label_binarizer.fit(np.asarray(classes))
            else:
                self._label_binarizer.fit(y)
            self.classes_ = self._label_binarizer.classes_
            if self._label_binarizer.y_type_ != "multilabel-indicator" and (
                len(self.classes_) < 2
            ):
                raise ValueError(
                    f"{type(self).__name__} needs at least 2 classes in y, got"
                    f" one class: {self.classes_[0]}"
                )
        else:
            present = np.unique(y) if not multilabel else self.classes_
            if self.warm_start and not incremental:
                if set(present) != set(self.classes_):
                    raise ValueError(
                        "warm_start can only be used where `y` has the same classes"
                        f" as in the previous call to fit. Previously got"
                        f" {self.classes_}, `y` has {present}"
                    )
            elif len(np.setdiff1d(present, self.classes_)):
                raise ValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has"
                    f" {self.classes_}. 'y' has {present}."
                )
        indicator = self._label_binarizer.transform(y)
        y_type = self._label_binarizer.y_type_
        if y_type == "multiclass":
            self._loss_name, self._out_activation = (
                "categorical_crossentropy",
                "softmax",
            )
            targets = indicator.argmax(axis=1)
        else:
            self._loss_name, self._out_activation = "binary_crossentropy", "logistic"
            targets = indicator
        n_outputs = 1 if y_type == "binary" else len(self.classes_)
        # glassnet's binary cross-entropy averages over the outputs, sklearn's sums.
        scale = 1 if y_type == "multiclass" else n_outputs
        self._loss_scale = self._gradient_scale = scale
        return targets, y, n_outputs

    def _add_class_weight(self, y, sample_weight, incremental):
        multilabel = self._label_binarizer.y_type_ == "multilabel-indicator"
        weights = sample_weight
        if self.class_weight is not None:
            if multilabel:
                raise ValueError(
                    "class_weight is not supported for multilabel targets;"
                    " pass sample_weight instead"
                )
            if isinstance(self.class_weight, dict):
                by_label = {
                    label: self.class_weight.get(label, 1.0) for label in np.unique(y)
                }
            elif self.class_weight == "balanced" and not incremental:
                by_label = "balanced"
            elif self.class_weight == "balanced":
                raise ValueError(
                    "class_weight='balanced' needs every sample at once: use it with"
                    " fit, or pass a dict of class weights to partial_fit"
                )
            else:
                raise ValueError(
                    f"{type(self).__name__}: class_weight must be None, 'balanced' or"
                    f" a dict of class label to weight, got {self.class_weight!r}"
                )
            by_class = compute_sample_weight(by_label, y)
            weights = by_class if weights is None else weights * by_class
        if weights is not None and not incremental and not multilabel:
            weighted = np.unique(y[weights > 0])
            if len(weighted) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs at least 2 classes with positive"
                    f" sample_weight, got {weighted.tolist()}"
                )
        return weights

    def _set_metadata(self):
        super()._set_metadata()
        classes = self.classes_.tolist()
        if all(isinstance(label, int | str | float | bool) for label in classes):
            self.network_.metadata["classes"] = classes

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class GlassnetRegressor(RegressorMixin, _GlassnetMLP):
    """Multi-layer perceptron regressor, as ``sklearn.neural_network.MLPRegressor``.

    Minimises half the squared error, for one or several outputs, with an
    identity output layer. The parameters are those of
    :class:`GlassnetClassifier` (without ``class_weight``); with
    ``early_stopping`` the validation score is R^2.

    Attributes
    ----------
    network_ : Network
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
    loss_, loss_curve_, best_loss_, validation_scores_, best_validation_score_
        As :class:`GlassnetClassifier`'s; the loss is half the squared error,
        averaged over samples and outputs (as scikit-learn reports it), plus
        the L2 penalty.
    n_iter_, t_, n_layers_, n_outputs_, coefs_, intercepts_
        As :class:`GlassnetClassifier`'s.
    out_activation_ : "identity"

    Examples
    --------
    >>> import numpy as np
    >>> from glassnet.estimator import GlassnetRegressor
    >>> X = np.linspace(-1, 1, 200).reshape(-1, 1)
    >>> reg = GlassnetRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.05,
    ...                         random_state=0)
    >>> reg.fit(X, X.ravel() ** 2).score(X, X.ravel() ** 2) > 0.95
    True
    """

    _loss_name = "half_squared_error"
    _out_activation = "identity"
    _gradient_scale = 1

    def fit(self, X, y, sample_weight=None):
        """Train on ``X`` and ``y`` for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : GlassnetRegressor
        """
        return self._fit(X, y, sample_weight)

    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch on ``X`` and ``y``, continuing from the last call.

        Returns
        -------
        self : GlassnetRegressor
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Return predictions, shape (n_samples,) or (n_samples, n_outputs)."""
        return self._outputs_to_predictions(self._outputs(X))

    def _outputs_unchecked(self, X):
        return self.network_.predict(X)

    def _outputs_to_predictions(self, outputs):
        return outputs.ravel() if outputs.shape[1] == 1 else outputs

    def _score_function(self, y, y_pred, sample_weight=None):
        return r2_score(y, y_pred, sample_weight=sample_weight)

    def _prepare_targets(self, y, first_pass, incremental, classes):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        targets = y.reshape(len(y), -1)
        if not first_pass and targets.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {targets.shape[1]} outputs but the model was trained on"
                f" {self.n_outputs_}; pass the same target columns as before"
            )
        # Its gradient is of half the squared error summed over outputs (as
        # glassnet's); the loss it reports is averaged over them.
        self._loss_scale = 1.0 / targets.shape[1]
        return targets, y, targets.shape[1]

    def _add_class_weight(self, y, sample_weight, incremental):
        return sample_weight

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
