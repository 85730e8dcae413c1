"""The network drawn as SVG: neurons named in the user's words, synapses by weight.

Colour is a weight's sign, thickness its size. A layer wider than
``MAX_NEURONS`` is drawn in part: the neurons with the largest outgoing
weights (the output layer's first ones), with a note of how many are not
drawn, so that a table's hundred inputs show the ones that matter.
"""

from __future__ import annotations

import html

import numpy as np

MAX_NEURONS = 12
POSITIVE, NEGATIVE = "#2563eb", "#ea580c"
#: Class colours: the first two are the synapses' (a class 1 output is blue).
PALETTE = [NEGATIVE, POSITIVE, "#16a34a", "#9333ea", "#ca8a04", "#db2777", "#0891b2"]
#: The drawing's size and the room left for names beside the first and last layer.
WIDTH, HEIGHT, NAME_ROOM = 760, 380, 150
#: Names longer than this are cut in the drawing (hover shows them whole).
SHORT_NAME = 22


def neuron_names(widths: list[int], glossary: dict) -> list[list[str]]:
    """Return every neuron's name, layer by layer: the glossary's, else ``l1[3]``."""
    names = [[f"l{layer}[{k}]" for k in range(n)] for layer, n in enumerate(widths)]
    if "inputs" in glossary:
        names[0] = list(glossary["inputs"])
    if "outputs" in glossary:
        names[-1] = list(glossary["outputs"])
    return names


def _strongest(strength: np.ndarray, groups: list[str] | None) -> np.ndarray:
    """Return the ``MAX_NEURONS`` strongest, taking turns between groups if given.

    A table's inputs come in groups (a column's bins, its categories): each
    column's strongest input is drawn before any column's second, so that
    one column with many inputs cannot hide the others.
    """
    order = np.argsort(-strength, kind="stable")
    if groups is None:
        return np.sort(order[:MAX_NEURONS])
    turn, seen = np.empty(len(order)), {}
    for index in order:
        group = groups[index]
        turn[index] = seen.get(group, 0)
        seen[group] = turn[index] + 1
    ranked = sorted(order, key=lambda index: turn[index])  # stable: strength within
    return np.sort(np.array(ranked[:MAX_NEURONS]))


def chosen_neurons(
    widths: list[int], weights: list[np.ndarray], input_columns=None
) -> list[np.ndarray]:
    """Return the indices of the neurons drawn in each layer, in order.

    A layer that fits is drawn whole; a wider one keeps the ``MAX_NEURONS``
    neurons whose outgoing weights are largest (the output layer its first),
    the inputs taking turns by ``input_columns`` (the column of each) if given.
    """
    chosen = []
    for layer, n in enumerate(widths):
        if n <= MAX_NEURONS:
            chosen.append(np.arange(n))
        elif layer == len(widths) - 1:
            chosen.append(np.arange(MAX_NEURONS))
        else:
            strength = np.abs(weights[layer]).sum(axis=1)
            groups = input_columns if layer == 0 else None
            chosen.append(_strongest(strength, groups))
    return chosen


def _positions(chosen: list[np.ndarray]) -> list[list[tuple[float, float]]]:
    """Return each drawn neuron's (x, y), layer by layer."""
    top, bottom = 30, HEIGHT - 50
    left, right = NAME_ROOM, WIDTH - NAME_ROOM + 30
    positions = []
    for layer, drawn in enumerate(chosen):
        x = left + layer * (right - left) / max(1, len(chosen) - 1)
        shown = len(drawn)
        step = (bottom - top) / (shown - 1) if shown > 1 else 0
        first = top if shown > 1 else (top + bottom) / 2
        positions.append([(x, first + k * step) for k in range(shown)])
    return positions


def stroke(weight: float, largest: float) -> tuple[str, float]:
    """Return a synapse's colour and width for its weight."""
    colour = POSITIVE if weight >= 0 else NEGATIVE
    return colour, 0.5 + 4.0 * abs(weight) / largest if largest > 0 else 0.5


def _short(name: str) -> str:
    return name if len(name) <= SHORT_NAME else name[: SHORT_NAME - 1] + "…"


def _synapses(weights, chosen, positions, names, largest) -> list[str]:
    parts = []
    for layer, matrix in enumerate(weights):
        for p, i in enumerate(chosen[layer]):
            x1, y1 = positions[layer][p]
            for q, j in enumerate(chosen[layer + 1]):
                x2, y2 = positions[layer + 1][q]
                value = float(matrix[i, j])
                colour, width = stroke(value, largest)
                what = html.escape(f"{names[layer][i]} → {names[layer + 1][j]}")
                parts.append(
                    f'<line class="synapse" data-layer="{layer}" data-i="{i}"'
                    f' data-j="{j}" data-p="{p}" data-q="{q}" x1="{x1:.1f}"'
                    f' y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}"'
                    f' stroke-width="{width:.2f}" stroke-opacity="0.75">'
                    f"<title>syn{layer}[{i}, {j}] = {value:.6g} ({what})</title></line>"
                )
    return parts


def _neurons(widths, chosen, positions, names) -> list[str]:
    parts = []
    last = len(widths) - 1
    for layer, drawn in enumerate(chosen):
        for p, k in enumerate(drawn):
            x, y = positions[layer][p]
            name = html.escape(names[layer][k])
            parts.append(
                f'<circle class="neuron" data-layer="{layer}" data-k="{k}"'
                f' data-p="{p}" cx="{x:.1f}" cy="{y:.1f}" r="8" fill="#f8fafc"'
                f' stroke="#334155"><title>{name}</title></circle>'
            )
            if layer in (0, last) and names[layer][k] != f"l{layer}[{k}]":
                anchor, dx = ("end", -12) if layer == 0 else ("start", 12)
                parts.append(
                    f'<text class="neuron-name" data-layer="{layer}" x="{x + dx:.1f}"'
                    f' y="{y + 4:.1f}" text-anchor="{anchor}" font-size="11">'
                    f"{html.escape(_short(names[layer][k]))}</text>"
                )
        hidden = widths[layer] - len(drawn)
        label = f"l{layer}: {widths[layer]}" + (
            f" ({hidden} not drawn)" if hidden else ""
        )
        parts.append(
            f'<text x="{positions[layer][0][0]:.1f}" y="{HEIGHT - 8}"'
            f' text-anchor="middle" font-size="11">{html.escape(label)}</text>'
        )
    return parts


def network_svg(
    widths: list[int],
    weights: list[np.ndarray],
    *,
    largest: float | None = None,
    glossary: dict | None = None,
    chosen: list[np.ndarray] | None = None,
) -> str:
    """Draw a network as SVG: circles for neurons, lines for synapses.

    Parameters
    ----------
    widths : list of int
        Neurons per layer, inputs first.
    weights : list of ndarray
        Each layer's weights, shape (widths[k], widths[k + 1]).
    largest : float, optional
        The weight drawn thickest (default: the largest here).
    glossary : dict, optional
        Names for the input and output neurons (:mod:`glassnet.glossary`).
    chosen : list of ndarray, optional
        The neurons drawn in each layer (default: :func:`chosen_neurons`).

    Returns
    -------
    str
        An ``<svg>`` element. Synapses carry ``data-layer``, ``data-i``,
        ``data-j`` (the neurons' indices) and ``data-p``, ``data-q`` (their
        places among the drawn ones) so that a script can redraw them.
    """
    if largest is None:
        largest = max((float(np.abs(w).max()) for w in weights if w.size), default=1.0)
    chosen = chosen_neurons(widths, weights) if chosen is None else chosen
    names = neuron_names(widths, glossary or {})
    positions = _positions(chosen)
    return "".join(
        [
            f'<svg class="network" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}"'
            f' height="{HEIGHT}" xmlns="http://www.w3.org/2000/svg" role="img">',
            *_synapses(weights, chosen, positions, names, largest),
            *_neurons(widths, chosen, positions, names),
            "</svg>",
        ]
    )


def strongest_incoming(
    weights: list[np.ndarray], chosen: list[np.ndarray], top: int = 6
) -> list[list[list]]:
    """Return, for each drawn neuron past the inputs, its largest incoming weights.

    Returns
    -------
    list
        ``[layer - 1][drawn neuron] -> [[input index, weight], ...]``, the
        ``top`` largest by size: what a hidden neuron's hover lists by name.
    """
    result = []
    for layer, matrix in enumerate(weights):
        per_neuron = []
        for j in chosen[layer + 1]:
            column = matrix[:, j]
            order = np.argsort(-np.abs(column), kind="stable")[:top]
            per_neuron.append([[int(i), round(float(column[i]), 6)] for i in order])
        result.append(per_neuron)
    return result
