"""Optimizers: one small update rule per parameter, with state kept by name.

``step(params, grads)`` takes two dicts with the same keys (the network's
dotted parameter names, such as ``"layers.0.weights"``) and updates every array
in ``params`` in place. State (momentum, Adam's moments) lives in
``self.state[name]``, so it can be saved with the model and training resumed.

Weight decay is the L2 penalty ``weight_decay / 2 * sum(weights ** 2)`` added to
the loss, that is ``weight_decay * weights`` added to the gradient. It applies to
parameters named ``weights``, not to biases (as in scikit-learn).
"""

from __future__ import annotations

import numpy as np

from ._config import Configurable
from ._validation import check_number


def _decays(name: str) -> bool:
    return name.rpartition(".")[2] == "weights"


class Optimizer(Configurable):
    """Base class: holds ``learning_rate``, ``weight_decay`` and per-name ``state``.

    Parameters
    ----------
    learning_rate : float
        Step size; schedules may change it between steps.
    weight_decay : float, default=0.0
        L2 penalty coefficient on weights.
    """

    name = "optimizer"

    def __init__(self, learning_rate: float, weight_decay: float = 0.0) -> None:
        self.learning_rate = check_number(
            learning_rate, "learning_rate", low=0, inclusive=False
        )
        self.weight_decay = check_number(
            weight_decay, "weight_decay", low=0, inclusive=True
        )
        self.state: dict[str, dict[str, np.ndarray]] = {}
        self.n_steps = 0

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        """Apply one update to every array in ``params``, in place."""
        self.n_steps += 1
        for name, param in params.items():
            grad = grads[name]
            if self.weight_decay and _decays(name):
                grad = grad + self.weight_decay * param
            self._update(name, param, grad)

    def _update(self, name: str, param: np.ndarray, grad: np.ndarray) -> None:
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

    ``velocity = momentum * velocity + grad``; ``param -= learning_rate * velocity``
    (with Nesterov: ``param -= learning_rate * (grad + momentum * velocity)``), the
    PyTorch formulation. Without momentum: ``param -= learning_rate * grad``.

    Parameters
    ----------
    learning_rate : float, default=0.01
    momentum : float, default=0.0
        In [0, 1).
    nesterov : bool, default=False
        Use Nesterov's accelerated gradient (needs ``momentum > 0``).
    weight_decay : float, default=0.0

    References
    ----------
    Sutskever et al., "On the importance of initialization and momentum in deep
    learning", ICML 2013.
    """

    name = "sgd"
    #: Names of the arrays kept per parameter in ``state`` (with momentum).
    slot_names = ("velocity",)

    def __init__(
        self,
        learning_rate: float = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(learning_rate, weight_decay)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        if nesterov and momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def _update(self, name, param, grad):
        if not self.momentum:
            # NOTE: a step of exactly 1 (the tutorials') skips the multiplication;
            # grad * 1.0 == grad, so only the time changes.
            if self.learning_rate == 1.0:
                param -= grad
            else:
                param -= self.learning_rate * grad
            return
        slot = self.state.get(name)
        if slot is None:
            slot = self.state[name] = {"velocity": np.zeros_like(param)}
        velocity = slot["velocity"]
        velocity *= self.momentum
        velocity += grad
        if self.nesterov:
            param -= self.learning_rate * (grad + self.momentum * velocity)
        else:
            param -= self.learning_rate * velocity


class Adam(Optimizer):
    """Adam: per-parameter step sizes from running moments of the gradient.

    ``m = beta_1 m + (1 - beta_1) g``; ``v = beta_2 v + (1 - beta_2) g**2``;
    ``param -= lr / (1 - beta_1**t) * m / (sqrt(v) / sqrt(1 - beta_2**t) + epsilon)``,
    the formulation of PyTorch.

    Parameters
    ----------
    learning_rate : float, default=0.001
    beta_1 : float, default=0.9
    beta_2 : float, default=0.999
    epsilon : float, default=1e-8
    weight_decay : float, default=0.0

    References
    ----------
    Kingma & Ba, "Adam: A Method for Stochastic Optimization", ICLR 2015.
    """

    name = "adam"
    #: Names of the arrays kept per parameter in ``state``.
    slot_names = ("m", "v")

    def __init__(
        self,
        learning_rate: float = 0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(learning_rate, weight_decay)
        for label, beta in (("beta_1", beta_1), ("beta_2", beta_2)):
            if not 0.0 <= beta < 1.0:
                raise ValueError(f"{label} must be in [0, 1), got {beta!r}")
        if not epsilon > 0:
            raise ValueError(f"epsilon must be > 0, got {epsilon!r}")
        self.beta_1, self.beta_2, self.epsilon = (
            float(beta_1),
            float(beta_2),
            float(epsilon),
        )

    def step(self, params, grads):
        # Bias corrections depend on the step count only: computed once per step.
        t = self.n_steps + 1
        self._step_size = self.learning_rate / (1.0 - self.beta_1**t)
        self._root_correction = 1.0 / np.sqrt(1.0 - self.beta_2**t)
        super().step(params, grads)

    def _update(self, name, param, grad):
        slot = self.state.get(name)
        if slot is None:
            slot = self.state[name] = {
                "m": np.zeros_like(param),
                "v": np.zeros_like(param),
            }
        m, v = slot["m"], slot["v"]
        # In place with one scratch array: a dozen passes over memory per parameter.
        m *= self.beta_1
        work = np.multiply(grad, 1.0 - self.beta_1)
        m += work
        v *= self.beta_2
        np.multiply(grad, grad, out=work)
        work *= 1.0 - self.beta_2
        v += work
        np.sqrt(v, out=work)
        work *= self._root_correction
        work += self.epsilon
        np.divide(m, work, out=work)
        work *= self._step_size
        param -= work


_OPTIMIZERS = {cls.name: cls for cls in (SGD, Adam)}


def get(optimizer) -> Optimizer:
    """Return an Optimizer for a name (``"sgd"``, ``"adam"``) or pass one through."""
    if isinstance(optimizer, Optimizer):
        return optimizer
    try:
        return _OPTIMIZERS[optimizer]()
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown optimizer {optimizer!r}; expected one of {sorted(_OPTIMIZERS)}"
        ) from None


def from_config(name: str, config: dict):
    """Rebuild an optimizer from its name and ``get_config()`` (for model files)."""
    return type(get(name))(**config)
