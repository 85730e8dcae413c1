"""The lbfgs solver: ``GlassnetClassifier`` against ``MLPClassifier`` on digits.

Both estimators get the same parameters (``solver="lbfgs"``, scikit-learn's
defaults otherwise: one hidden layer of 100 ReLU units, ``alpha=1e-4``,
``max_iter=200``, ``tol=1e-4``) and the same standardised, stratified split
of scikit-learn's digits (a quarter held out), one split per seed. Each timed
run is one ``fit``; the two contenders alternate round by round, and round
``k`` of each uses seed ``k`` (the split and the initial weights), so both see
the same sequence of problems. Each library keeps its own initial weights,
so the accuracies are compared as means over the seeds.

Targets: mean test accuracy within 1 point of scikit-learn's, and the median
fit time at most 1.5x scikit-learn's.
"""

from __future__ import annotations

import statistics
import warnings

from ._common import GLASSNET, check_target, interleave, log, markdown_table, summarize

NAME = "lbfgs"
TITLE = "lbfgs on digits: GlassnetClassifier vs MLPClassifier(solver='lbfgs')"
SKLEARN = "scikit-learn"
TIME_TARGET = 1.5
ACCURACY_POINTS = 1.0


def splits(n_samples: int | None, seeds: int):
    """Return one standardised (X_train, X_test, y_train, y_test) per seed."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = load_digits(return_X_y=True)
    X, y = X[:n_samples], y[:n_samples]
    data = []
    for seed in range(seeds):
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, test_size=0.25, stratify=y, random_state=seed
        )
        scaler = StandardScaler().fit(X_train)
        data.append(
            (scaler.transform(X_train), scaler.transform(X_test), y_train, y_test)
        )
    return data


def _contender(estimator_class, data, params, record):
    """Return a callable that fits on the next seed's split and records the result."""
    from sklearn.exceptions import ConvergenceWarning

    calls = iter(range(len(data)))

    def fit():
        seed = next(calls)
        X_train, X_test, y_train, y_test = data[seed]
        model = estimator_class(random_state=seed, **params)
        with warnings.catch_warnings():
            # Stopping at max_iter is allowed here: both are held to the same.
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(X_train, y_train)
        record.append((model.score(X_test, y_test), model.n_iter_))

    return fit


def run(
    *, repeats: int = 10, n_samples: int | None = None, max_iter: int = 200
) -> dict:
    """Fit both, interleaved, once per seed; return accuracies, times and targets.

    Parameters
    ----------
    repeats : int, default=10
        Timed fits per contender (seeds 1 to ``repeats``; seed 0 warms up).
    n_samples : int or None, default=None
        Rows of digits to use (None: all 1,797).
    max_iter : int, default=200
        L-BFGS iterations at most (scikit-learn's default).
    """
    from sklearn.neural_network import MLPClassifier

    from glassnet.estimator import GlassnetClassifier

    params = {"solver": "lbfgs", "max_iter": max_iter}
    data = splits(n_samples, repeats + 1)
    log(f"{NAME}: {len(data[0][0])} training rows, {repeats} seeds per contender")
    records = {GLASSNET: [], SKLEARN: []}
    times = interleave(
        {
            GLASSNET: _contender(GlassnetClassifier, data, params, records[GLASSNET]),
            SKLEARN: _contender(MLPClassifier, data, params, records[SKLEARN]),
        },
        repeats=repeats,
        label=NAME,
    )
    rows = summarize(times)
    for row in rows:
        timed = records[row["contender"]][1:]  # without the warm-up fit
        row["accuracy_percent"] = 100 * statistics.mean(a for a, _ in timed)
        row["median_n_iter"] = statistics.median(n for _, n in timed)
    accuracy = {row["contender"]: row["accuracy_percent"] for row in rows}
    difference = accuracy[GLASSNET] - accuracy[SKLEARN]
    targets = [
        check_target(rows, SKLEARN, TIME_TARGET, case="fit time", benchmark=NAME),
        {
            "benchmark": NAME,
            "case": "test accuracy",
            "versus": SKLEARN,
            "difference_points": difference,
            "target": ACCURACY_POINTS,
            "met": bool(abs(difference) <= ACCURACY_POINTS),
            "measured": f"{difference:+.2f} points",
            "limit": f"within {ACCURACY_POINTS:g} point",
        },
    ]
    return {
        "title": TITLE,
        "config": {
            **params,
            "repeats": repeats,
            "n_samples": len(data[0][0]) + len(data[0][1]),
        },
        "results": rows,
        "targets": targets,
        "notes": [],
    }


def to_markdown(result: dict) -> str:
    """Return the benchmark's table in Markdown."""
    table = markdown_table(
        result["results"],
        [
            ("contender", "contender", ""),
            ("median s / fit", "median_s", ".3f"),
            ("min s", "min_s", ".3f"),
            ("glassnet / this", "ratio", ".2f"),
            ("mean test accuracy %", "accuracy_percent", ".2f"),
            ("median iterations", "median_n_iter", "g"),
        ],
    )
    config = result["config"]
    return (
        f"{table}\n\nOne fit per seed ({config['repeats']} seeds), digits"
        f" standardised, a quarter held out; max_iter={config['max_iter']};"
        f" targets: time <= {TIME_TARGET:g}x, accuracy within"
        f" {ACCURACY_POINTS:g} point."
    )
