"""The learning report: one self-contained HTML file that shows a network learn.

It draws the network as neurons and synapses (colour is the sign of a weight,
thickness its size, hover for the value), the training and validation loss
curves, a slider across the recorded epochs that redraws the synapses, the
loss marker and the predictions at that moment, and the final predictions.
Everything is inline (SVG, CSS, JavaScript): the file opens without a network.

Large layers are drawn with their first ``MAX_NEURONS`` neurons and a note of
how many more there are, so a 784-input network stays readable.
"""

from __future__ import annotations

import html
import json

import numpy as np

from ._files import atomic_file, check_writable
from .history import describe_stop
from .recording import Recording, Snapshot

MAX_NEURONS = 12
POSITIVE, NEGATIVE = "#2563eb", "#ea580c"


def _shown(width: int) -> int:
    return min(width, MAX_NEURONS)


def _positions(widths, width=640, height=360):
    """Return each drawn neuron's (x, y), layer by layer."""
    margin = 40
    columns = len(widths)
    positions = []
    for layer, n in enumerate(widths):
        x = margin + layer * (width - 2 * margin) / max(1, columns - 1)
        shown = _shown(n)
        step = (height - 2 * margin) / max(1, shown - 1) if shown > 1 else 0
        top = margin if shown > 1 else height / 2
        positions.append([(x, top + k * step) for k in range(shown)])
    return positions


def _stroke(weight: float, largest: float) -> tuple[str, float]:
    colour = POSITIVE if weight >= 0 else NEGATIVE
    return colour, 0.5 + 4.0 * abs(weight) / largest if largest > 0 else 0.5


def network_svg(widths: list[int], weights: list[np.ndarray], *, largest=None) -> str:
    """Draw a network as SVG: circles for neurons, lines for synapses.

    Parameters
    ----------
    widths : list of int
        Neurons per layer, inputs first.
    weights : list of ndarray
        Each layer's weights, shape (widths[k], widths[k + 1]).
    largest : float, optional
        The weight drawn thickest (default: the largest here).

    Returns
    -------
    str
        An ``<svg>`` element; synapses carry ``data-layer``, ``data-i`` and
        ``data-j`` so that a script can redraw them.
    """
    if largest is None:
        largest = max((float(np.abs(w).max()) for w in weights if w.size), default=1.0)
    positions = _positions(widths)
    parts = [
        '<svg class="network" viewBox="0 0 640 380" width="640" height="380"'
        ' xmlns="http://www.w3.org/2000/svg" role="img">'
    ]
    for layer, matrix in enumerate(weights):
        for i, (x1, y1) in enumerate(positions[layer]):
            for j, (x2, y2) in enumerate(positions[layer + 1]):
                value = float(matrix[i, j])
                colour, stroke = _stroke(value, largest)
                parts.append(
                    f'<line class="synapse" data-layer="{layer}" data-i="{i}"'
                    f' data-j="{j}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}"'
                    f' y2="{y2:.1f}" stroke="{colour}" stroke-width="{stroke:.2f}"'
                    f' stroke-opacity="0.75"><title>syn{layer}[{i}, {j}] = {value:.6g}'
                    "</title></line>"
                )
    for layer, column in enumerate(positions):
        for k, (x, y) in enumerate(column):
            name = f"l{layer}[{k}]"
            parts.append(
                f'<circle class="neuron" data-layer="{layer}" cx="{x:.1f}" cy="{y:.1f}"'
                f' r="8" fill="#f8fafc" stroke="#334155"><title>{name}</title></circle>'
            )
        hidden = widths[layer] - len(column)
        label = f"l{layer}: {widths[layer]}" + (
            f" ({hidden} not drawn)" if hidden else ""
        )
        x = column[0][0]
        parts.append(
            f'<text x="{x:.1f}" y="372" text-anchor="middle" font-size="11">'
            f"{html.escape(label)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _loss_svg(history: dict) -> tuple[str, dict]:
    """Draw the loss curves; return the SVG and the x scale the slider's marker uses."""
    records = history.get("records", [])
    # A thousand points draw any curve on 560 pixels; keep the last epoch.
    stride = max(1, -(-len(records) // 1000))
    records = records[::stride] + records[-1:] if records else []
    left, top, width, height = 50, 15, 560, 200
    epochs = [r["epoch"] + 1 for r in records]
    series = {
        "loss": [r.get("loss") for r in records],
        "val_loss": [r.get("val_loss") for r in records],
    }
    values = [v for s in series.values() for v in s if v is not None]
    last_epoch = max(epochs, default=1)
    scale = {"left": left, "width": width, "last_epoch": last_epoch}
    parts = [
        '<svg class="losses" viewBox="0 0 640 250" width="640" height="250"'
        ' xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="none"'
        ' stroke="#cbd5e1"/>',
    ]
    if values:
        low, high = min(values), max(values)
        # Losses that fall by decades are drawn on a log scale, or the learning
        # after the first few epochs is a flat line.
        logarithmic = low > 0 and high / low > 100
        scaled = np.log10 if logarithmic else (lambda value: value)
        span = (scaled(high) - scaled(low)) or 1.0

        def point(epoch, value):
            x = left + width * epoch / last_epoch
            y = top + height * (1 - (scaled(value) - scaled(low)) / span)
            return f"{x:.1f},{y:.1f}"

        for name, colour in (("loss", POSITIVE), ("val_loss", NEGATIVE)):
            points = [
                point(e, v)
                for e, v in zip(epochs, series[name], strict=True)
                if v is not None
            ]
            if points:
                parts.append(
                    f'<polyline class="curve" data-name="{name}" fill="none"'
                    f' stroke="{colour}" stroke-width="2" points="{" ".join(points)}"/>'
                )
        axis = "log scale" if logarithmic else "linear scale"
        parts.append(
            f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" font-size="10">'
            f"{high:.3g}</text>"
            f'<text x="{left - 6}" y="{top + height}" text-anchor="end"'
            f' font-size="10">{low:.3g}</text>'
            f'<text x="{left - 6}" y="{top + height / 2}" text-anchor="end"'
            f' font-size="10">{axis}</text>'
            f'<text x="{left}" y="{top + height + 14}" text-anchor="middle"'
            f' font-size="10">0</text>'
            f'<text x="{left + width}" y="{top + height + 14}" text-anchor="middle"'
            f' font-size="10">{last_epoch}</text>'
        )
    parts.append(
        f'<line id="epoch-marker" x1="{left}" x2="{left}" y1="{top}"'
        f' y2="{top + height}" stroke="#0f172a" stroke-dasharray="4 3"/>'
        f'<text x="{left + width / 2}" y="{top + height + 30}" text-anchor="middle"'
        f' font-size="11">epoch (blue: training loss, orange: validation loss)</text>'
        "</svg>"
    )
    return "".join(parts), scale


_SCRIPT = """
const data = JSON.parse(document.getElementById("glassnet-data").textContent);
const slider = document.getElementById("epoch-slider");
function stroke(w) {
  const colour = w >= 0 ? data.positive : data.negative;
  const width = data.largest > 0 ? 0.5 + 4 * Math.abs(w) / data.largest : 0.5;
  return [colour, width.toFixed(2)];
}
function draw(index) {
  const snap = data.snapshots[index];
  for (const line of document.querySelectorAll("line.synapse")) {
    const w = snap.weights[+line.dataset.layer][+line.dataset.i][+line.dataset.j];
    const [colour, width] = stroke(w);
    line.setAttribute("stroke", colour);
    line.setAttribute("stroke-width", width);
    const { layer, i, j } = line.dataset;
    line.querySelector("title").textContent =
      `syn${layer}[${i}, ${j}] = ${w.toPrecision(6)}`;
  }
  const x = data.scale.left + data.scale.width * snap.epoch / data.scale.last_epoch;
  const marker = document.getElementById("epoch-marker");
  marker.setAttribute("x1", x.toFixed(1));
  marker.setAttribute("x2", x.toFixed(1));
  document.getElementById("epoch-label").textContent = `after epoch ${snap.epoch}`;
  const cells = document.querySelectorAll("td.prediction");
  cells.forEach((cell, k) => {
    const row = Math.floor(k / data.n_outputs), column = k % data.n_outputs;
    cell.textContent = snap.predictions[row][column].toFixed(4);
  });
}
slider.addEventListener("input", (event) => draw(+event.target.value));
draw(+slider.value);
"""

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 700px;
       color: #0f172a; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
td, th { border-bottom: 1px solid #e2e8f0; padding: 2px 10px; text-align: right; }
.legend span { display: inline-block; width: 1em; height: 0.4em; margin: 0 0.3em; }
"""


def _slider_data(widths, snapshots, largest: float, scale: dict, has_rows: bool):
    """Return what the slider's script redraws: each snapshot's drawn weights."""
    shown = [_shown(n) for n in widths]
    return {
        "positive": POSITIVE,
        "negative": NEGATIVE,
        "largest": largest,
        "scale": scale,
        "n_outputs": widths[-1],
        "snapshots": [
            {
                "epoch": s.epoch,
                "weights": [
                    np.round(w[: shown[k], : shown[k + 1]], 8).tolist()
                    for k, w in enumerate(s.weights)
                ],
                "predictions": np.round(s.outputs[-1], 8).tolist() if has_rows else [],
            }
            for s in snapshots
        ],
    }


def _input_cell(row) -> str:
    text = np.array2string(np.asarray(row), precision=3, separator=", ")
    return f"<td>{html.escape(text)}</td>"


def _prediction_tables(rows, final_outputs: np.ndarray, n_outputs: int) -> str:
    """Return the tables of predictions: at the slider's moment, and final."""
    header = "".join(f"<th>output {k}</th>" for k in range(n_outputs))
    at_moment = "".join(
        "<tr>"
        + _input_cell(row)
        + "".join('<td class="prediction"></td>' for _ in range(n_outputs))
        + "</tr>"
        for row in rows
    )
    finals = "".join(
        "<tr>"
        + _input_cell(row)
        + "".join(f"<td>{value:.4f}</td>" for value in prediction)
        + "</tr>"
        for row, prediction in zip(rows, final_outputs, strict=True)
    )
    return (
        "<h2>Predictions at that moment</h2><table><tr><th>input</th>"
        f"{header}</tr>{at_moment}</table>"
        "<h2>Final predictions</h2><table><tr><th>input</th>"
        f"{header}</tr>{finals}</table>"
    )


def render(widths, snapshots, history: dict, rows=None, title=None) -> str:
    """Return the report's HTML.

    Parameters
    ----------
    widths : list of int
        ``network.widths``: the inputs, then each Dense layer's units.
    snapshots : list of Snapshot
        At least one; from a :class:`~glassnet.recording.Recorder`, or the
        network's current weights.
    history : dict
        ``History.to_dict()``.
    rows : ndarray of shape (n_rows, n_inputs), optional
        The inputs whose predictions are shown (the snapshots' outputs on them).
    title : str, optional
    """
    largest = max(float(np.abs(w).max()) for s in snapshots for w in s.weights) or 1.0
    final = snapshots[-1]
    diagram = network_svg(widths, final.weights, largest=largest)
    losses, scale = _loss_svg(history)
    has_rows = rows is not None and len(final.outputs) > 0
    data = _slider_data(widths, snapshots, largest, scale, has_rows)
    table = _prediction_tables(rows, final.outputs[-1], widths[-1]) if has_rows else ""
    records = history.get("records", [])
    summary = f"{len(records)} epochs recorded" if records else "no training recorded"
    if history.get("stop_reason"):
        summary += f"; {describe_stop(history['stop_reason'])}"
    heading = html.escape(title or "glassnet learning report")
    architecture = " &rarr; ".join(map(str, widths))
    payload = json.dumps(data).replace("</", "<\\/")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{heading}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{heading}</h1><p>Network {architecture}; {html.escape(summary)}.</p>"
        '<p class="legend">Synapses: <span style="background:' + POSITIVE + '"></span>'
        'positive <span style="background:' + NEGATIVE + '"></span>negative;'
        " thicker is larger. Hover a synapse for its value.</p>"
        f"{diagram}"
        '<p><label for="epoch-slider">Move through the recorded epochs: </label>'
        f'<input type="range" id="epoch-slider" min="0" max="{len(snapshots) - 1}"'
        f' value="{len(snapshots) - 1}" step="1"> <span id="epoch-label"></span></p>'
        f"<h2>Loss</h2>{losses}{table}"
        f'<script type="application/json" id="glassnet-data">{payload}</script>'
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


def network_html(network) -> str:
    """Return the network's diagram as HTML: ``Network._repr_html_`` (Jupyter)."""
    weights = [layer.params["weights"] for layer in network.dense_layers]
    return f"<p>{html.escape(repr(network))}</p>" + network_svg(network.widths, weights)


def render_recording(recording: Recording) -> str:
    """Return the report's HTML for a recorded run (finished or in progress).

    Parameters
    ----------
    recording : Recording
        At least one snapshot; its ``history`` is what the curves draw.
    """
    rows = recording.rows if recording.rows.size else None
    return render(recording.widths, recording.snapshots, recording.history, rows)


def write(path, recording: Recording | None = None, network=None) -> None:
    """Write the learning report of a recorded run or a network to ``path``.

    This is also ``Network.report(path, recording=None)``, with ``network``
    the network itself. The file is written atomically.

    Parameters
    ----------
    path : str or path-like
    recording : Recording, optional
        From a :class:`~glassnet.recording.Recorder` used in ``fit``, or
        ``Recording.load``: the slider across epochs and the predictions on
        its rows. When given, it is what the report shows.
    network : Network, optional
        Without a recording: its current weights and its history.

    Raises
    ------
    ValueError
        If neither a recording nor a network is given.
    """
    if recording is not None:
        page = render_recording(recording)
    elif network is not None:
        now = Snapshot.of(network, network.epochs_trained)
        page = render(network.widths, [now], network.history.to_dict())
    else:
        raise ValueError("report needs a network or a recording")
    check_writable(path)
    with atomic_file(path, text=True) as file:
        file.write(page)
