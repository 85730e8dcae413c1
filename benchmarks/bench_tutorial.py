"""Tutorial overhead: Trask's 3-layer network from glassnet's parts vs the raw loop.

The network is tiny (4 rows, 3-4-1, no biases), so each of the 60,000
full-batch iterations costs microseconds and what is measured is the overhead
of glassnet's layers, loss, optimizer and training loop over the eleven lines
of the tutorial itself. The tutorial's inputs are integers, which NumPy casts
to float in every product; glassnet converts them once. So the loop runs twice:
as written (target: glassnet at most 1.5x) and with float inputs, its fastest
(target: at most 1.25x).

Every run starts from the same weights and must end with the same outputs to
the last bit; the benchmark checks it.
"""

from __future__ import annotations

import numpy as np

from ._common import GLASSNET, check_target, interleave, log, markdown_table, summarize

NAME = "tutorial"
TITLE = "Tutorial overhead: Trask's 3-4-1 network, full batch"
RAW = "raw tutorial loop"
RAW_FLOAT = "raw loop, float inputs"
#: glassnet / contender must be at most this.
TARGETS = {RAW: 1.5, RAW_FLOAT: 1.25}

X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]])
Y = np.array([[0, 1, 1, 0]]).T


def raw_loop(n_iterations: int, dtype=int) -> np.ndarray:
    """Run the tutorial's eleven lines as written; return the final ``l2``.

    ``np.random.seed(1)`` followed by ``np.random.random`` is replaced by the
    same draws from a local ``RandomState(1)``, which leaves the global state
    alone. ``dtype=float`` makes the inputs float64 from the start.
    """
    X = np.array([[0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]], dtype=dtype)
    y = np.array([[0, 1, 1, 0]], dtype=dtype).T
    random = np.random.RandomState(1).random_sample
    syn0 = 2 * random((3, 4)) - 1
    syn1 = 2 * random((4, 1)) - 1
    for _ in range(n_iterations):
        l1 = 1 / (1 + np.exp(-(np.dot(X, syn0))))
        l2 = 1 / (1 + np.exp(-(np.dot(l1, syn1))))
        l2_delta = (y - l2) * (l2 * (1 - l2))
        l1_delta = l2_delta.dot(syn1.T) * (l1 * (1 - l1))
        syn1 += l1.T.dot(l2_delta)
        syn0 += X.T.dot(l1_delta)
    return l2


def glassnet_loop(n_iterations: int) -> np.ndarray:
    """Build the same network from glassnet's parts and ``fit`` it; return ``l2``."""
    from glassnet.tutorials import tutorial_network

    net = tutorial_network([3, 4, 1])
    net.fit(X, Y, epochs=n_iterations)
    return net.intermediates()["l2"]


def run(*, n_iterations: int = 60_000, repeats: int = 5) -> dict:
    """Time both loops, interleaved; return the benchmark's results.

    Parameters
    ----------
    n_iterations : int, default=60_000
        Full-batch training iterations per run (the tutorial's 60,000).
    repeats : int, default=5
        Timed runs of each loop.

    Returns
    -------
    dict
        ``title``, ``config``, ``results`` (one row per contender), ``targets``,
        ``checks`` and ``notes``.
    """
    log(f"{NAME}: {n_iterations} iterations x {repeats} repeats per contender")
    outputs = {}

    def timed(name, function):
        def call():
            outputs[name] = function(n_iterations)

        return call

    times = interleave(
        {
            GLASSNET: timed(GLASSNET, glassnet_loop),
            RAW: timed(RAW, raw_loop),
            RAW_FLOAT: timed(RAW_FLOAT, lambda n: raw_loop(n, dtype=float)),
        },
        repeats=repeats,
        label=NAME,
    )
    rows = summarize(times, per_unit=n_iterations, unit_name="iteration")
    difference = max(
        float(np.max(np.abs(outputs[GLASSNET] - outputs[raw]))) for raw in TARGETS
    )
    targets = [
        check_target(rows, raw, limit, case="3-4-1", benchmark=NAME)
        for raw, limit in TARGETS.items()
    ]
    return {
        "title": TITLE,
        "config": {"n_iterations": n_iterations, "repeats": repeats, "warmup": 1},
        "results": rows,
        "targets": targets,
        "checks": {
            "max_abs_difference_of_final_outputs": difference,
            "bit_identical": difference == 0.0,
        },
        "notes": [],
    }


def to_markdown(result: dict) -> str:
    """Return the benchmark's table in Markdown."""
    table = markdown_table(
        result["results"],
        [
            ("contender", "contender", ""),
            ("median s", "median_s", ".3f"),
            ("µs / iteration", "median_us_per_iteration", ".1f"),
            ("min s", "min_s", ".3f"),
            ("glassnet / this", "ratio", ".2f"),
        ],
    )
    check = result["checks"]
    same = (
        "bit-identical final outputs"
        if check["bit_identical"]
        else f"outputs differ by {check['max_abs_difference_of_final_outputs']:.3g}"
    )
    config = result["config"]
    return (
        f"{table}\n\n{config['n_iterations']:,} iterations, median of "
        f"{config['repeats']} runs each; {same}; targets glassnet <="
        f" {TARGETS[RAW]}x the loop as written, <= {TARGETS[RAW_FLOAT]}x with"
        " float inputs."
    )
