"""Explain one training step in the tutorials' words: every matrix, what it means.

:func:`explain` runs the forward and backward pass of one step on ``X``, ``y``
and computes the update the optimizer *would* make, on copies: the network's
weights and optimizer state are left as they were. The result lists, in the
order the tutorials compute them, ``l0``, ``syn0``, ``l1``..., the error, the
deltas and the updates, each with its shape, its values and one sentence.

Names extend the tutorials' pattern to any depth: ``lk`` is the output of
layer k (``l0`` the inputs), ``synk`` the weights from ``lk`` to ``l(k+1)``,
``lk_error`` the error that reaches ``lk`` and ``lk_delta`` that error times the
slope of the activation (minus the gradient of the loss with respect to the
layer's pre-activation).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from ._numerics import quiet_numerics
from .layers import Dense, Dropout
from .optimizers import SGD


@dataclass
class Step:
    """One named matrix of a training step.

    Attributes
    ----------
    name : str
        The tutorials' name, such as ``"l1_delta"``.
    formula : str
        How it is computed, such as ``"l2_error * sigmoid'(l2)"``.
    value : ndarray
    meaning : str
        One sentence on what it means.
    """

    name: str
    formula: str
    value: np.ndarray
    meaning: str


@dataclass
class Explanation:
    """Every matrix of one training step, in order; ``str()`` renders it as text.

    Attributes
    ----------
    steps : list of Step
    loss : float
        The step's loss, before the update.
    summary : str
        What network, data and rule the step used.
    """

    steps: list[Step]
    loss: float
    summary: str

    def __getitem__(self, name: str) -> np.ndarray:
        for step in self.steps:
            if step.name == name:
                return step.value
        raise KeyError(f"no matrix named {name!r}; have {[s.name for s in self.steps]}")

    def to_text(self, *, max_rows: int = 8, precision: int = 8) -> str:
        """Render each matrix with its shape, values (rows elided past ``max_rows``)."""
        lines = [self.summary, ""]
        for step in self.steps:
            shape = "x".join(map(str, np.shape(step.value))) or "scalar"
            lines.append(f"{step.name} = {step.formula}    [{shape}]")
            lines.append(f"  {step.meaning}")
            with np.printoptions(
                precision=precision, suppress=True, threshold=max_rows * 8, edgeitems=3
            ):
                text = np.array2string(np.asarray(step.value), max_line_width=88)
            lines.extend("  " + row for row in text.splitlines())
            lines.append("")
        lines.append(f"loss (before the update) = {self.loss:.10g}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()


def intermediates(network) -> dict[str, np.ndarray | float]:
    """Return every array of ``network``'s last training step by the tutorials' names.

    This is ``Network.intermediates``. After ``train_step`` or ``fit``, for a
    network of L layers:

    - ``"l0"`` the inputs, ``"l1"`` ... ``"lL"`` each layer's outputs (the
      forward pass *before* the step's update, as the tutorials print them);
    - ``"lL_error"``: ``y - lL``, how much the network missed;
    - ``"lk_delta"``: minus dL/dz_k, the tutorials' delta (for their loss,
      half the sum of squares, ``lL_delta = lL_error * lL * (1 - lL)``);
    - ``"lk_error"`` for k < L: minus dL/dl_k, the error sent back to layer
      k, ``l(k+1)_delta @ syn(k).T``;
    - ``"syn0"`` ... the weights *after* the update, ``"syn0_grad"`` ... their
      gradients, and ``"b0"``, ``"b0_grad"`` ... for biases;
    - ``"loss"``: the step's loss.

    Returns
    -------
    dict of str to ndarray or float

    Raises
    ------
    RuntimeError
        If the network has not taken a training step yet.
    """
    last_step = network.last_step
    if last_step is None:
        raise RuntimeError("no training step yet: call train_step(X, y) or fit first")
    values: dict[str, np.ndarray | float] = {"l0": network.layers[0].inputs}
    depth = len(network.layers)
    for index, layer in enumerate(network.layers):
        values[f"l{index + 1}"] = layer.outputs
    targets = last_step.targets
    if targets.ndim == 1:  # class labels: compare with one-hot rows
        targets = np.eye(network.n_outputs, dtype=network.dtype)[targets]
    values[f"l{depth}_error"] = targets - network.layers[-1].outputs
    for index in range(depth, 0, -1):
        layer = network.layers[index - 1]
        if index < depth and getattr(layer, "grad_outputs", None) is not None:
            values[f"l{index}_error"] = -layer.grad_outputs
        if getattr(layer, "grad_preactivations", None) is not None:
            values[f"l{index}_delta"] = -layer.grad_preactivations
    for index, layer in enumerate(network.layers):
        if "weights" in layer.params:
            values[f"syn{index}"] = layer.params["weights"]
            values[f"syn{index}_grad"] = layer.grads["weights"]
        if "biases" in layer.params:
            values[f"b{index}"] = layer.params["biases"]
            values[f"b{index}_grad"] = layer.grads["biases"]
    values["loss"] = last_step.loss
    return values


_SLOPES = {
    "sigmoid": "{a} * (1 - {a})",
    "tanh": "1 - {a}**2",
    "relu": "({a} > 0)",
    "leaky_relu": "where({a} > 0, 1, alpha)",
    "identity": "1",
    "softmax": "softmax's Jacobian",
}


def explain(network, X, y) -> Explanation:
    """Run one training step of ``network`` on ``X``, ``y`` and explain every matrix.

    The network's weights and optimizer state are not changed; its layers keep
    the step's arrays, so ``network.intermediates()`` shows the same step.

    Parameters
    ----------
    network : Network
    X : array-like of shape (n_samples, n_inputs)
    y : array-like of targets, as for ``fit``

    Returns
    -------
    Explanation
        Print it, or read a matrix by name: ``explanation["l1_delta"]``.
    """
    X, y, _ = network.check_data(X, y)
    with quiet_numerics():
        loss = network.forward_backward(X, y)
        params_after = _step_on_copies(network)
    updates = _updates(network, params_after)
    values = intermediates(network)
    steps = [
        *_forward_steps(network, values),
        *_backward_steps(network, values),
        *_update_steps(network, updates),
    ]
    summary = (
        f"One training step of {network!r} on {len(X)} samples; the update shown"
        " is computed on copies: the network itself is unchanged."
    )
    return Explanation(steps=steps, loss=float(loss), summary=summary)


def _step_on_copies(network) -> dict[str, np.ndarray]:
    """Return the parameters after the optimizer's step, taken on copies."""
    optimizer = copy.deepcopy(network.optimizer)
    current = network.named_parameters()
    params = {name: value.copy() for name, value in current.items()}
    optimizer.step(params, network.named_gradients())
    return params


def _plain_sgd(optimizer) -> bool:
    """Whether the step is the tutorials' ``learning_rate * gradient``."""
    return isinstance(optimizer, SGD) and not optimizer.momentum


def _updates(network, params_after: dict) -> dict[str, np.ndarray]:
    """Return how much the step changes each parameter, by dotted name."""
    optimizer, grads = network.optimizer, network.named_gradients()
    if _plain_sgd(optimizer) and not optimizer.weight_decay:
        # Exact: new - old would round, and the tutorials add l.T @ delta itself.
        rate = optimizer.learning_rate
        return {name: -(rate * grad) for name, grad in grads.items()}
    current = network.named_parameters()
    return {name: params_after[name] - current[name] for name in params_after}


def _forward_steps(network, values: dict) -> list[Step]:
    """Return ``l0``, then each layer's weights and outputs, in order."""
    depth = len(network.layers)
    steps = [
        Step(
            "l0",
            "X",
            values["l0"],
            "The inputs: one row per sample, one column per feature.",
        )
    ]
    for index, layer in enumerate(network.layers):
        below, here = f"l{index}", f"l{index + 1}"
        if isinstance(layer, Dense):
            steps.append(
                Step(
                    f"syn{index}",
                    "weights",
                    values[f"syn{index}"].copy(),
                    f"The synapses from {below} to {here}: row i holds the weights from"
                    f" {below}[:, i] to each of the {layer.n_units} neurons.",
                )
            )
            bias = f" + b{index}" if layer.use_bias else ""
            activation = layer.activation.name
            role = (
                "the prediction for each sample"
                if index == depth - 1
                else "the hidden layer's values for each sample"
            )
            steps.append(
                Step(
                    here,
                    f"{activation}({below} @ syn{index}{bias})",
                    values[here],
                    f"Each neuron sums its weighted inputs and applies {activation}:"
                    f" {role}.",
                )
            )
        elif isinstance(layer, Dropout):
            steps.append(
                Step(
                    here,
                    f"{below} * mask / (1 - {layer.rate:g})",
                    values[here],
                    "Dropout zeroes a random part of the values while training.",
                )
            )
    return steps


def _delta_formula(network, index: int) -> tuple[str, str]:
    """Return the formula and the meaning of ``l{index}_delta``."""
    depth, layer, here = len(network.layers), network.layers[index - 1], f"l{index}"
    if index == depth and network.outputs_probabilities:
        formula = f"(y - l{depth}) / n_samples"
        meaning = (
            f"{network.loss.name} after {layer.activation.name} simplifies to"
            " the miss itself (averaged over samples): the fused gradient."
        )
        return formula, meaning
    slope = _SLOPES[layer.activation.name].format(a=here)
    loss_fn = network.loss
    # With the tutorials' loss, -dLoss/dl is exactly the miss, y - l.
    tutorial_loss = loss_fn.name == "half_squared_error" and (
        loss_fn.reduction == "sum"
    )
    source = f"{here}_error"
    if index == depth and not tutorial_loss:
        source = f"-dLoss/d{here}"
    meaning = (
        "The error times the slope of the activation: confident values"
        " (flat slope) change little, unsure ones change most."
    )
    return f"{source} * {slope}", meaning


def _backward_steps(network, values: dict) -> list[Step]:
    """Return the miss, then each layer's error and delta, from the top down."""
    depth = len(network.layers)
    steps = [
        Step(
            f"l{depth}_error",
            f"y - l{depth}",
            values[f"l{depth}_error"],
            "How much each prediction missed: positive means it should be higher.",
        )
    ]
    for index in range(depth, 0, -1):
        here = f"l{index}"
        if index < depth and f"{here}_error" in values:
            steps.append(
                Step(
                    f"{here}_error",
                    f"l{index + 1}_delta @ syn{index}.T",
                    values[f"{here}_error"],
                    f"The error sent back to {here}: each value's share of the"
                    " deltas above, through the weights it was multiplied by.",
                )
            )
        if f"{here}_delta" in values:
            formula, meaning = _delta_formula(network, index)
            steps.append(
                Step(f"{here}_delta", formula, values[f"{here}_delta"], meaning)
            )
    return steps


def _update_steps(network, updates: dict) -> list[Step]:
    """Return each weight matrix's update, from the top layer down."""
    optimizer = network.optimizer
    steps = []
    for index in range(len(network.layers) - 1, -1, -1):
        name = f"layers.{index}.weights"
        if name not in updates:
            continue
        if _plain_sgd(optimizer):
            rate = optimizer.learning_rate
            formula = f"{rate:g} * l{index}.T @ l{index + 1}_delta"
        else:
            gradient = f"-l{index}.T @ l{index + 1}_delta"
            formula = (
                f"{type(optimizer).__name__}'s step from syn{index}_grad = {gradient}"
            )
        steps.append(
            Step(
                f"syn{index}_update",
                formula,
                updates[name],
                f"How syn{index} changes: each weight moves by its input times the"
                " delta it fed, so weights that caused the most error move most.",
            )
        )
    return steps
