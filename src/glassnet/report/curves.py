"""The learning curves as SVG: the loss, the task's metric and the learning rate.

Each chart draws training and validation side by side over the epochs, marks
the best epoch (the one early stopping kept) and carries a marker that the
slider moves. The learning rate gets a chart only when it changed.
"""

from __future__ import annotations

import html

import numpy as np

from .drawing import NEGATIVE, POSITIVE

LEFT, TOP, PLOT_WIDTH, PLOT_HEIGHT = 60, 15, 540, 150
BEST = "#16a34a"
#: Metrics drawn beside the loss, as the training loop names them, and their words.
METRICS = {"accuracy": "accuracy", "r2": "R²"}


def _thinned(records: list[dict]) -> list[dict]:
    """Return at most about a thousand records, evenly spaced, and the last."""
    # A thousand points draw any curve on 540 pixels; keep the last epoch.
    stride = max(1, -(-len(records) // 1000))
    return records[::stride] + records[-1:] if records else []


def _axis(values: list[float], log_ok: bool):
    """Return (low, high, scaled, words) for the values' vertical axis."""
    low, high = min(values), max(values)
    # Halved: values from -1e308 to 1e308 are finite, their span is not.
    scaled = lambda value: value / 2  # noqa: E731
    # Losses that fall by decades are drawn on a log scale, or the learning
    # after the first few epochs is a flat line.
    if log_ok and low > 0 and high / low > 100:
        return low, high, np.log10, "log scale"
    return low, high, scaled, "linear scale"


def _polylines(series, epochs, last_epoch: int, log_ok: bool) -> list[str]:
    """Return each series' polyline and the vertical axis' labels."""
    values = [v for _, _, vs in series for v in vs if v is not None]
    if not values:
        return []
    low, high, scaled, words = _axis(values, log_ok)
    span = (scaled(high) - scaled(low)) or 1.0
    parts = []
    for key, colour, curve in series:
        points = [
            f"{LEFT + PLOT_WIDTH * e / last_epoch:.1f},"
            f"{TOP + PLOT_HEIGHT * (1 - (scaled(v) - scaled(low)) / span):.1f}"
            for e, v in zip(epochs, curve, strict=True)
            if v is not None
        ]
        if points:
            parts.append(
                f'<polyline class="curve" data-name="{key}" fill="none"'
                f' stroke="{colour}" stroke-width="2" points="{" ".join(points)}"/>'
            )
    parts.append(
        f'<text x="{LEFT - 6}" y="{TOP + 10}" text-anchor="end" font-size="10">'
        f"{high:.3g}</text>"
        f'<text x="{LEFT - 6}" y="{TOP + PLOT_HEIGHT}" text-anchor="end"'
        f' font-size="10">{low:.3g}</text>'
        f'<text x="{LEFT - 6}" y="{TOP + PLOT_HEIGHT / 2}" text-anchor="end"'
        f' font-size="9">{words}</text>'
    )
    return parts


def chart_svg(
    name: str,
    series: list[tuple[str, str, list]],
    epochs: list[int],
    *,
    last_epoch: int,
    best_epoch: int | None = None,
    log_ok: bool = False,
) -> str:
    """Draw curves over the epochs as SVG.

    Parameters
    ----------
    name : str
        What is drawn, in words (the chart's ``data-name`` and caption).
    series : list of (key, colour, values)
        Each curve: the history's key (``"val_loss"``), its colour and one
        value (or None) per epoch in ``epochs``.
    epochs : list of int
        Epochs completed at each value.
    last_epoch : int
        The right end of the epoch axis.
    best_epoch : int, optional
        Epochs completed at the best epoch, marked with a line.
    log_ok : bool, default=False
        Draw values that span more than a factor 100 on a log scale.

    Returns
    -------
    str
        An ``<svg class="chart">`` with one ``polyline.curve`` per series
        that has values, and a ``line.epoch-marker`` for the slider.
    """
    height = PLOT_HEIGHT + 60
    parts = [
        f'<svg class="chart" data-name="{html.escape(name)}" viewBox="0 0 640'
        f' {height}" width="640" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f'<rect x="{LEFT}" y="{TOP}" width="{PLOT_WIDTH}" height="{PLOT_HEIGHT}"'
        ' fill="none" stroke="#cbd5e1"/>',
    ]
    parts += _polylines(series, epochs, last_epoch, log_ok)
    if best_epoch is not None:
        x = LEFT + PLOT_WIDTH * best_epoch / last_epoch
        parts.append(
            f'<line class="best-epoch" x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}"'
            f' y2="{TOP + PLOT_HEIGHT}" stroke="{BEST}" stroke-dasharray="2 2"/>'
            f'<text x="{x:.1f}" y="{TOP - 3}" text-anchor="middle" font-size="10"'
            f' fill="{BEST}">best epoch {best_epoch}</text>'
        )
    bottom = TOP + PLOT_HEIGHT
    parts.append(
        f'<line class="epoch-marker" x1="{LEFT}" x2="{LEFT}" y1="{TOP}"'
        f' y2="{bottom}" stroke="#0f172a" stroke-dasharray="4 3"/>'
        f'<text x="{LEFT}" y="{bottom + 14}" text-anchor="middle" font-size="10">0'
        f'</text><text x="{LEFT + PLOT_WIDTH}" y="{bottom + 14}" text-anchor="middle"'
        f' font-size="10">{last_epoch}</text>'
        f'<text x="{LEFT + PLOT_WIDTH / 2}" y="{bottom + 32}" text-anchor="middle"'
        f' font-size="11">{html.escape(name)} by epoch</text></svg>'
    )
    return "".join(parts)


def _series(records, keys) -> list[tuple[str, str, list]]:
    """Return (key, colour, values) for each key that some record has."""
    colours = (POSITIVE, NEGATIVE)
    return [
        (key, colour, [r.get(key) for r in records])
        for key, colour in zip(keys, colours, strict=False)
        if any(r.get(key) is not None for r in records)
    ]


def curves_html(history: dict) -> tuple[str, dict]:
    """Return the curves' HTML and the epoch scale that the slider's markers use.

    Parameters
    ----------
    history : dict
        ``History.to_dict()``: its records, and ``best_epoch`` if early
        stopping kept one.
    """
    records = _thinned(history.get("records", []))
    epochs = [r["epoch"] + 1 for r in records]
    last_epoch = max(epochs, default=1)
    best = history.get("best_epoch")
    best = None if best is None else best + 1
    common = {"last_epoch": last_epoch, "best_epoch": best}
    loss = chart_svg(
        "loss", _series(records, ("loss", "val_loss")), epochs, **common, log_ok=True
    )
    # The loss chart's marker has an id of its own: a link target for users.
    marker = 'id="epoch-marker" class="epoch-marker"'
    charts = [loss.replace('class="epoch-marker"', marker)]
    legend = ["blue: training", "orange: validation"]
    for key, words in METRICS.items():
        series = _series(records, (key, f"val_{key}"))
        if series:
            charts.append(chart_svg(words, series, epochs, **common))
    rates = [r.get("learning_rate") for r in records]
    if len({rate for rate in rates if rate is not None}) > 1:
        charts.append(
            chart_svg(
                "learning rate", [("learning_rate", BEST, rates)], epochs, **common
            )
        )
        legend.append("green: learning rate")
    if best is not None:
        legend.append(f"dotted green: the best epoch by validation loss ({best})")
    scale = {"left": LEFT, "width": PLOT_WIDTH, "last_epoch": last_epoch}
    caption = f'<p class="legend">{html.escape("; ".join(legend))}.</p>'
    return '<div id="curves">' + caption + "".join(charts) + "</div>", scale
