"""Decision surfaces of a two-input network, as TensorFlow Playground draws them.

For every recorded moment, the network's output over a grid of the input
plane (the heatmap behind the points) and each drawn neuron of the first
hidden layer over a coarser grid (its own small picture). The values are
computed here with the snapshots' weights and sent to the page as bytes
(0-255, base64), so the slider redraws them without any arithmetic in the
browser.
"""

from __future__ import annotations

import base64

import numpy as np

from ..glossary import in_target_units
from ..network import Network

GRID, NEURON_GRID = 40, 20
#: The most moments whose surfaces are computed (the slider shows the nearest).
MAX_FRAMES = 60


def _bytes(values: np.ndarray) -> str:
    """Return values in [0, 1] as base64 of bytes 0-255."""
    quantised = np.rint(np.clip(values, 0.0, 1.0) * 255).astype(np.uint8)
    return base64.b64encode(quantised.tobytes()).decode("ascii")


#: The range drawn when the rows give none (no rows, or values too large to span).
DEFAULT_RANGE = [-0.5, 1.5]


def widened(low: float, high: float, fraction: float, least: float) -> list[float]:
    """Return ``[low, high]`` widened by ``fraction`` of its width (at least ``least``).

    The result is finite and increasing, or ``DEFAULT_RANGE`` where the
    values are too large for that (1e308 has no room beside it).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        margin = max(fraction * (high - low), least)
        drawn = [low - margin, high + margin]
    if np.isfinite(drawn).all() and drawn[1] - drawn[0] > 0:
        return [float(drawn[0]), float(drawn[1])]
    return list(DEFAULT_RANGE)


def _plane(rows: np.ndarray) -> tuple[list[float], list[float]]:
    """Return the x and y ranges drawn: the rows' with a margin, at least 1 wide."""
    if not len(rows):
        return list(DEFAULT_RANGE), list(DEFAULT_RANGE)
    x, y = (widened(float(c.min()), float(c.max()), 0.25, 0.5) for c in rows.T)
    return x, y


def plane_grid(x_range, y_range, size: int) -> np.ndarray:
    """Return a grid over the plane, shape (size * size, 2), row by row from the top.

    The surfaces' bytes follow this order, and so must a glossary's ``plane``
    grids (:mod:`glassnet.glossary`), encoded from it.
    """
    xs = np.linspace(*x_range, size)
    ys = np.linspace(y_range[1], y_range[0], size)
    x, y = np.meshgrid(xs, ys)
    return np.column_stack([x.ravel(), y.ravel()])


def _frames(n_snapshots: int) -> list[int]:
    """Return the snapshots whose surfaces are computed (at most ``MAX_FRAMES``)."""
    if n_snapshots <= MAX_FRAMES:
        return list(range(n_snapshots))
    return sorted({int(k) for k in np.linspace(0, n_snapshots - 1, MAX_FRAMES)})


def _outputs(network: Network, grid: np.ndarray) -> list[np.ndarray]:
    """Return each layer's outputs on the grid."""
    outputs, hidden = [], grid.astype(network.dtype)
    for layer in network.layers:
        hidden = layer.infer(hidden)
        outputs.append(hidden)
    return outputs


def _load(network: Network, snapshot) -> None:
    """Put a snapshot's weights and biases into ``network``."""
    for layer, weights, biases in zip(
        network.dense_layers, snapshot.weights, snapshot.biases, strict=True
    ):
        layer.params["weights"][...] = weights
        if biases is not None and layer.use_bias:
            layer.params["biases"][...] = biases


def _output_value(output: np.ndarray, glossary: dict) -> tuple[np.ndarray, str]:
    """Return the value coloured for each grid point, and its kind."""
    if output.shape[1] == 1:
        return output[:, 0], "regression" if "output_scale" in glossary else "value"
    if output.shape[1] == 2:
        return output[:, 1], "value"
    # Three or more classes: the predicted class, as a fraction of the classes.
    return np.argmax(output, axis=1) / (output.shape[1] - 1), "class"


def _one_scale(units: list[np.ndarray]) -> list[np.ndarray]:
    """Return values in the target's units on one 0-1 scale for every moment.

    The scale spans the finite values; beyond it (or infinite) is its end,
    and NaN its middle.
    """
    finite = [u[np.isfinite(u)] for u in units]
    low = min((float(f.min()) for f in finite if f.size), default=0.0)
    high = max((float(f.max()) for f in finite if f.size), default=1.0)
    # Halved: a span from -1e308 to 1e308 is not finite, its half is.
    half = (high / 2 - low / 2) or 1.0
    return [
        np.nan_to_num((np.clip(u, low, high) / 2 - low / 2) / half, nan=0.5)
        for u in units
    ]


def plane_of(recording) -> dict | None:
    """Return the plane drawn: the glossary's (a table of two numeric columns), or
    for a two-input network a grid over its recorded rows; None otherwise."""
    glossary = recording.glossary
    if "plane" in glossary:
        return glossary["plane"]
    if recording.widths[0] != 2:
        return None
    x_range, y_range = _plane(recording.rows)
    truth = glossary.get("table", {}).get("truth", [])
    return {
        "columns": glossary.get("inputs", ["l0[0]", "l0[1]"]),
        "x": x_range,
        "y": y_range,
        "size": GRID,
        "inputs": plane_grid(x_range, y_range, GRID),
        "neuron_size": NEURON_GRID,
        "neuron_inputs": plane_grid(x_range, y_range, NEURON_GRID),
        "points": recording.rows.tolist(),
        "truth": truth if len(truth) == len(recording.rows) else [],
    }


def surfaces(recording, hidden_drawn) -> dict | None:
    """Return the surfaces' data for the page, or None if there is no plane to draw.

    Parameters
    ----------
    recording : Recording
    hidden_drawn : ndarray of int
        The first hidden layer's neurons drawn in the network (their pictures).

    Returns
    -------
    dict or None
        The plane (:func:`plane_of`) without its grids, and ``frames``
        (snapshot indices computed), ``output`` and ``hidden`` (base64
        bytes per frame), ``kind`` and ``neurons``.
    """
    plane = plane_of(recording)
    if plane is None:
        return None
    try:
        network = Network.from_config(recording.config)
    except ValueError:  # a recording file whose config builds no network
        return None
    fine = np.asarray(plane["inputs"], dtype=float)
    coarse = np.asarray(plane["neuron_inputs"], dtype=float)
    dense = [
        k for k, layer in enumerate(network.layers) if layer in network.dense_layers
    ]
    frames = _frames(len(recording.snapshots))
    values, hidden, kind = [], [], "value"
    for index in frames:
        _load(network, recording.snapshots[index])
        value, kind = _output_value(_outputs(network, fine)[-1], recording.glossary)
        values.append(value)
        if len(dense) > 1:
            activations = _outputs(network, coarse)[dense[0]][:, hidden_drawn]
            reach = np.abs(activations).max(axis=0)
            scaled = (activations / np.where(reach > 0, reach, 1.0) + 1) / 2
            hidden.append([_bytes(scaled[:, k]) for k in range(scaled.shape[1])])
    if kind == "regression":
        values = _one_scale([in_target_units(recording.glossary, v) for v in values])
    drawn = {k: v for k, v in plane.items() if k not in ("inputs", "neuron_inputs")}
    return {
        **drawn,
        "grid": plane["size"],
        "neuron_grid": plane["neuron_size"],
        "frames": frames,
        "output": [_bytes(v) for v in values],
        "hidden": hidden,
        "kind": kind,
        "neurons": [int(k) for k in hidden_drawn] if len(dense) > 1 else [],
    }
