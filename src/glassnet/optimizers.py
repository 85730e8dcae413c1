"""Optimizers: one small update rule for every parameter, with state kept by name.

``step(params, grads)`` takes two dicts with the same keys (the network's
dotted parameter names, such as ``"layers.0.weights"``) and updates every array
in ``params`` in place. State (momentum, Adam's moments) lives in
``self.state[name]``, so it can be saved with the model and training resumed.

A ``Network`` also passes ``buffers``: the one flat array that all its
parameters are views of, and the one its gradients are views of. The rule is
then applied once to the whole buffer (a dozen ufunc calls per step, whatever
the depth, as a careful hand-written loop does), and ``state[name]`` holds
views into flat state buffers, so it is still read and saved by name.

Weight decay is the L2 penalty ``weight_decay / 2 * sum(weights ** 2)`` added to
the loss, that is ``weight_decay * weights`` added to the gradient. It applies to
parameters named ``weights``, not to biases (as in scikit-learn).
"""

from __future__ import annotations

import math

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
    #: Names of the arrays kept per parameter in ``state``.
    slot_names: tuple[str, ...] = ()

    def __init__(self, learning_rate: float, weight_decay: float = 0.0) -> None:
        self.learning_rate = check_number(
            learning_rate, "learning_rate", low=0, inclusive=False
        )
        self.weight_decay = check_number(
            weight_decay, "weight_decay", low=0, inclusive=True
        )
        self.state: dict[str, dict[str, np.ndarray]] = {}
        self.n_steps = 0
        self._work: dict[str, np.ndarray] = {}  # scratch arrays, never saved
        # (buffer, {slot: flat array}, {name: {slot: view}}), see _flat_slots
        self._flat: tuple | None = None

    def step(self, params: dict, grads: dict, *, buffers=None) -> None:
        """Apply one update to every array in ``params``, in place.

        Parameters
        ----------
        params, grads : dict of str to ndarray
            The same names and shapes.
        buffers : (ndarray, ndarray), optional
            Flat arrays that ``params`` and ``grads`` are views of, in order and
            covering them whole: the update then runs once over all of them.
        """
        self.n_steps += 1
        self._begin_step()
        if buffers is not None:
            param_buffer, grad = buffers
            if self.weight_decay:
                decayed = self._scratch("decayed", param_buffer)
                np.copyto(decayed, grad)
                for name, param in params.items():
                    if _decays(name):
                        where = self._offset(param, param_buffer)
                        decayed[where] += self.weight_decay * param.ravel()
                grad = decayed
            slots = self._flat_slots(params, param_buffer) if self.slot_names else {}
            self._update(param_buffer, grad, slots, self._scratch("", param_buffer))
            return
        for name, param in params.items():
            grad = grads[name]
            if self.weight_decay and _decays(name):
                grad = grad + self.weight_decay * param
            slots = self.state.get(name)
            if slots is None and self.slot_names:
                slots = self.state[name] = {
                    s: np.zeros_like(param) for s in self.slot_names
                }
            self._update(param, grad, slots, self._scratch(name, param))

    def _begin_step(self) -> None:
        """Compute what depends only on the step count (once per step)."""

    def _update(self, param, grad, slots: dict | None, work: np.ndarray) -> None:
        """Apply the rule to ``param`` in place; ``work`` is scratch of its shape."""
        raise NotImplementedError

    def _scratch(self, key: str, like: np.ndarray) -> np.ndarray:
        work = self._work.get(key)
        if work is None or work.shape != like.shape or work.dtype != like.dtype:
            work = self._work[key] = np.empty_like(like)
        return work

    @staticmethod
    def _offset(param: np.ndarray, buffer: np.ndarray) -> slice:
        start = (param.ctypes.data - buffer.ctypes.data) // buffer.itemsize
        return slice(start, start + param.size)

    def _flat_slots(self, params: dict, buffer: np.ndarray) -> dict:
        """Return flat state arrays with ``state[name][slot]`` as views into them.

        Rebuilt, keeping the values, when the buffer is new or ``state`` was
        replaced (for example by loading a saved optimizer).
        """
        flat = self._flat
        if flat is not None and flat[0] is buffer:
            views = flat[2]
            if all(
                self.state.get(name, {}).get(slot) is views[name][slot]
                for name in params
                for slot in self.slot_names
            ):
                return flat[1]
        slots = {slot: np.zeros_like(buffer) for slot in self.slot_names}
        views = {}
        for name, param in params.items():
            where = self._offset(param, buffer)
            saved = self.state.get(name, {})
            views[name] = {}
            for slot in self.slot_names:
                view = slots[slot][where].reshape(param.shape)
                if slot in saved:
                    view[...] = saved[slot]
                views[name][slot] = view
            self.state[name] = dict(views[name])
        self._flat = (buffer, slots, views)
        return slots


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

    ``velocity = momentum * velocity + grad``; ``param -= learning_rate * velocity``
    (with Nesterov: ``param -= learning_rate * (grad + momentum * velocity)``), the
    PyTorch formulation. Without momentum: ``param -= learning_rate * grad``.

    Parameters
    ----------
    learning_rate : float, default=0.01
    momentum : float, default=0.0
        In [0, 1] (1 never forgets a gradient: as in PyTorch and scikit-learn,
        allowed, rarely wise).
    nesterov : bool, default=False
        Use Nesterov's accelerated gradient (needs ``momentum > 0``).
    weight_decay : float, default=0.0

    References
    ----------
    Sutskever et al., "On the importance of initialization and momentum in deep
    learning", ICML 2013.
    """

    name = "sgd"

    def __init__(
        self,
        learning_rate: float = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(learning_rate, weight_decay)
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"momentum must be in [0, 1], got {momentum!r}")
        if nesterov and momentum == 0:
            raise ValueError("nesterov=True needs momentum > 0")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)
        # Without momentum SGD keeps no state.
        self.slot_names = ("velocity",) if self.momentum else ()

    def _update(self, param, grad, slots, work):
        if not self.momentum:
            # NOTE: a step of exactly 1 (the tutorials') skips the multiplication;
            # grad * 1.0 == grad, so only the time changes.
            if self.learning_rate == 1.0:
                param -= grad
            else:
                np.multiply(grad, self.learning_rate, out=work)
                param -= work
            return
        velocity = slots["velocity"]
        velocity *= self.momentum
        velocity += grad
        if self.nesterov:
            np.multiply(velocity, self.momentum, out=work)
            work += grad
        else:
            np.copyto(work, velocity)
        work *= self.learning_rate
        param -= work


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
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        self.epsilon = float(epsilon)

    def _begin_step(self):
        # NOTE: Python floats, not NumPy float64 scalars, which would make every
        # float32 multiplication below run through a float64 casting loop.
        t = self.n_steps
        self._step_size = self.learning_rate / (1.0 - self.beta_1**t)
        self._root_correction = 1.0 / math.sqrt(1.0 - self.beta_2**t)

    def _update(self, param, grad, slots, work):
        m, v = slots["m"], slots["v"]
        # In place with one scratch array: a dozen passes over memory.
        m *= self.beta_1
        np.multiply(grad, 1.0 - self.beta_1, out=work)
        m += work
        v *= self.beta_2
        np.multiply(grad, grad, out=work)
        work *= 1.0 - self.beta_2
        v += work
        # step * m / (sqrt(v) * c + eps), c the root correction, computed as
        # (step / c) * m / (sqrt(v) + eps / c): the same update in one pass less.
        np.sqrt(v, out=work)
        work += self.epsilon / self._root_correction
        np.divide(m, work, out=work)
        work *= self._step_size / self._root_correction
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
