"""The live page: a report page plus the script that keeps it up to date.

``live_page(page, state)`` adds to a report page a status line and a script
that asks the server for ``/state`` every ``POLL_MS`` milliseconds. When the
version changes it fetches ``/report``, parses it with ``DOMParser``, puts its
body in place of the shown one and runs the report's inline scripts again, so
the drawing, curves and slider are exactly the report's. The slider stays at
the newest epoch unless the user has moved it. When the page is final the
status line says "training finished" and the polling stops.

The report's scripts run once natively when the page loads; on every redraw
they run again, each wrapped in a function so that their top-level ``const``
declarations do not clash with the previous run's.

``#epoch`` shows the epoch drawn: the report's own element when it has one,
else the status line's.
"""

from __future__ import annotations

import re

from ..report.script import script_json

#: How often the live page asks whether there is a newer page, in milliseconds.
POLL_MS = 300

_SCRIPT = """
(() => {
  let state = __STATE__;
  let following = true, chosen = null, stopped = false;
  const slider = () => document.getElementById("epoch-slider")
    || document.querySelector('input[type="range"]');
  function status() {
    let box = document.getElementById("glassnet-live");
    if (!box) {
      box = document.createElement("p");
      box.id = "glassnet-live";
      box.setAttribute("role", "status");
      box.style.cssText = "position:sticky;top:0;z-index:10;margin:0 0 1em;"
        + "padding:6px 10px;border-radius:4px;font:14px system-ui,sans-serif;"
        + "background:#eff6ff;color:#1e3a8a;border:1px solid #bfdbfe";
      document.body.prepend(box);
    }
    const own = document.getElementById("epoch");
    const mine = own && !box.contains(own) ? "glassnet-live-epoch" : "epoch";
    const epoch = `<span id="${mine}">${state.epoch}</span>`;
    box.innerHTML = stopped
      ? `The live server has stopped; this is the last page it sent (epoch ${epoch}).`
      : state.finished
      ? `<strong>Training finished</strong> at epoch ${epoch}: the final report.`
      : `Live: training&hellip; epoch ${epoch} (redrawn after every epoch).`;
    if (state.finished || stopped) box.style.background = "#ecfdf5";
  }
  function watchSlider() {
    const range = slider();
    if (!range) return;
    range.addEventListener("input", () => {
      following = range.value === range.max;
      chosen = range.value;
    });
  }
  function rerun(root) {
    for (const old of root.querySelectorAll("script")) {
      const type = (old.type || "text/javascript").toLowerCase();
      const fresh = document.createElement("script");
      for (const { name, value } of old.attributes) fresh.setAttribute(name, value);
      const classic = /^(text|application)\\/(java|ecma)script$/.test(type);
      fresh.text = classic ? `(function () {\\n${old.text}\\n})();` : old.text;
      old.replaceWith(fresh);
    }
  }
  async function redraw() {
    const response = await fetch("report", { cache: "no-store" });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    const text = await response.text();
    const fresh = new DOMParser().parseFromString(text, "text/html");
    const scroll = [window.scrollX, window.scrollY];
    const kept = [...document.head.querySelectorAll("[data-glassnet-live]")];
    const head = [...document.adoptNode(fresh.head).childNodes];
    document.head.replaceChildren(...head, ...kept);
    document.body.replaceWith(document.adoptNode(fresh.body));
    rerun(document.head);
    rerun(document.body);
    state = {
      version: +response.headers.get("X-Glassnet-Version"),
      epoch: +response.headers.get("X-Glassnet-Epoch"),
      finished: response.headers.get("X-Glassnet-Finished") === "true",
    };
    const range = slider();
    if (range && !following && chosen !== null && +chosen <= +range.max) {
      range.value = chosen;
      range.dispatchEvent(new Event("input", { bubbles: true }));
    }
    watchSlider();
    status();
    window.scrollTo(...scroll);
  }
  async function poll() {
    try {
      const now = await (await fetch("state", { cache: "no-store" })).json();
      if (now.version !== state.version) await redraw();
    } catch (error) {
      stopped = true;
      status();
      return;
    }
    if (!state.finished) setTimeout(poll, __POLL_MS__);
  }
  status();
  watchSlider();
  if (!state.finished) setTimeout(poll, __POLL_MS__);
})();
"""

# The browser asks every page for an icon; this one needs no request.
_ICON = '<link rel="icon" href="data:," data-glassnet-live>'


def live_page(page: str, state: dict) -> str:
    """Return ``page`` with the live status line and script added.

    Parameters
    ----------
    page : str
        A whole HTML page.
    state : dict
        The page's ``version``, ``epoch`` and ``finished``, as ``/state``
        reports them.

    Examples
    --------
    >>> text = live_page("<html><head></head><body>hi</body></html>",
    ...                  {"version": 1, "epoch": 3, "finished": False})
    >>> text.count("<script")
    1
    """
    known = script_json(state)
    script = _SCRIPT.replace("__STATE__", known).replace("__POLL_MS__", str(POLL_MS))
    page = _insert_after(page, r"<head\b[^>]*>", _ICON)
    tail = f'<script id="glassnet-live-script">{script}</script>'
    ends = [match.start() for match in re.finditer(r"</body\s*>", page, re.I)]
    if not ends:
        return page + tail
    return page[: ends[-1]] + tail + page[ends[-1] :]


def _insert_after(page: str, pattern: str, text: str) -> str:
    """Insert ``text`` after the first match of ``pattern`` (or at the start)."""
    match = re.search(pattern, page, re.I)
    at = match.end() if match else 0
    return page[:at] + text + page[at:]
