"""Every parameter of a network in one flat buffer, and every gradient in another.

Each layer's ``params``/``grads`` entries are views into these buffers, named
``"layers.{index}.{key}"``: backward passes write gradients in place and the
optimizer updates all parameters in one pass over the buffer, so a training
step allocates no parameter-sized arrays.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class FlatParameters(NamedTuple):
    """A network's parameters and gradients: two flat buffers and named views."""

    values: np.ndarray
    gradients: np.ndarray
    named_values: dict[str, np.ndarray]
    named_gradients: dict[str, np.ndarray]


def pack(layers: list, dtype: np.dtype) -> FlatParameters:
    """Move every parameter and gradient of ``layers`` into one buffer each, as views.

    Parameters
    ----------
    layers : list of Layer
        Their ``params`` values are copied into the buffer; then ``params`` and
        ``grads`` entries are replaced by views (gradients start at zero).
    dtype : numpy.dtype

    Returns
    -------
    FlatParameters
        ``values`` and ``gradients`` of shape (n_params,).
    """
    entries = [
        (f"layers.{index}.{key}", layer, key)
        for index, layer in enumerate(layers)
        for key in layer.params
    ]
    total = sum(layer.params[key].size for _, layer, key in entries)
    flat = FlatParameters(np.empty(total, dtype), np.zeros(total, dtype), {}, {})
    offset = 0
    for name, layer, key in entries:
        value, size = layer.params[key], layer.params[key].size
        param = flat.values[offset : offset + size].reshape(value.shape)
        param[...] = value
        layer.params[key] = flat.named_values[name] = param
        grad = flat.gradients[offset : offset + size].reshape(value.shape)
        layer.grads[key] = flat.named_gradients[name] = grad
        offset += size
    return flat


def load_state(named_values: dict[str, np.ndarray], state: dict) -> None:
    """Copy ``state`` (name -> array) into the named parameters, in place.

    Raises
    ------
    ValueError
        If a name is missing or unexpected, or a shape differs.
    """
    missing = sorted(set(named_values) - set(state))
    unexpected = sorted(set(state) - set(named_values))
    if missing or unexpected:
        raise ValueError(
            f"state does not fit this network: missing {missing},"
            f" unexpected {unexpected}"
        )
    for name, param in named_values.items():
        value = np.asarray(state[name])
        if value.shape != param.shape:
            raise ValueError(
                f"state[{name!r}] has shape {value.shape},"
                f" the network's has {param.shape}"
            )
        param[...] = value
