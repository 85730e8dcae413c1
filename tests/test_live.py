"""The live view: its server over real HTTP, LiveView in fit, and a real browser
watching ``glassnet train --watch`` redraw the report after every epoch."""

import json
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from conftest import browser_or_skip, launch_chromium, save_screenshot

from glassnet import Callback, LiveView, tutorials
from glassnet.live.server import LiveServer
from glassnet.report import render_recording

GLASSNET = shutil.which(
    "glassnet", path=str(Path(sys.executable).parent)
) or shutil.which("glassnet")


def get(url, host=None):
    """Return (status, headers, body) of a GET, whatever the status."""
    request = urllib.request.Request(url, headers={"Host": host} if host else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read().decode()


def refused(port):
    """Whether connecting to 127.0.0.1:port is refused (nothing listens)."""
    with socket.socket() as sock:
        sock.settimeout(5)
        try:
            sock.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            return True
    return False


def test_server_listens_on_loopback_and_serves_three_paths():
    server = LiveServer()
    try:
        assert server.server.server_address[0] == "127.0.0.1"
        assert server.url == f"http://127.0.0.1:{server.port}/"
        page = "<!DOCTYPE html><html><head></head><body><p>epoch 7</p></body></html>"
        server.publish(page, epoch=7)
        status, _, body = get(server.url + "state")
        assert status == 200
        assert json.loads(body) == {"version": 1, "epoch": 7, "finished": False}
        status, headers, body = get(server.url + "report")
        assert (status, body) == (200, page)
        assert headers["X-Glassnet-Epoch"] == "7"
        assert "connect-src 'self'" in headers["Content-Security-Policy"]
        status, _, body = get(server.url)
        assert status == 200 and "<p>epoch 7</p>" in body
        assert 'id="glassnet-live-script"' in body
        for path in ("nothing", "report/", "../etc/passwd", "favicon.ico", "%2e%2e/"):
            assert get(server.url + path)[0] == 404, path
        # A page of another site that a DNS record points here is refused.
        assert get(server.url + "state", host="attacker.example")[0] == 403
        post = urllib.request.Request(server.url + "state", data=b"x", method="POST")
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(post, timeout=10)
        with error.value:
            assert error.value.code == 501
    finally:
        server.stop()
    assert refused(server.port)


def test_a_taken_port_is_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match=f"^port {port} on 127.0.0.1 is already in"):
            LiveServer(port=port)
    with pytest.raises(ValueError, match="port must be an integer from 0 to 65535"):
        LiveServer(port=70_000)


def test_live_view_publishes_every_epoch_of_fit_over_http():
    net = tutorials.tutorial_network([3, 4, 1])
    view = LiveView(rows=tutorials.MILO_X, grace=0.5)  # no page fetches the end
    seen = []

    class Look(Callback):
        def on_epoch_begin(self, network, epoch):
            time.sleep(0.25)  # slow epochs: each one is redrawn

        def on_epoch_end(self, network, epoch, logs):
            # What a page polling the server sees after this epoch.
            seen.append(json.loads(get(view.server.url + "state")[2]))

    net.fit(tutorials.MILO_X, tutorials.MILO_Y, epochs=5, callbacks=[view, Look()])
    # Redraws are spaced by four times their rendering time: on a busy machine
    # an epoch can go undrawn, but the page keeps up with the run.
    epochs = [state["epoch"] for state in seen]
    versions = [state["version"] for state in seen]
    assert epochs[-1] == 5 and len(set(epochs)) >= 3, epochs
    assert epochs == sorted(epochs) and versions == sorted(versions), seen
    assert view.redraws >= 4  # epoch 0, at least two more, and the final page
    assert not any(state["finished"] for state in seen)
    assert view.server is None, "the server stops after training"
    assert len(view.recording.history["records"]) == 5
    # The report drawn from the recording has every epoch and the predictions.
    page = render_recording(view.recording)
    final = net.predict(tutorials.MILO_X).ravel()
    assert f"<td>{final[0]:.4f}</td>" in page


def test_live_view_keeps_serving_the_final_report():
    net = tutorials.tutorial_network([3, 4, 1])
    view = LiveView(keep_serving=True)  # no rows: weights and curves only
    net.fit(tutorials.MILO_X, tutorials.MILO_Y, epochs=3, callbacks=[view])
    try:
        state = json.loads(get(view.server.url + "state")[2])
        assert state["finished"] and state["epoch"] == 3
        _, headers, body = get(view.server.url + "report")
        assert body == render_recording(view.recording)
        assert headers["X-Glassnet-Finished"] == "true"
        assert "3 epochs recorded" in body
    finally:
        port = view.server.port
        view.stop()
    assert refused(port)


def until(condition, seconds=30):
    """Wait for ``condition()`` (the live page's policy forbids Playwright's eval)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def table(tmp_path):
    """12,000 rows whose target needs a hidden layer: a few seconds of training.

    Long enough for a page that opens while training starts (Chromium takes a
    second to start) to see several epochs drawn, on a busy machine too.
    """
    n_rows = 12_000
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, n_rows))
    colour = rng.choice(["red", "green", "blue"], n_rows)
    y = ((a * b + (colour == "red")) > 0.3).astype(int)
    lines = ["a,b,colour,y"] + [
        f"{a[k]:.5f},{b[k]:.5f},{colour[k]},{y[k]}" for k in range(n_rows)
    ]
    path = tmp_path / "table.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def screenshot(page, tmp_path, name):
    """Save the visible page in tmp_path (and $GLASSNET_SCREENSHOTS, for the README)."""
    save_screenshot(page, tmp_path / name, name, full_page=False)
    assert (tmp_path / name).stat().st_size > 10_000


def watch(url, tmp_path):
    """Watch the live page until training finishes; return what was seen."""
    sync_playwright = browser_or_skip()
    errors, requests, epochs = [], [], []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 800, "height": 1000})
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(url)
            status = page.locator("#glassnet-live")
            while "finished" not in status.inner_text(timeout=30_000):
                epoch = int(page.inner_text("#epoch"))
                if not epochs or epoch != epochs[-1]:
                    epochs.append(epoch)
                    if len(epochs) == 3:
                        screenshot(page, tmp_path, "live-training.png")
                page.wait_for_timeout(100)
            assert "Training finished" in status.inner_text()
            screenshot(page, tmp_path, "live-finished.png")
            live = page.evaluate(BODY_WITHOUT_STATUS)
            final_epoch = page.inner_text("#epoch")
            # The saved report, opened from its file, draws the same page.
            saved = browser.new_page(viewport={"width": 800, "height": 1000})
            saved.goto((tmp_path / "r.html").as_uri())
            assert saved.evaluate(BODY_WITHOUT_STATUS) == live
        finally:
            browser.close()
    return epochs, final_epoch, errors, requests


@pytest.mark.slow  # about 15 s: a few seconds of training, watched in Chromium
def test_watch_a_training_run_in_a_browser(table, tmp_path):
    browser_or_skip()
    command = [
        *(["glassnet"] if GLASSNET is None else [GLASSNET]),
        *("train", str(table), "--target", "y", "--watch", "--report", "r.html"),
        *("--members", "1", "--epochs", "60", "--patience", "1000"),
        *("--hidden", "128,64", "-q"),
    ]
    with subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            first = process.stdout.readline()
            url = re.fullmatch(r"watch it learn: (http://127\.0\.0\.1:(\d+)/)\n", first)
            assert url, first + process.stderr.read()
            epochs, final_epoch, errors, requests = watch(url[1], tmp_path)
            assert process.wait(timeout=60) == 0, process.stderr.read()
        finally:
            process.kill()
    # #epoch advanced at least three times during training, then showed the end.
    assert len(epochs) >= 4 and epochs == sorted(epochs) and epochs[2] < 60, epochs
    assert final_epoch == "60"
    assert errors == []
    port, origin = int(url[2]), url[1].rstrip("/")
    assert requests and all(r.startswith((origin + "/", "data:")) for r in requests), (
        requests
    )
    assert refused(port), "the server stops when training ends"


# The page's body as the report's scripts drew it, without the live view's status
# line (and without the scripts, which the live page runs wrapped in a function).
BODY_WITHOUT_STATUS = """() => {
  const body = document.body.cloneNode(true);
  for (const own of body.querySelectorAll("#glassnet-live, script")) own.remove();
  // Chromium gives an adopted range input an empty style attribute.
  for (const empty of body.querySelectorAll('[style=""]'))
    empty.removeAttribute("style");
  return body.innerHTML.trim();
}"""


def test_live_view_in_fit_keeps_the_epoch_the_user_chose(tmp_path):
    sync_playwright = browser_or_skip()
    net = tutorials.tutorial_network([3, 4, 1])
    view = LiveView(rows=tutorials.MILO_X, keep_serving=True)

    class Slow(Callback):
        def on_epoch_begin(self, network, epoch):
            time.sleep(0.3)  # slow epochs, so that the page can be used meanwhile

    training = threading.Thread(
        target=net.fit,
        args=(tutorials.MILO_X, tutorials.MILO_Y),
        kwargs={"epochs": 12, "callbacks": [view, Slow()]},
    )
    training.start()
    errors = []
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            try:
                page = browser.new_page()
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.on(
                    "console", lambda m: m.type == "error" and errors.append(m.text)
                )
                page.goto(view.start())
                status = page.locator("#glassnet-live")
                until(lambda: int(page.inner_text("#epoch")) >= 2)
                page.fill("#epoch-slider", "0")  # the untrained network

                def newest():
                    return int(page.get_attribute("#epoch-slider", "max"))

                moved_at = newest()
                until(lambda: newest() > moved_at)
                # Redrawn with newer epochs, the page still shows the chosen one:
                # #epoch is the epoch drawn.
                assert page.input_value("#epoch-slider") == "0"
                assert page.inner_text("#epoch") == "0"
                until(lambda: "finished" in status.inner_text())
                assert "Training finished at epoch 12" in status.inner_text()
            finally:
                browser.close()
    finally:
        training.join()
        view.stop()
    assert errors == []


NOTEBOOK = '''
import json
from ipykernel.inprocess.manager import InProcessKernelManager

manager = InProcessKernelManager()
manager.start_kernel()
client = manager.client()
client.start_channels()
client.execute("""
from glassnet import LiveView, tutorials
net = tutorials.tutorial_network([3, 4, 1])
view = LiveView(rows=tutorials.MILO_X)
net.fit(tutorials.MILO_X, tutorials.MILO_Y, epochs=3, callbacks=[view])
print(view.server, view.redraws)
""")
shown = []
for message in client.iopub_channel.get_msgs():
    content = message["content"]
    html = content.get("data", {}).get("text/html")
    shown.append((message["msg_type"], html or content.get("text")))
manager.shutdown_kernel()
print(json.dumps(shown))
'''


def test_live_view_draws_in_a_jupyter_cell():
    pytest.importorskip("ipykernel")
    # A kernel of its own process: a kernel's shell stays registered once made.
    result = subprocess.run(
        [sys.executable, "-c", NOTEBOOK], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.splitlines()[-1])
    drawn = [html for kind, html in shown if kind.endswith("display_data")]
    kinds = [kind for kind, _ in shown if kind.endswith("display_data")]
    # One drawing, updated in place (epochs closer than a second apart are
    # drawn once: the notebook keeps up without slowing training).
    assert kinds[0] == "display_data" and len(kinds) >= 2, kinds
    assert set(kinds[1:]) == {"update_display_data"}, kinds
    assert ["stream", f"None {len(kinds)}\n"] in shown, shown  # no server started
    assert "live: training, epoch 0" in drawn[0]
    assert "training finished at epoch 3" in drawn[-1]
    assert "<iframe srcdoc=" in drawn[-1] and "&lt;svg" in drawn[-1]


def test_watch_on_a_taken_port_fails_in_one_line_and_writes_nothing(table, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        before = sorted(tmp_path.iterdir())
        result = subprocess.run(
            [
                *(["glassnet"] if GLASSNET is None else [GLASSNET]),
                *("train", str(table), "--target", "y", "--watch"),
                *("--port", str(port), "--report", "r.html"),
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr == (
        f"glassnet: error: port {port} on 127.0.0.1 is already in use: choose"
        " another port, or none for a free one\n"
    )
    assert result.stdout == ""
    assert sorted(tmp_path.iterdir()) == before
