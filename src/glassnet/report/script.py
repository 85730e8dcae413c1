"""The report's inline script and style: the slider redraws every part.

The page's data (``#glassnet-data``) holds each recorded moment's drawn
weights, the drawn neurons' strongest incoming weights, the predictions on
the shown rows and, for two inputs, the surfaces as bytes. ``draw(index)``
puts one moment on the page: synapses, hovers, the curves' markers, the
epoch number, the predictions, the surfaces.
"""

import json


def script_json(data) -> str:
    """Return ``data`` as JSON that is safe inside a ``<script>`` element.

    Every ``<`` is written ``\\u003c``: no ``</script>``, ``<!--`` or
    ``<script`` in a name can end the element early or change how the HTML
    parser reads it. Infinity and NaN are refused (``JSON.parse`` rejects
    them): callers send finite numbers or None.
    """
    return json.dumps(data, allow_nan=False).replace("<", "\\u003c")


SCRIPT = """
const data = JSON.parse(document.getElementById("glassnet-data").textContent);
const slider = document.getElementById("epoch-slider");
function stroke(w) {
  const colour = w >= 0 ? data.positive : data.negative;
  const width = data.largest > 0 ? 0.5 + 4 * Math.abs(w) / data.largest : 0.5;
  return [colour, width.toFixed(2)];
}
function drawSynapses(snap) {
  for (const line of document.querySelectorAll("line.synapse")) {
    const { layer, i, j, p, q } = line.dataset;
    const w = snap.weights[+layer][+p][+q];
    const [colour, width] = stroke(w);
    line.setAttribute("stroke", colour);
    line.setAttribute("stroke-width", width);
    line.querySelector("title").textContent =
      `syn${layer}[${i}, ${j}] = ${w.toPrecision(6)}` +
      ` (${data.names[+layer][+i]} → ${data.names[+layer + 1][+j]})`;
  }
  for (const circle of document.querySelectorAll("circle.neuron")) {
    const layer = +circle.dataset.layer, k = +circle.dataset.k;
    if (layer === 0) continue;
    const incoming = snap.incoming[layer - 1][+circle.dataset.p];
    const lines = incoming.map(([i, w]) =>
      `  ${w >= 0 ? "+" : ""}${w.toPrecision(4)}  ${data.names[layer - 1][i]}`);
    circle.querySelector("title").textContent =
      `${data.names[layer][k]}: strongest incoming weights\\n` + lines.join("\\n");
  }
}
function drawMarkers(snap) {
  const x = data.scale.left + data.scale.width * snap.epoch / data.scale.last_epoch;
  for (const marker of document.querySelectorAll(".epoch-marker")) {
    marker.setAttribute("x1", x.toFixed(1));
    marker.setAttribute("x2", x.toFixed(1));
  }
  document.getElementById("epoch").textContent = snap.epoch;
}
function drawPredictions(snap) {
  const cells = document.querySelectorAll("td.prediction");
  cells.forEach((cell, k) => {
    const row = Math.floor(k / data.n_outputs), column = k % data.n_outputs;
    const value = snap.predictions[row][column];
    cell.textContent = value === null ? "not finite" : value.toFixed(4);
  });
  document.querySelectorAll("td.predicted").forEach((cell, row) => {
    const p = snap.predictions[row];
    cell.textContent = data.names[data.names.length - 1][p.indexOf(Math.max(...p))];
  });
}
const PALETTE = [[234, 88, 12], [37, 99, 235], [22, 163, 74], [147, 51, 234],
                 [202, 138, 4], [219, 39, 119], [8, 145, 178]];
function colour(byte, kind) {
  const t = byte / 255;
  if (kind === "class") {
    // The predicted class, lightened so that the points stand out.
    const rgb = PALETTE[Math.round(t * (data.n_outputs - 1)) % PALETTE.length];
    return rgb.map((c) => Math.round((c + 255) / 2));
  }
  // Orange below the middle, white at it, blue above, as the synapses.
  const [a, b] = t < 0.5 ? [[234, 88, 12], 1 - 2 * t] : [[37, 99, 235], 2 * t - 1];
  return a.map((c) => Math.round(255 + (c - 255) * b));
}
function paint(canvas, encoded, size, kind) {
  const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
  const small = document.createElement("canvas");
  small.width = small.height = size;
  const image = small.getContext("2d").createImageData(size, size);
  bytes.forEach((byte, k) => image.data.set([...colour(byte, kind), 255], 4 * k));
  small.getContext("2d").putImageData(image, 0, 0);
  const target = canvas.getContext("2d");
  target.imageSmoothingEnabled = kind !== "class";
  target.drawImage(small, 0, 0, canvas.width, canvas.height);
}
function drawSurfaces(index) {
  const surface = data.surface;
  if (!surface) return;
  let frame = 0;
  surface.frames.forEach((snapshot, k) => { if (snapshot <= index) frame = k; });
  paint(document.getElementById("surface-output"), surface.output[frame],
        surface.grid, surface.kind);
  document.querySelectorAll("canvas.neuron-surface").forEach((canvas, k) => {
    paint(canvas, surface.hidden[frame][k], surface.neuron_grid, "value");
  });
}
function draw(index) {
  const snap = data.snapshots[index];
  drawSynapses(snap);
  drawMarkers(snap);
  drawPredictions(snap);
  drawSurfaces(index);
}
slider.addEventListener("input", (event) => draw(+event.target.value));
draw(+slider.value);
"""

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 800px;
       color: #0f172a; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
td, th { border-bottom: 1px solid #e2e8f0; padding: 2px 8px; text-align: right; }
th { font-weight: 600; }
.legend span { display: inline-block; width: 1em; height: 0.4em; margin: 0 0.3em; }
.plane { position: relative; display: inline-block; }
.plane svg { position: absolute; left: 0; top: 0; }
.neurons figure { display: inline-block; margin: 0 6px 6px 0; text-align: center;
                  font-size: 11px; }
canvas { border: 1px solid #cbd5e1; }
"""
