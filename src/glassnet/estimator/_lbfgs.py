"""``solver="lbfgs"``: SciPy's L-BFGS-B on the network's flat parameter vector.

As scikit-learn's MLP does, the whole training set is one batch and the
objective is the mean loss plus the L2 penalty ``alpha / 2 * sum(weights ** 2)``
over the total sample weight; ``max_iter`` bounds the L-BFGS iterations,
``max_fun`` the loss evaluations, and ``tol`` is the projected gradient's
tolerance (``gtol``). L-BFGS-B also stops when the loss's relative reduction
falls below ``ftol`` (its default, as scikit-learn's); a ``tol`` below that
lowers it too, so that ``tol=0`` stops on neither (scikit-learn's would still
stop on ``ftol``). The vector is glassnet's own flat buffer
(``Network.flat_parameters``): the objective writes the candidate into it, runs
``forward_backward`` and reads ``Network.flat_gradients``, so nothing is
packed or unpacked per call. SciPy comes with scikit-learn; it is imported
here only, and only when lbfgs is used.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from .._numerics import quiet_numerics
from ..history import NonFiniteLossError

#: L-BFGS-B's default ``ftol`` (``factr=1e7`` times the machine epsilon).
_FTOL = 1e7 * np.finfo(np.float64).eps


@dataclass
class LbfgsResult:
    """What one L-BFGS run leaves: its iterations and each iteration's loss.

    ``loss_curve`` is in scikit-learn's terms (see ``_Task.loss_scale``),
    penalty included; ``loss`` is its last value.
    """

    n_iter: int
    loss: float
    loss_curve: list[float] = field(default_factory=list)


class _Objective:
    """The loss and its gradient at a parameter vector, for SciPy.

    Parameters
    ----------
    network : Network
    X, y, sample_weight
        The training data as ``Network.check_data`` returns it.
    alpha : float
        L2 penalty, divided by the total sample weight (scikit-learn's).
    gradient_scale, loss_scale : float
        See ``_Task``: the objective is glassnet's loss times
        ``gradient_scale`` (scikit-learn's gradient), the reported loss
        glassnet's loss times ``loss_scale``.
    """

    def __init__(self, network, X, y, sample_weight, alpha, task) -> None:
        self.network, self.X, self.y, self.weights = network, X, y, sample_weight
        total = X.shape[0] if sample_weight is None else float(sample_weight.sum())
        self.penalty = alpha / total
        self.task = task
        # 1 where a parameter is a weight (penalised), 0 for biases.
        self.decays = np.zeros(network.n_params)
        offset = 0
        for name, value in network.named_parameters().items():
            if name.endswith(".weights"):
                self.decays[offset : offset + value.size] = 1.0
            offset += value.size
        self.reported = math.nan  # the last evaluation's loss, in sklearn's terms

    def __call__(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        network = self.network
        network.flat_parameters[...] = theta
        try:
            loss = network.forward_backward(self.X, self.y, self.weights)
        except NonFiniteLossError:
            # A trial step too far: L-BFGS-B's line search backs off from it.
            self.reported = math.inf
            return math.inf, np.zeros_like(theta)
        decayed = theta * self.decays
        penalty = 0.5 * self.penalty * float(decayed @ theta)
        self.reported = loss * self.task.loss_scale + penalty
        value = loss * self.task.gradient_scale + penalty
        grad = network.flat_gradients * self.task.gradient_scale
        return value, grad + self.penalty * decayed


def fit_lbfgs(estimator, X, y, sample_weight, task) -> LbfgsResult:
    """Minimise the estimator's loss over ``network_``'s parameters with L-BFGS-B.

    Parameters
    ----------
    estimator : GlassnetClassifier or GlassnetRegressor
        Gives ``network_`` (trained in place) and the parameters ``alpha``,
        ``max_iter``, ``max_fun``, ``tol`` and ``verbose``.
    X : ndarray or sparse matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples, n_outputs) or (n_samples,)
        The network's targets.
    sample_weight : ndarray of shape (n_samples,) or None
    task : _Task

    Returns
    -------
    LbfgsResult

    Warns
    -----
    ConvergenceWarning
        If L-BFGS-B stopped on ``max_iter`` or ``max_fun`` (or its line search
        failed) before the gradient fell below ``tol``.
    """
    from scipy.optimize import minimize

    network = estimator.network_
    X, y, sample_weight = network.check_data(X, y, sample_weight)
    objective = _Objective(network, X, y, sample_weight, estimator.alpha, task)
    curve: list[float] = []

    def record(_theta) -> None:
        # The accepted point is the line search's last evaluation.
        curve.append(objective.reported)
        if estimator.verbose:
            print(f"Iteration {len(curve)}, loss = {objective.reported:.8f}")

    with quiet_numerics():
        result = minimize(
            objective,
            network.flat_parameters.astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            callback=record,
            options={
                "maxfun": estimator.max_fun,
                "maxiter": estimator.max_iter,
                "gtol": estimator.tol,
                "ftol": min(_FTOL, estimator.tol),
            },
        )
        objective(result.x)  # leave the network at the solution (and its loss)
    n_iter = min(int(result.nit), estimator.max_iter)
    if result.status != 0:
        warnings.warn(
            f"lbfgs failed to converge after {n_iter} iteration(s)"
            f" (status={result.status}): {result.message}. Increase max_iter"
            f" ({estimator.max_iter}) or max_fun ({estimator.max_fun}), or scale"
            " the data (for example with sklearn.preprocessing.StandardScaler)",
            ConvergenceWarning,
            stacklevel=4,
        )
    return LbfgsResult(n_iter=n_iter, loss=objective.reported, loss_curve=curve)
