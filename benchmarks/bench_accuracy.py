"""Accuracy parity with scikit-learn's ``MLPClassifier`` on its bundled datasets.

For digits, breast cancer, wine and iris: the same stratified split (a quarter
held out), inputs standardised with the training rows' mean and deviation, the
same network (one hidden layer of 64 ReLU units; a softmax output, or for two
classes one sigmoid unit as scikit-learn uses), Adam (learning rate 1e-3),
batches of 32, the same number of epochs, no L2 penalty. Each dataset is run
with several seeds (the split and both networks' initial weights change with
the seed) and the mean test accuracies are compared: on iris one test sample
is 2.6 points, so a single split would say more about luck than about the
engine. The small datasets get more seeds, and the table gives the standard
error of the mean difference. Each library keeps its own default initial
weights (glassnet: He for ReLU layers; scikit-learn: Glorot). Target: glassnet
within 1 point of scikit-learn on every dataset.
"""

from __future__ import annotations

import statistics
import warnings

import numpy as np

from ._common import log, markdown_table

NAME = "accuracy"
TITLE = "Accuracy parity with scikit-learn's MLPClassifier (mean test accuracy)"
DATASETS = ("digits", "breast_cancer", "wine", "iris")
#: Seeds per dataset: fewer for the larger ones (their test sets are larger and
#: their runs longer), 30 for the 150-sample ones.
N_SEEDS = {"digits": 5, "breast_cancer": 10, "wine": 30, "iris": 30}
TARGET_POINTS = 1.0


def load(name: str):
    """Return ``X, y`` of one of scikit-learn's bundled datasets."""
    from sklearn import datasets

    return getattr(datasets, f"load_{name}")(return_X_y=True)


def split(X, y, seed: int):
    """Return the standardised train/test split used by both contenders."""
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=seed
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def glassnet_accuracy(
    X_train, X_test, y_train, y_test, *, hidden, epochs, batch_size, seed
):
    """Train glassnet's network; return its test accuracy."""
    from glassnet import Adam, Dense, Network

    n_classes = len(np.unique(y_train))
    if n_classes == 2:
        output, loss = Dense(hidden, 1, "sigmoid"), "binary_crossentropy"
    else:
        output, loss = Dense(hidden, n_classes, "softmax"), "categorical_crossentropy"
    net = Network(
        [Dense(X_train.shape[1], hidden, "relu"), output],
        loss=loss,
        optimizer=Adam(1e-3),
        seed=seed,
    )
    net.fit(X_train, y_train, epochs=epochs, batch_size=batch_size)
    return float(np.mean(net.predict(X_test).ravel() == y_test))


def sklearn_accuracy(
    X_train, X_test, y_train, y_test, *, hidden, epochs, batch_size, seed
):
    """Train ``MLPClassifier`` for exactly ``epochs`` epochs; return test accuracy."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(
        hidden_layer_sizes=(hidden,),
        activation="relu",
        solver="adam",
        alpha=0.0,
        batch_size=batch_size,
        learning_rate_init=1e-3,
        max_iter=epochs,
        # Never stop early: the loss-plateau rule needs more than max_iter epochs.
        n_iter_no_change=epochs,
        shuffle=True,
        random_state=seed,
    )
    with warnings.catch_warnings():
        # Stopping at max_iter is the point here, not a failure to converge.
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    if model.n_iter_ != epochs:
        raise RuntimeError(f"MLPClassifier ran {model.n_iter_} epochs, not {epochs}")
    return float(model.score(X_test, y_test))


def run(
    *,
    datasets=DATASETS,
    n_seeds: int | None = None,
    hidden: int = 64,
    epochs: int = 200,
    batch_size: int = 32,
) -> dict:
    """Compare mean test accuracies on each dataset over seeds; return the results.

    Parameters
    ----------
    datasets : sequence of str, default=DATASETS
        Names of scikit-learn loaders, without ``load_``.
    n_seeds : int or None, default=None
        Seeds 0, 1, ... per dataset; None takes :data:`N_SEEDS`.
    hidden : int, default=64
        Units of the hidden layer.
    epochs : int, default=200
        Passes over the training rows (scikit-learn's default ``max_iter``).
    batch_size : int, default=32
    """
    settings = {"hidden": hidden, "epochs": epochs, "batch_size": batch_size}
    results, targets = [], []
    for name in datasets:
        X, y = load(name)
        scores = {"glassnet": [], "scikit-learn": []}
        seeds = range(n_seeds or N_SEEDS.get(name, 5))
        for seed in seeds:
            data = split(X, y, seed)
            scores["glassnet"].append(glassnet_accuracy(*data, seed=seed, **settings))
            scores["scikit-learn"].append(
                sklearn_accuracy(*data, seed=seed, **settings)
            )
        means = {label: 100 * statistics.mean(s) for label, s in scores.items()}
        difference = means["glassnet"] - means["scikit-learn"]
        differences = [
            100 * (g - s)
            for g, s in zip(scores["glassnet"], scores["scikit-learn"], strict=True)
        ]
        spread = statistics.stdev(differences) if len(differences) > 1 else 0.0
        log(
            f"{NAME}: {name}: glassnet {means['glassnet']:.2f}%, scikit-learn "
            f"{means['scikit-learn']:.2f}%"
        )
        results.append(
            {
                "dataset": name,
                "n_samples": int(X.shape[0]),
                "n_features": int(X.shape[1]),
                "n_classes": len(np.unique(y)),
                "glassnet_percent": means["glassnet"],
                "sklearn_percent": means["scikit-learn"],
                "difference_points": difference,
                "difference_standard_error": spread / len(differences) ** 0.5,
                "n_seeds": len(differences),
                "glassnet_per_seed": scores["glassnet"],
                "sklearn_per_seed": scores["scikit-learn"],
            }
        )
        targets.append(
            {
                "benchmark": NAME,
                "case": name,
                "versus": "scikit-learn",
                "difference_points": difference,
                "target": TARGET_POINTS,
                "met": abs(difference) <= TARGET_POINTS,
                "measured": f"{difference:+.2f} points",
                "limit": f"within {TARGET_POINTS:g} point",
            }
        )
    return {
        "title": TITLE,
        "config": {**settings, "test_size": 0.25},
        "results": results,
        "targets": targets,
        "notes": [],
    }


def to_markdown(result: dict) -> str:
    """Return the benchmark's table in Markdown."""
    config = result["config"]
    table = markdown_table(
        result["results"],
        [
            ("dataset", "dataset", ""),
            ("samples", "n_samples", "d"),
            ("classes", "n_classes", "d"),
            ("seeds", "n_seeds", "d"),
            ("glassnet %", "glassnet_percent", ".2f"),
            ("scikit-learn %", "sklearn_percent", ".2f"),
            ("difference (points)", "difference_points", "+.2f"),
            ("± standard error", "difference_standard_error", ".2f"),
        ],
    )
    return (
        f"{table}\n\nMean over seeds; {config['hidden']} hidden "
        f"ReLU units, {config['epochs']} epochs, batch {config['batch_size']}, "
        f"Adam 1e-3, no L2; target within {TARGET_POINTS:g} point."
    )
