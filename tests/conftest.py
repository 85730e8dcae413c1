"""Shared test settings: ``--slow`` runs the tests marked slow (CI does).

``GLASSNET_FUZZ=deep`` makes the slow fuzzers run their exhaustive sizes (about
six more minutes); CI runs the smaller sizes, which keep ``.ci/run`` well under
its 15 minutes.
"""

import os

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
