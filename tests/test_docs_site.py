"""The documentation site: it builds with no warning, and its pages work in Chromium.

``docs/build`` runs Sphinx with warnings as errors, executes every code cell and
checks every internal link; here it runs as CI runs it, then a real browser opens
the tutorial pages and the learning reports embedded in them.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import browser_or_skip, launch_chromium

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "docs" / "_build" / "html"
TUTORIALS = ["trask", "milo-neuron", "perceptron", "actually-learns", "pet-shop"]


@pytest.fixture(scope="module")
def site():
    if sys.version_info < (3, 11) or _missing("sphinx", "myst_nb", "numpydoc"):
        if os.environ.get("CI"):
            pytest.fail("CI must build the docs: pip install '.[test]' on Python 3.11+")
        pytest.skip("the docs build needs Python 3.11+ and the docs extra")
    result = subprocess.run(
        [str(ROOT / "docs" / "build")],
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    assert "0 broken" in result.stdout
    return SITE


def _missing(*modules):
    import importlib.util

    return any(importlib.util.find_spec(name) is None for name in modules)


@pytest.mark.slow
def test_tutorial_pages_show_the_published_numbers_computed_at_build_time(site):
    trask = (site / "tutorials" / "trask.html").read_text(encoding="utf-8")
    # Trask's last published error line, printed by the cell that ran the tutorial.
    assert "Error:0.00351012256786" in trask
    milo = (site / "tutorials" / "milo-neuron.html").read_text(encoding="utf-8")
    assert "Considering new situation [1, 0, 0] -&gt; ?:" in milo
    assert "[ 0.99993704]" in milo
    for name in TUTORIALS:
        page = (site / "tutorials" / f"{name}.html").read_text(encoding="utf-8")
        assert "l1_delta" in page and "<iframe" in page, name
        report = page.split('<iframe src="', 1)[1].split('"', 1)[0]
        assert (site / "tutorials" / report).resolve().is_file(), report


@pytest.mark.slow
def test_api_reference_is_generated_from_the_docstrings(site):
    page = (site / "api" / "generated" / "glassnet.network.html").read_text()
    assert 'id="glassnet.network.Network.fit"' in page
    assert "Parameters" in page


@pytest.mark.slow
def test_tutorial_pages_and_their_reports_in_a_real_browser(site):
    sync_playwright = browser_or_skip()
    errors, outside = [], []

    def request(req):
        # Every request must stay inside the built site: no fonts, scripts or
        # analytics from anywhere else.
        if not req.url.startswith(site.as_uri() + "/") and req.url != "about:blank":
            outside.append(req.url)

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1000})
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", request)
            for name in TUTORIALS:
                page.goto((site / "tutorials" / f"{name}.html").as_uri())
                page.locator("iframe").scroll_into_view_if_needed()
                frame = page.frame_locator("iframe")
                # The report drew the network, and its slider works in the page.
                assert frame.locator("circle.neuron").count() >= 3 + 1, name
                frame.locator("#epoch-slider").fill("0")
                assert frame.locator("#epoch-label").inner_text() == "after epoch 0"
            page.goto((site / "index.html").as_uri())
            page.goto((site / "getting-started.html").as_uri())
            assert page.locator("svg circle").count() >= 8  # the network draws itself
        finally:
            browser.close()
    assert errors == []
    assert outside == []
