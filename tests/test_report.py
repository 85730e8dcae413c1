"""The learning report: its content, and its behaviour in a real browser."""

import re

import numpy as np
import pytest
from conftest import browser_or_skip, launch_chromium

from glassnet import Dense, Network, report, tutorials
from glassnet.recording import Recorder


@pytest.fixture
def pet_shop_report(tmp_path):
    net = tutorials.tutorial_network([3, 4, 1])
    recorder = Recorder(rows=tutorials.VET_SURVEYS, every=1000)
    net.fit(
        tutorials.PET_SHOP_X,
        tutorials.PET_SHOP_Y,
        epochs=10_000,
        validation_data=(tutorials.PET_SHOP_X, tutorials.PET_SHOP_Y),
        callbacks=[recorder],
    )
    path = tmp_path / "report.html"
    net.report(path, recording=recorder.recording)
    return path, net, recorder.recording


def test_report_is_self_contained(pet_shop_report):
    path, net, _ = pet_shop_report
    text = path.read_text()
    assert text.startswith("<!DOCTYPE html>")
    # Nothing is fetched: no external scripts, styles, images or fonts.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", text)
    assert "@import" not in text and "url(" not in text
    assert text.count('class="neuron"') == 3 + 4 + 1
    assert text.count('class="synapse"') == 3 * 4 + 4 * 1
    final = net.predict(tutorials.VET_SURVEYS).ravel()
    assert f"<td>{final[0]:.4f}</td>" in text


def test_wide_layers_are_drawn_in_part(tmp_path):
    net = Network(
        [Dense(784, 32, "relu"), Dense(32, 10, "softmax")], loss="cce", seed=0
    )
    net.report(tmp_path / "wide.html")
    text = (tmp_path / "wide.html").read_text()
    assert text.count('class="neuron"') == 12 + 12 + 10
    assert "l0: 784 (772 not drawn)" in text


def test_write_is_the_network_report_and_needs_something_to_show(tmp_path):
    net = tutorials.tutorial_network([3, 4, 1])
    net.fit(tutorials.PET_SHOP_X, tutorials.PET_SHOP_Y, epochs=5)
    net.report(tmp_path / "method.html")
    report.write(tmp_path / "function.html", network=net)
    text = (tmp_path / "method.html").read_text()
    assert text == (tmp_path / "function.html").read_text()
    assert "5 epochs recorded; completed." in text
    with pytest.raises(ValueError, match="report needs a network or a recording"):
        report.write(tmp_path / "nothing.html")


def test_network_shows_itself_in_notebooks():
    html = tutorials.tutorial_network([3, 4, 1])._repr_html_()
    assert html.count('class="neuron"') == 8 and "<svg" in html


def test_report_in_a_real_browser(pet_shop_report, tmp_path):
    sync_playwright = browser_or_skip()
    path, _, recording = pet_shop_report
    errors = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 800, "height": 1400})
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(path.as_uri())
            assert page.locator("circle.neuron").count() == 3 + 4 + 1
            assert page.locator("line.synapse").count() == 3 * 4 + 4 * 1

            def drawing():
                widths = page.eval_on_selector_all(
                    "line.synapse",
                    "lines => lines.map(l => l.getAttribute('stroke-width'))",
                )
                marker = page.get_attribute("#epoch-marker", "x1")
                return widths, marker, page.inner_text("#epoch-label")

            end = drawing()
            assert end[2] == "after epoch 10000"
            page.fill("#epoch-slider", "0")  # back to the untrained network
            start = drawing()
            assert start[2] == "after epoch 0"
            assert start[0] != end[0], "moving the slider must redraw the synapses"
            assert float(start[1]) < float(end[1]), "the loss marker must move"
            # The synapses drawn at epoch 0 are the initial weights.
            first = recording.snapshots[0].weights[0][0, 0]
            title = page.text_content(
                "line.synapse[data-layer='0'][data-i='0'][data-j='0'] title"
            )
            assert title.startswith("syn0[0, 0] = ")
            assert title.endswith("(l0[0] → l1[0])")
            assert np.isclose(float(title.split()[3]), first, rtol=1e-5)
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert (tmp_path / "report.png").stat().st_size > 10_000
