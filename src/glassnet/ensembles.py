"""Several trained networks as one: side by side, their outputs averaged.

An ensemble of networks trained apart (on different rows, from different
initial weights) predicts better than any one of them: their errors differ and
partly cancel. :func:`side_by_side` makes such an ensemble one ordinary
:class:`~glassnet.network.Network`, so it saves, loads, predicts and explains
as any network does:

- the first layers, side by side, are one wider layer: their weight matrices
  put next to each other (every member sees the same inputs);
- each further hidden layer is block-diagonal: member ``i``'s units see only
  member ``i``'s units below (the other blocks are exact zeros);
- the output layer stacks the members' output weights, each divided by the
  number of members: it computes the *mean* of their outputs before the last
  activation. For regression that is the mean prediction; for classification
  the softmax of the mean logits (a geometric mean of the members'
  probabilities, renormalised).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .layers import Dense
from .network import Network


def side_by_side(networks: Sequence[Network]) -> Network:
    """Return one network whose output is the mean of ``networks``' outputs.

    Parameters
    ----------
    networks : sequence of Network
        Trained networks of one architecture: the same widths and
        activations (Dropout layers are left out: they do nothing at
        prediction).

    Returns
    -------
    Network
        Dense layers only, as wide as all members together; the first
        member's loss, optimizer settings and dtype. Its ``predict`` equals the
        members' mean output before the last activation.

    Raises
    ------
    ValueError
        If ``networks`` is empty or their architectures differ.

    Examples
    --------
    >>> import numpy as np
    >>> from glassnet import Dense, Network
    >>> members = [Network([Dense(3, 4, "relu"), Dense(4, 1)], seed=s) for s in (0, 1)]
    >>> merged = side_by_side(members)
    >>> merged.widths
    [3, 8, 1]
    >>> X = np.ones((2, 3))
    >>> mean = (members[0].predict(X) + members[1].predict(X)) / 2
    >>> bool(np.allclose(merged.predict(X), mean))
    True
    """
    networks = list(networks)
    if not networks:
        raise ValueError("side_by_side needs at least one network")
    first = networks[0]
    shape = _architecture(first)
    for index, network in enumerate(networks[1:], start=2):
        if _architecture(network) != shape:
            raise ValueError(
                f"network {index} has the architecture {_architecture(network)},"
                f" not the first network's {shape}: side_by_side needs one"
                " architecture"
            )
    stacks = [network.dense_layers for network in networks]
    n_members, n_layers = len(networks), len(stacks[0])
    merged = []
    for depth in range(n_layers):
        layers = [stack[depth] for stack in stacks]
        weights = [layer.params["weights"] for layer in layers]
        if depth == n_layers - 1:  # the mean of the members' outputs
            weights = np.vstack(weights) / n_members
        elif depth == 0:  # every member sees the same inputs
            weights = np.hstack(weights)
        else:  # each member sees only its own units below
            weights = _block_diagonal(weights)
        merged.append(_dense_like(layers, weights, last=depth == n_layers - 1))
    return Network(
        merged,
        loss=_copy(first.loss),
        optimizer=_copy(first.optimizer),
        dtype=first.dtype,
    )


def _architecture(network: Network) -> list:
    """Return widths and activations: what members must share."""
    return [
        network.widths,
        [layer.activation.name for layer in network.dense_layers],
        [layer.use_bias for layer in network.dense_layers],
    ]


def _copy(configurable):
    """Return a fresh engine object with the same settings (no state)."""
    return type(configurable)(**configurable.get_config())


def _block_diagonal(blocks: list[np.ndarray]) -> np.ndarray:
    rows = sum(block.shape[0] for block in blocks)
    columns = sum(block.shape[1] for block in blocks)
    merged = np.zeros((rows, columns), dtype=blocks[0].dtype)
    row = column = 0
    for block in blocks:
        merged[row : row + block.shape[0], column : column + block.shape[1]] = block
        row, column = row + block.shape[0], column + block.shape[1]
    return merged


def _dense_like(layers: list[Dense], weights: np.ndarray, *, last: bool) -> Dense:
    """Return a Dense layer with ``weights`` and the members' activation and biases."""
    model = layers[0]
    dense = Dense(
        weights.shape[0],
        weights.shape[1],
        _copy(model.activation),
        use_bias=model.use_bias,
        dtype=weights.dtype,
    )
    dense.params["weights"][...] = weights
    if model.use_bias:
        biases = [layer.params["biases"] for layer in layers]
        dense.params["biases"][...] = (
            np.mean(biases, axis=0) if last else np.concatenate(biases)
        )
    return dense
