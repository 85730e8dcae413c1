"""The contenders of the tables benchmark, each trained with its defaults.

Every contender is a function ``(train, test, table, *, seed, threads) ->
Fitted``: it trains on the ``train`` frame (the target included), predicts the
``test`` rows and says how long the training took. They are:

- ``glassnet``: the command line, run as a user runs it. The rows are written
  to CSV files as they are (missing values as empty cells; the test rows
  without their target, as new rows come), then ``glassnet
  train train.csv --target COLUMN -o model.npz`` and ``glassnet predict
  model.npz test.csv -o predictions.csv`` run as subprocesses. Its time is the
  wall time of the ``train`` command, start-up included.
- ``MLP``: scikit-learn's ``MLPClassifier``/``MLPRegressor`` in the standard
  pipeline: numbers median-imputed and standardised, text most-frequent-imputed
  and one-hot encoded (values unseen in training: all zeros); for regression
  the target standardised too (``TransformedTargetRegressor``).
- ``HGB``: ``HistGradientBoostingClassifier``/``Regressor``, text columns as
  pandas categories (those with more than 255 values, which it refuses as
  categories, as ordinal codes).
- ``LightGBM``: ``LGBMClassifier``/``LGBMRegressor`` on the same columns.

Only ``random_state`` (the split's seed) and the thread count are set; every
other parameter is the library's default. Limits: the in-process contenders'
times leave out their library's import; glassnet's include the command's
start-up (Python, NumPy and pandas imports, reading the CSV file).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: The contenders in the order of the table's columns.
CONTENDERS = ("glassnet", "MLP", "HGB", "LightGBM")
#: HistGradientBoosting takes at most this many categories per column.
MAX_CATEGORIES = 255
#: Environment variables that cap a subprocess's BLAS and OpenMP threads.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass
class Fitted:
    """What one contender gives back: test predictions and training seconds."""

    predictions: np.ndarray
    seconds: float
    details: dict = field(default_factory=dict)


class ContenderFailed(RuntimeError):
    """A contender could not train or predict; the message says why."""


def features(frame, table):
    """Return the frame's columns other than the target."""
    return frame.drop(columns=[table.target])


def labels(frame, table):
    """Return the target: text labels for classifiers, floats for regressors."""
    column = frame[table.target]
    return column.astype(str) if table.task == "classification" else column


def text_columns(frame) -> list[str]:
    """Return the names of the columns that are not numbers (nor yes/no booleans)."""
    import pandas as pd

    return [
        name for name in frame.columns if not pd.api.types.is_numeric_dtype(frame[name])
    ]


# -- glassnet's command line --------------------------------------------------


def glassnet_command() -> list[str]:
    """Return how to start glassnet: the script beside this Python, else ``-m``."""
    script = Path(sys.executable).with_name("glassnet")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-m", "glassnet"]


def glassnet_environment(threads: int) -> dict:
    """Return the subprocess's environment: thread caps and this run's warnings.

    The command imports the glassnet this process imported (an installed one, or
    ``src/`` run with ``PYTHONPATH=src``, made absolute: the command runs in a
    temporary folder).
    """
    import glassnet

    env = dict(os.environ)
    package_parent = str(Path(glassnet.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(
        path for path in (package_parent, env.get("PYTHONPATH")) if path
    )
    env.update({name: str(threads) for name in THREAD_VARIABLES})
    if sys.warnoptions:  # -W error here (the smoke test) holds for glassnet too
        env["PYTHONWARNINGS"] = ",".join(sys.warnoptions)
    return env


def run_glassnet(arguments: list[str], env: dict, folder: str) -> tuple[float, str]:
    """Run one glassnet command in ``folder``; return its wall time and stdout."""
    start = time.perf_counter()
    completed = subprocess.run(
        [*glassnet_command(), *arguments],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if completed.returncode != 0:
        message = (completed.stderr.strip() or completed.stdout.strip()).splitlines()
        raise ContenderFailed(
            f"glassnet {arguments[0]} exited with {completed.returncode}: "
            + (message[-1] if message else "no message")
        )
    return seconds, completed.stdout


def _said(stdout: str, start: str) -> str | None:
    """Return the first line of ``stdout`` that starts with ``start``, if any."""
    return next((line for line in stdout.splitlines() if line.startswith(start)), None)


def fit_glassnet(train, test, table, *, seed: int, threads: int) -> Fitted:
    """Train and predict with ``glassnet train`` and ``glassnet predict`` on CSV."""
    import pandas as pd

    env = glassnet_environment(threads)
    with tempfile.TemporaryDirectory(prefix="glassnet-tables-") as folder:
        train.to_csv(Path(folder, "train.csv"), index=False)
        # The test rows go without their target, as new rows would.
        features(test, table).to_csv(Path(folder, "test.csv"), index=False)
        seconds, said = run_glassnet(
            [
                *("train", "train.csv", "--target", table.target, "-o", "model.npz"),
                *("--seed", str(seed)),
            ],
            env,
            folder,
        )
        run_glassnet(
            ["predict", "model.npz", "test.csv", "-o", "predictions.csv"], env, folder
        )
        column = f"predicted_{table.target}"
        written = pd.read_csv(
            Path(folder, "predictions.csv"), dtype=str, keep_default_na=False
        )
    if column not in written.columns or len(written) != len(test):
        raise ContenderFailed(f"glassnet predict wrote no {column} for every row")
    predictions = written[column].to_numpy()
    if table.task == "regression":
        predictions = pd.to_numeric(written[column], errors="coerce").to_numpy()
    # What train said of the task it inferred and the epochs it kept, for the JSON.
    said = {
        "task": _said(said, "target "),
        # One line per member ("member 2 of 5: ... 41 epochs (...)"), or one
        # "trained ..." line for a single network.
        "epochs": [line for line in said.splitlines() if line.startswith("member ")]
        or _said(said, "trained "),
    }
    return Fitted(predictions, seconds, said)


# -- scikit-learn's MLP in the standard pipeline -------------------------------


def _as_text(frame):
    """Return ``frame`` with its text columns as Python strings, NaN where missing."""
    import pandas as pd

    frame = frame.copy()
    for name in text_columns(frame):
        values = [np.nan if pd.isna(value) else str(value) for value in frame[name]]
        frame[name] = pd.Series(values, index=frame.index, dtype=object)
    return frame


def mlp_pipeline(task: str, seed: int):
    """Return the standard pipeline: impute and scale numbers, one-hot text, an MLP.

    A regressor's target is standardised as well (and its predictions scaled back).
    """
    from sklearn.compose import (
        ColumnTransformer,
        TransformedTargetRegressor,
        make_column_selector,
    )
    from sklearn.impute import SimpleImputer
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numbers = make_pipeline(SimpleImputer(strategy="median"), StandardScaler())
    text = make_pipeline(
        SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")
    )
    columns = ColumnTransformer(
        [
            ("numbers", numbers, make_column_selector(dtype_include="number")),
            ("text", text, make_column_selector(dtype_exclude="number")),
        ]
    )
    if task == "classification":
        return make_pipeline(columns, MLPClassifier(random_state=seed))
    # The target standardised too, as the inputs are: MLPRegressor's defaults
    # cannot reach targets in the thousands in 200 epochs.
    return TransformedTargetRegressor(
        make_pipeline(columns, MLPRegressor(random_state=seed)),
        transformer=StandardScaler(),
    )


def fit_mlp(train, test, table, *, seed: int, threads: int) -> Fitted:
    """Train scikit-learn's MLP pipeline; return its test predictions."""
    from sklearn.exceptions import ConvergenceWarning

    pipeline = mlp_pipeline(table.task, seed)
    X, y, X_test = (
        _as_text(features(train, table)),
        labels(train, table),
        _as_text(features(test, table)),
    )
    with _threads(threads), warnings.catch_warnings(record=True) as caught:
        # NOTE: the default max_iter=200 often ends before the loss settles;
        # that is the default a user gets, so its warning is counted, not raised.
        warnings.simplefilter("always", ConvergenceWarning)
        start = time.perf_counter()
        pipeline.fit(X, y)
        seconds = time.perf_counter() - start
        predictions = pipeline.predict(X_test)
    for warning in caught:
        if not issubclass(warning.category, ConvergenceWarning):
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    stopped = any(issubclass(w.category, ConvergenceWarning) for w in caught)
    return Fitted(np.asarray(predictions), seconds, {"max_iter_reached": stopped})


# -- gradient-boosted trees ----------------------------------------------------


def tree_frames(train, test, table):
    """Return ``(X, X_test)`` with text as categories (ordinal codes beyond 255 values).

    The codes are those of the training rows' values in sorted order; a value
    not seen in training, and a missing one, becomes missing.
    """
    import pandas as pd

    X, X_test = features(train, table).copy(), features(test, table).copy()
    for name in text_columns(X):
        known = sorted(X[name].dropna().astype(str).unique())
        codes = {value: code for code, value in enumerate(known)}
        encoded = [
            frame[name].astype(str).where(frame[name].notna()).map(codes)
            for frame in (X, X_test)
        ]
        if len(known) <= MAX_CATEGORIES:
            kind = pd.CategoricalDtype(range(len(known)))
        else:
            kind = float
        X[name], X_test[name] = (column.astype(kind) for column in encoded)
    return X, X_test


def _fit_trees(model, train, test, table, threads) -> Fitted:
    X, X_test = tree_frames(train, test, table)
    with _threads(threads):
        start = time.perf_counter()
        model.fit(X, labels(train, table))
        seconds = time.perf_counter() - start
        return Fitted(np.asarray(model.predict(X_test)), seconds)


def fit_hgb(train, test, table, *, seed: int, threads: int) -> Fitted:
    """Train ``HistGradientBoosting`` with its defaults (threads: OpenMP's limit)."""
    from sklearn.ensemble import (
        HistGradientBoostingClassifier,
        HistGradientBoostingRegressor,
    )

    kind = table.task == "classification"
    model = (HistGradientBoostingClassifier if kind else HistGradientBoostingRegressor)(
        random_state=seed
    )
    return _fit_trees(model, train, test, table, threads)


def fit_lightgbm(train, test, table, *, seed: int, threads: int) -> Fitted:
    """Train LightGBM with its defaults (``verbose=-1``, ``n_jobs=threads``)."""
    import lightgbm

    kind = table.task == "classification"
    model = (lightgbm.LGBMClassifier if kind else lightgbm.LGBMRegressor)(
        random_state=seed, n_jobs=threads, verbose=-1
    )
    return _fit_trees(model, train, test, table, threads)


def _threads(n_threads: int):
    """Cap BLAS and OpenMP threads in this process while the block runs."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=n_threads)


#: Name -> function, in the order of :data:`CONTENDERS`.
FIT = {
    "glassnet": fit_glassnet,
    "MLP": fit_mlp,
    "HGB": fit_hgb,
    "LightGBM": fit_lightgbm,
}


def score(table, test, predictions) -> float:
    """Return accuracy (classification) or R² (regression) on the test rows."""
    from sklearn.metrics import accuracy_score, r2_score

    truth = labels(test, table).to_numpy()
    if table.task == "classification":
        return float(accuracy_score(truth, np.asarray(predictions).astype(str)))
    predictions = np.asarray(predictions, dtype=float)
    if not np.all(np.isfinite(predictions)):
        raise ContenderFailed("predictions that are not finite numbers")
    return float(r2_score(truth.astype(float), predictions))
