"""Shared test settings: ``--slow`` runs the tests marked slow (CI does).

``GLASSNET_FUZZ=deep`` makes the slow fuzzers run their exhaustive sizes (about
six more minutes); CI runs the smaller sizes, which keep ``.ci/run`` well under
its 15 minutes.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

DEEP_FUZZ = os.environ.get("GLASSNET_FUZZ") == "deep"


def fuzz_size(ci: int, deep: int) -> int:
    """Return how many examples a slow fuzzer runs: ``deep`` only when asked."""
    return deep if DEEP_FUZZ else ci


def pytest_addoption(parser):
    parser.addoption(
        "--slow", action="store_true", help="also run tests marked slow (as CI does)"
    )


def pytest_collection_modifyitems(config, items):
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


_CAPPED_LOADER = """
import importlib, json, re, resource, sys, time
module, _, attributes = sys.argv[2].partition(":")
load = importlib.import_module(module)
for attribute in attributes.split("."):
    load = getattr(load, attribute)
with open("/proc/self/status") as status:
    in_use = int(re.search(r"VmSize:\\s+(\\d+) kB", status.read())[1]) * 1024
limit = in_use + int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, resource.RLIM_INFINITY))
results = {}
for path in sys.argv[3:]:
    started = time.perf_counter()
    try:
        load(path)
        outcome = "loaded"
    except BaseException as error:
        outcome = type(error).__name__
    results[path] = [outcome, time.perf_counter() - started]
print(json.dumps(results))
"""


def load_under_memory_cap(load, paths, *, headroom, timeout):
    """Call ``load`` ("module:function") on each path in a child process whose address
    space may grow by only ``headroom`` bytes (Linux); return {path: (outcome,
    seconds)}, the outcome being "loaded" or the exception's class name."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    result = subprocess.run(
        [sys.executable, "-c", _CAPPED_LOADER, str(headroom), load, *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=True,
    )
    return {path: tuple(found) for path, found in json.loads(result.stdout).items()}


def run_capped(code, *, timeout, memory=1 << 30, stdin=None):
    """Run ``code`` in a fresh Python whose address space is capped at ``memory``.

    The child can import this folder's modules (``conftest`` among them);
    ``stdin`` (text) reaches it through a pipe. Returns the completed process.
    The default, 1 GiB, leaves room for pandas and pyarrow (about 600 MB).
    """
    prelude = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({memory}, {memory}))\n"
        f"sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r})\n"
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        input=stdin,
    )


def build_big_network(width=1000):
    """A deterministic network of 2 ``width``-wide layers with Adam state.

    About ``2 * width**2`` parameters (three arrays each, with Adam's moments):
    large enough that a save can be killed in the middle.
    """
    from glassnet import Adam, Dense, Network

    network = Network(
        [Dense(1000, width, "relu"), Dense(width, width, "relu"), Dense(width, 10)],
        optimizer=Adam(),
        seed=0,
    )
    for name, param in network.named_parameters().items():
        network.optimizer.state[name] = {"m": param * 0.5, "v": param * param}
    network.optimizer.n_steps = 7
    network.metadata = {"generation": "new"}
    return network


def save_forever_script(width=1000):
    """Return a child's code: build the big network, say "ready", save it forever."""
    return (
        "import sys\n"
        f"sys.path.insert(0, {os.path.dirname(os.path.abspath(__file__))!r})\n"
        "from conftest import build_big_network\n"
        "from glassnet.modelfile import save\n"
        f"network = build_big_network({width})\n"
        'print("ready", flush=True)\n'
        "while True:\n"
        "    save(network, sys.argv[1])\n"
    )


CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home, and this
# machine's closed network refuses it many times a second.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def browser_or_skip():
    """Return Playwright's ``sync_playwright``; skip without it and Chromium.

    CI installs both (see .ci/run), so CI fails instead of skipping.
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must install chromium and playwright (see .ci/run)")
        pytest.skip("needs playwright and /usr/bin/chromium (apt-get install chromium)")
    return sync_playwright


def launch_chromium(playwright):
    """Start Debian's Chromium, headless, quiet on the network."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@pytest.fixture
def browser_page():
    """Open pages in Debian's Chromium through Playwright; CI never skips.

    Yields ``open(url) -> page``; each page records ``page.errors`` (console
    errors and uncaught exceptions) and ``page.requests`` (every URL asked).
    """
    sync_playwright = browser_or_skip()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)

        def open_page(url, width=900, height=1400):
            page = browser.new_page(viewport={"width": width, "height": height})
            errors, requests = [], []
            page.errors, page.requests = errors, requests
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(url)
            return page

        try:
            yield open_page
        finally:
            browser.close()


def save_screenshot(page, path, name, *, full_page=True):
    """Screenshot the page to ``path``; also into $GLASSNET_SCREENSHOTS if set.

    The README's pictures are made this way, from the tests' real pages:
    ``GLASSNET_SCREENSHOTS=docs/images pytest tests/test_report_words.py``.
    """
    page.screenshot(path=str(path), full_page=full_page)
    folder = os.environ.get("GLASSNET_SCREENSHOTS")
    if folder:
        os.makedirs(folder, exist_ok=True)
        page.screenshot(path=os.path.join(folder, name), full_page=full_page)
