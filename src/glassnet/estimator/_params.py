"""The estimators' parameter table: each parameter's check, run by ``fit``.

In the spirit of scikit-learn's ``_parameter_constraints`` (with its ranges),
without its private API: each check takes the parameter's name and value and
returns a one-line reason when the value is refused, or None.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np
from sklearn.utils.metaestimators import available_if

# scikit-learn's activation names (and glassnet's, for the same functions).
ACTIVATIONS = {
    "identity": "identity",
    "logistic": "sigmoid",
    "sigmoid": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "leaky_relu": "leaky_relu",
}
DTYPES = {
    "auto": (np.float64, np.float32),  # float32 stays float32, the rest float64
    "float32": np.float32,
    "float64": np.float64,
}

# A check takes a parameter's name and value; it returns why the value is refused.
Check = Callable[[str, object], str | None]


def _number(
    *, low, high=None, integer=False, open_low=False, closed_high=False, also=None
) -> Check:
    """Return a check for a number in a range (or exactly ``also``)."""
    kind = numbers.Integral if integer else numbers.Real
    what = "an integer" if integer else "a number"
    bound = f"> {low}" if open_low else f">= {low}"
    if high is not None:
        bound += f" and {'<=' if closed_high else '<'} {high}"

    def check(name, value):
        if also is not None and isinstance(value, type(also)) and value == also:
            return None
        valid = isinstance(value, kind) and not isinstance(value, bool)
        if valid:
            valid = value > low if open_low else value >= low
            if high is not None:
                valid = valid and (value <= high if closed_high else value < high)
        return None if valid else f"{name} must be {what} {bound}, got {value!r}"

    return check


def _one_of(choices) -> Check:
    """Return a check for one of the strings ``choices``."""

    def check(name, value):
        if isinstance(value, str) and value in choices:
            return None
        return f"{name} must be one of {sorted(choices)}, got {value!r}"

    return check


def _flag(name, value) -> str | None:
    if isinstance(value, bool | np.bool_):
        return None
    return f"{name} must be True or False, got {value!r}"


def hidden_layer_sizes(value) -> list[int] | None:
    """Return the hidden layers' units as a list, or None if ``value`` is not valid."""
    sizes = list(value) if hasattr(value, "__iter__") else [value]
    if all(
        isinstance(size, numbers.Integral) and not isinstance(size, bool) and size > 0
        for size in sizes
    ):
        return [int(size) for size in sizes]
    return None


def _sizes(name, value) -> str | None:
    if hidden_layer_sizes(value) is not None:
        return None
    return f"{name} must be positive integers such as (100,) or (64, 32), got {value!r}"


def _random_state(name, value) -> str | None:
    if value is None or isinstance(value, np.random.RandomState):
        return None
    integer = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    if integer and value >= 0:
        return None
    return f"{name} must be None, an integer >= 0 or a numpy RandomState, got {value!r}"


PARAMS: dict[str, Check] = {
    "hidden_layer_sizes": _sizes,
    "solver": _one_of({"adam", "sgd", "lbfgs"}),
    "learning_rate": _one_of({"constant", "invscaling", "adaptive"}),
    # The regressor's only ("log_loss" is the classifier's, not a parameter).
    "loss": _one_of({"squared_error", "poisson"}),
    "activation": _one_of(set(ACTIVATIONS)),
    "dtype": _one_of(set(DTYPES)),
    "batch_size": _number(low=1, integer=True, also="auto"),
    "alpha": _number(low=0),
    "learning_rate_init": _number(low=0, open_low=True),
    "power_t": _number(low=0),
    "max_iter": _number(low=1, integer=True),
    "max_fun": _number(low=1, integer=True),
    "tol": _number(low=0),
    # The ranges of MLPClassifier's _parameter_constraints.
    "momentum": _number(low=0, high=1, closed_high=True),
    "validation_fraction": _number(low=0, high=1),
    "beta_1": _number(low=0, high=1),
    "beta_2": _number(low=0, high=1),
    "epsilon": _number(low=0, open_low=True),
    "dropout": _number(low=0, high=1),
    "n_iter_no_change": _number(low=1, integer=True, also=np.inf),
    "shuffle": _flag,
    "warm_start": _flag,
    "nesterovs_momentum": _flag,
    "early_stopping": _flag,
    "random_state": _random_state,
}


def check_params(estimator) -> None:
    """Raise a one-line ValueError for the first parameter that ``PARAMS`` refuses."""
    params = estimator.get_params(deep=False)
    for name, check in PARAMS.items():
        if name not in params:  # the classifier has no loss parameter
            continue
        reason = check(name, params[name])
        if reason is not None:
            raise ValueError(f"{type(estimator).__name__}: {reason}")
    if estimator.early_stopping and estimator.validation_fraction == 0:
        raise ValueError(
            f"{type(estimator).__name__}: validation_fraction must be > 0 with"
            " early_stopping=True (it is the share of the data held out to score"
            " each epoch), got 0; use 0.1, say, or early_stopping=False"
        )


def check_class_weight_keys(class_weight: dict, classes: np.ndarray) -> None:
    """Raise if ``class_weight`` names a class that is not one of ``classes``."""
    known = set(classes.tolist())
    for label in class_weight:
        if label not in known:
            raise ValueError(
                f"class_weight has class {label!r}, which is not in y: its classes"
                f" are {classes.tolist()}; use those labels as keys"
            )


def _stochastic(estimator) -> bool:
    """Return True if ``partial_fit`` applies: not for lbfgs (as scikit-learn's)."""
    if estimator.solver == "lbfgs":
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers; lbfgs is not"
            " stochastic: use solver='adam' or 'sgd'"
        )
    return True


#: ``partial_fit`` exists only where it applies (``hasattr`` says so).
only_stochastic = available_if(_stochastic)
