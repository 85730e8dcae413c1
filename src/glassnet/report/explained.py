"""What matters and why, as bar charts: a glossary's importance and one row's reasons.

Both come from a table model (:mod:`glassnet.tabular.importance`,
:mod:`glassnet.tabular.attribution`) through the glossary; here they are only
drawn, one bar per original column, with the sentence that says what the
numbers mean.
"""

from __future__ import annotations

import html

from .drawing import NEGATIVE, POSITIVE

ROW_HEIGHT, NAME_WIDTH, BAR_WIDTH = 22, 180, 300


def bars_svg(names: list[str], values: list[float], errors=None, notes=None) -> str:
    """Draw one horizontal bar per name, from a zero line; positive bars go right.

    Parameters
    ----------
    names : list of str
    values : list of float
    errors : list of float, optional
        Drawn as whiskers (a standard deviation) on each bar.
    notes : list of str, optional
        Written after each bar's value (such as the row's cell).

    Returns
    -------
    str
        An ``<svg>`` with one ``rect.bar`` per name, carrying ``data-name``
        and ``data-value``.
    """
    largest = max([abs(v) for v in values] + [1e-12])
    has_negative = any(v < 0 for v in values)
    zero = NAME_WIDTH + (BAR_WIDTH / 2 if has_negative else 0)
    scale = (BAR_WIDTH / 2 if has_negative else BAR_WIDTH) / largest
    height = ROW_HEIGHT * len(names) + 10
    width = NAME_WIDTH + BAR_WIDTH + 200
    parts = [
        f'<svg class="bars" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for k, (name, value) in enumerate(zip(names, values, strict=True)):
        y = 5 + k * ROW_HEIGHT
        left = zero + min(0.0, value) * scale
        colour = POSITIVE if value >= 0 else NEGATIVE
        label = html.escape(name if len(name) <= 28 else name[:27] + "…")
        parts.append(
            f'<text x="{NAME_WIDTH - 8}" y="{y + 14}" text-anchor="end"'
            f' font-size="12">{label}<title>{html.escape(name)}</title></text>'
            f'<rect class="bar" data-name="{html.escape(name)}"'
            f' data-value="{value:.6g}"'
            f' x="{left:.1f}" y="{y + 3}" width="{abs(value) * scale:.1f}"'
            f' height="{ROW_HEIGHT - 8}" fill="{colour}"/>'
        )
        if errors is not None:
            reach = errors[k] * scale
            end = zero + value * scale
            parts.append(
                f'<line x1="{end - reach:.1f}" x2="{end + reach:.1f}" y1="{y + 11}"'
                f' y2="{y + 11}" stroke="#0f172a"/>'
            )
        text = f"{value:+.4f}" + (f"  ({notes[k]})" if notes is not None else "")
        parts.append(
            f'<text x="{NAME_WIDTH + BAR_WIDTH + 8}" y="{y + 14}" font-size="11">'
            f"{html.escape(text)}</text>"
        )
    parts.append(
        f'<line x1="{zero:.1f}" x2="{zero:.1f}" y1="0" y2="{height}"'
        ' stroke="#94a3b8"/></svg>'
    )
    return "".join(parts)


def importance_html(importance: dict) -> str:
    """Return the ``#importance`` section: each column's score drop when shuffled."""
    metric = "accuracy" if importance["metric"] == "accuracy" else "R²"
    sentence = (
        f"How much the {metric} ({importance['score']:.4f} on"
        f" {importance['rows']} rows) fell when each column was shuffled"
        f" ({importance['n_repeats']} times; the whisker is one standard"
        " deviation): the longer the bar, the more the model relies on the"
        " column; near 0, it does without it."
    )
    note = f" {importance['note']}" if importance.get("note") else ""
    return (
        '<section id="importance"><h2>What matters</h2>'
        f"<p>{html.escape(sentence + note)}</p>"
        + bars_svg(importance["columns"], importance["mean"], importance["std"])
        + "</section>"
    )


def why_html(why: dict) -> str:
    """Return the ``#why`` section: one row's prediction, column by column."""
    return (
        '<section id="why"><h2>Why this prediction</h2>'
        f"<p>Row {why['row']} of the data: predicted"
        f" <strong>{html.escape(why['prediction'])}</strong>."
        f" {html.escape(why['sentence'])}</p>"
        + bars_svg(why["columns"], why["contributions"], notes=why["values"])
        + "</section>"
    )
