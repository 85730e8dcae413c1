"""The report's page: every part in order, with the data the slider redraws from.

Parts, each under a stable id: ``#network`` (the drawing and the slider,
``#epoch`` the epoch drawn), ``#surface`` (two inputs only), ``#curves``,
``#predictions``, ``#importance`` and ``#why`` (when the glossary has them).
"""

from __future__ import annotations

import html

import numpy as np

from ..glossary import in_target_units
from ..history import describe_stop
from .curves import curves_html
from .drawing import (
    NEGATIVE,
    PALETTE,
    POSITIVE,
    chosen_neurons,
    network_svg,
    neuron_names,
    strongest_incoming,
)
from .explained import importance_html, why_html
from .script import SCRIPT, STYLE, script_json
from .surface import surfaces

SURFACE_SIZE, NEURON_SIZE = 240, 64


def _slider_data(recording, chosen, names, largest: float, scale: dict) -> dict:
    """Return what the slider's script redraws: each snapshot's drawn parts."""
    glossary, has_rows = recording.glossary, len(recording.rows) > 0

    def predictions(snapshot):
        """The recorded rows' outputs, shape (n_rows, n_outputs); None if not finite."""
        if not has_rows:
            return []
        outputs = np.round(in_target_units(glossary, snapshot.outputs[-1]), 8)
        return np.where(np.isfinite(outputs), outputs, None).tolist()

    return {
        "positive": POSITIVE,
        "negative": NEGATIVE,
        "largest": largest,
        "scale": scale,
        "n_outputs": recording.widths[-1],
        "names": names,
        "snapshots": [
            {
                "epoch": s.epoch,
                "weights": [
                    np.round(w[np.ix_(chosen[k], chosen[k + 1])], 8).tolist()
                    for k, w in enumerate(s.weights)
                ],
                "incoming": strongest_incoming(s.weights, chosen),
                "predictions": predictions(s),
            }
            for s in recording.snapshots
        ],
    }


def _row_cells(recording, row: int) -> str:
    """Return a shown row's cells: as written in the file, else the input vector."""
    table = recording.glossary.get("table")
    if table is None:
        text = np.array2string(recording.rows[row], precision=3, separator=", ")
        return f"<td>{html.escape(text)}</td>"
    cells = [*table["cells"][row], *(table["truth"][row : row + 1])]
    return "".join(f'<td class="cell">{html.escape(cell)}</td>' for cell in cells)


def _predictions_html(recording, names: list[list[str]]) -> str:
    """Return the ``#predictions`` section: at the slider's moment, and final."""
    table = recording.glossary.get("table")
    outputs = names[-1]
    if table is None:
        heads = ["input"]
    else:
        heads = [*table["columns"], *(["true value"] if table["truth"] else [])]
    classify = recording.glossary.get("task") == "classification" and len(outputs) > 1
    heads += [*outputs, *(["predicted"] if classify else [])]
    header = "<tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in heads) + "</tr>"
    final = in_target_units(recording.glossary, recording.snapshots[-1].outputs[-1])
    moving, finals = [], []
    for row in range(len(recording.rows)):
        cells = _row_cells(recording, row)
        predicted = '<td class="predicted"></td>' if classify else ""
        moving.append(
            f"<tr>{cells}"
            + '<td class="prediction"></td>' * len(outputs)
            + f"{predicted}</tr>"
        )
        best = html.escape(outputs[int(np.argmax(final[row]))]) if classify else ""
        finals.append(
            f"<tr>{cells}"
            + "".join(f"<td>{value:.4f}</td>" for value in final[row])
            + (f"<td>{best}</td>" if classify else "")
            + "</tr>"
        )
    return (
        '<section id="predictions"><h2>Predictions at that moment</h2>'
        f"<table>{header}{''.join(moving)}</table>"
        f"<h2>Final predictions</h2><table>{header}{''.join(finals)}</table></section>"
    )


def _surface_html(surface: dict, names: list[list[str]], points: str) -> str:
    """Return the ``#surface`` section: the output over the plane, each neuron's own.

    ``points`` is the SVG of the rows drawn over the plane (:func:`_points_svg`).
    """
    x_name, y_name = (html.escape(name) for name in surface["columns"])
    pictures = "".join(
        f'<figure><canvas class="neuron-surface" data-k="{k}" width="{NEURON_SIZE}"'
        f' height="{NEURON_SIZE}"></canvas><figcaption>'
        f"{html.escape(names[1][k])}</figcaption></figure>"
        for k in surface["neurons"]
    )
    return (
        '<section id="surface"><h2>What the network sees</h2><p>The output over the'
        f" plane of the two inputs ({x_name} across, {y_name} up; blue is high,"
        " orange low), with rows of the data as dots"
        + ("; below, each drawn neuron of the first hidden layer" if pictures else "")
        + '.</p><div class="plane">'
        f'<canvas id="surface-output" width="{SURFACE_SIZE}" height="{SURFACE_SIZE}">'
        f'</canvas><svg id="surface-points" width="{SURFACE_SIZE}"'
        f' height="{SURFACE_SIZE}" xmlns="http://www.w3.org/2000/svg">{points}</svg></div>'
        f'<div class="neurons">{pictures}</div></section>'
    )


def _points_svg(recording, surface: dict) -> str:
    """Return the plane's rows as dots (coloured by their class if known)."""
    (x0, x1), (y0, y1) = surface["x"], surface["y"]
    truth = surface["truth"]
    classes = recording.glossary.get("outputs", [])
    dots = []
    for row, (x, y) in enumerate(surface["points"]):
        # Halved first: a range from -1e308 to 1e308 is finite, its width is not.
        px = SURFACE_SIZE * (x / 2 - x0 / 2) / (x1 / 2 - x0 / 2)
        py = SURFACE_SIZE * (1 - (y / 2 - y0 / 2) / (y1 / 2 - y0 / 2))
        if not (abs(px) < 10 * SURFACE_SIZE and abs(py) < 10 * SURFACE_SIZE):
            continue  # far off the plane drawn (or not finite): not a dot
        fill = "#ffffff"
        if row < len(truth) and truth[row] in classes:
            fill = PALETTE[classes.index(truth[row]) % len(PALETTE)]
        dots.append(
            f'<circle class="point" cx="{px:.1f}" cy="{py:.1f}" r="5" fill="{fill}"'
            f' stroke="#0f172a"><title>({x:.4g}, {y:.4g})</title></circle>'
        )
    return "".join(dots)


def _summary(recording) -> str:
    """Return the report's first sentence: the network, the target, the run."""
    records = recording.history.get("records", [])
    summary = f"{len(records)} epochs recorded" if records else "no training recorded"
    if recording.history.get("stop_reason"):
        summary += f"; {describe_stop(recording.history['stop_reason'])}"
    glossary = recording.glossary
    if "target" in glossary:
        summary = (
            f"predicting {glossary['target']!r} ({glossary.get('task', '')}); "
            + summary
        )
    architecture = " → ".join(map(str, recording.widths))
    return f"Network {architecture}; {summary}."


def render_recording(recording, title: str | None = None) -> str:
    """Return the report's HTML for a recorded run (finished or in progress).

    Parameters
    ----------
    recording : Recording
        At least one snapshot; its ``history`` is what the curves draw, its
        ``glossary`` the names it speaks.
    title : str, optional
    """
    snapshots, widths = recording.snapshots, recording.widths
    largest = max(float(np.abs(w).max()) for s in snapshots for w in s.weights) or 1.0
    chosen = chosen_neurons(
        widths, snapshots[-1].weights, recording.glossary.get("input_columns")
    )
    names = neuron_names(widths, recording.glossary)
    diagram = network_svg(
        widths,
        snapshots[-1].weights,
        largest=largest,
        glossary=recording.glossary,
        chosen=chosen,
    )
    curves, scale = curves_html(recording.history)
    data = _slider_data(recording, chosen, names, largest, scale)
    surface = surfaces(recording, chosen[1]) if len(widths) > 1 else None
    data["surface"] = surface
    parts = [
        '<section id="network">',
        f"<p>{html.escape(_summary(recording))}</p>",
        '<p class="legend">Synapses: <span style="background:' + POSITIVE + '"></span>'
        'positive <span style="background:' + NEGATIVE + '"></span>negative;'
        " thicker is larger. Hover a neuron for its strongest incoming weights,"
        " a synapse for its value.</p>",
        diagram,
        '<p><label for="epoch-slider">Move through the recorded epochs: </label>'
        f'<input type="range" id="epoch-slider" min="0" max="{len(snapshots) - 1}"'
        f' value="{len(snapshots) - 1}" step="1"> <span id="epoch-label">after'
        f' epoch <span id="epoch">{snapshots[-1].epoch}</span></span></p></section>',
    ]
    if surface is not None:
        parts.append(_surface_html(surface, names, _points_svg(recording, surface)))
    parts.append(f"<h2>Learning curves</h2>{curves}")
    if len(recording.rows):
        parts.append(_predictions_html(recording, names))
    if "importance" in recording.glossary:
        parts.append(importance_html(recording.glossary["importance"]))
    if "why" in recording.glossary:
        parts.append(why_html(recording.glossary["why"]))
    heading = html.escape(title or "glassnet learning report")
    payload = script_json(data)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{heading}</title><style>{STYLE}</style></head><body>"
        f"<h1>{heading}</h1>{''.join(parts)}"
        f'<script type="application/json" id="glassnet-data">{payload}</script>'
        f"<script>{SCRIPT}</script></body></html>\n"
    )
