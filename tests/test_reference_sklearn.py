"""glassnet against scikit-learn's MLP on the same data and the same weights.

scikit-learn's ``MLPRegressor``/``MLPClassifier`` are an implementation written
independently of ours: with identical weights their predictions must agree, and
with identical starting weights a few full-batch steps of each optimizer must
land on the same weights.
"""

import warnings

import numpy as np
import pytest

from glassnet import SGD, Adam, Dense, Network

neural_network = pytest.importorskip("sklearn.neural_network")
exceptions = pytest.importorskip("sklearn.exceptions")

ACTIVATIONS = {
    "relu": "relu",
    "tanh": "tanh",
    "logistic": "sigmoid",
    "identity": "identity",
}


def data(n_samples=30, n_features=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    return X, rng


def fitted_once(estimator, X, y):
    """Let scikit-learn build its arrays (one iteration), quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", exceptions.ConvergenceWarning)
        estimator.fit(X, y)
    return estimator


def copy_weights(net, estimator):
    dense = net.dense_layers
    estimator.coefs_ = [layer.params["weights"].copy() for layer in dense]
    estimator.intercepts_ = [layer.params["biases"].copy() for layer in dense]


def train_sklearn_steps(estimator, X, y, n_steps):
    """Take ``n_steps`` full-batch steps from the weights currently set."""
    # NOTE: deleting the optimizer makes scikit-learn build a fresh one bound to
    # the coefs_ we set (it keeps references to the arrays it updates).
    del estimator._optimizer
    estimator.set_params(warm_start=True, max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", exceptions.ConvergenceWarning)
        for _ in range(n_steps):
            estimator.partial_fit(X, y)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_regressor_predictions_match_with_the_same_weights(activation):
    X, rng = data()
    y = rng.normal(size=(30, 2))
    net = Network(
        [
            Dense(4, 5, ACTIVATIONS[activation]),
            Dense(5, 3, ACTIVATIONS[activation]),
            Dense(3, 2),
        ],
        seed=1,
    )
    estimator = fitted_once(
        neural_network.MLPRegressor(
            hidden_layer_sizes=(5, 3), activation=activation, max_iter=1
        ),
        X,
        y,
    )
    copy_weights(net, estimator)
    np.testing.assert_allclose(net.predict(X), estimator.predict(X), rtol=1e-12)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_classifier_probabilities_match_with_the_same_weights(n_classes):
    X, _ = data()
    y = np.arange(30) % n_classes
    n_outputs, output = (1, "sigmoid") if n_classes == 2 else (n_classes, "softmax")
    loss = "binary_crossentropy" if n_classes == 2 else "categorical_crossentropy"
    net = Network([Dense(4, 6, "relu"), Dense(6, n_outputs, output)], loss=loss, seed=2)
    estimator = fitted_once(
        neural_network.MLPClassifier(hidden_layer_sizes=(6,), max_iter=1), X, y
    )
    copy_weights(net, estimator)
    expected = estimator.predict_proba(X)
    if n_classes == 2:
        expected = expected[:, 1:]
    np.testing.assert_allclose(net.predict_proba(X), expected, rtol=1e-12)


# scikit-learn adds epsilon to sqrt(v) before the bias correction, PyTorch (and
# glassnet) after it; with an epsilon far below sqrt(v) both are the same rule.
ADAM_EPSILON = 1e-14

OPTIMIZERS = {
    "sgd": (
        {"solver": "sgd", "momentum": 0.0, "learning_rate_init": 0.1},
        lambda: SGD(learning_rate=0.1),
    ),
    "momentum": (
        {
            "solver": "sgd",
            "momentum": 0.9,
            "nesterovs_momentum": False,
            "learning_rate_init": 0.05,
        },
        lambda: SGD(learning_rate=0.05, momentum=0.9),
    ),
    "nesterov": (
        {
            "solver": "sgd",
            "momentum": 0.9,
            "nesterovs_momentum": True,
            "learning_rate_init": 0.05,
        },
        lambda: SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
    ),
    "adam": (
        {"solver": "adam", "learning_rate_init": 0.01, "epsilon": ADAM_EPSILON},
        lambda: Adam(learning_rate=0.01, epsilon=ADAM_EPSILON),
    ),
}


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("alpha", [0.0, 0.1], ids=["no-l2", "l2"])
def test_training_steps_match_scikit_learn(optimizer, alpha):
    """Five full-batch steps on half the mean squared error (scikit-learn's loss)."""
    X, rng = data()
    y = rng.normal(size=30)
    sklearn_params, make_optimizer = OPTIMIZERS[optimizer]
    estimator = fitted_once(
        neural_network.MLPRegressor(
            hidden_layer_sizes=(6,),
            activation="tanh",
            alpha=alpha,
            batch_size=30,
            shuffle=False,
            max_iter=1,
            **sklearn_params,
        ),
        X,
        y,
    )
    opt = make_optimizer()
    # scikit-learn's penalty is alpha / (2 n_samples) * ||W||^2, on weights only.
    opt.weight_decay = alpha / len(X)
    net = Network(
        [Dense(4, 6, "tanh"), Dense(6, 1)],
        loss="half_squared_error",
        optimizer=opt,
        seed=3,
    )
    copy_weights(net, estimator)
    train_sklearn_steps(estimator, X, y, n_steps=5)
    for _ in range(5):
        net.train_step(X, y)
    for layer, coefs, intercepts in zip(
        net.layers, estimator.coefs_, estimator.intercepts_, strict=True
    ):
        np.testing.assert_allclose(layer.params["weights"], coefs, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(
            layer.params["biases"], intercepts, rtol=1e-6, atol=1e-9
        )


@pytest.mark.parametrize("n_classes", [2, 4])
def test_classifier_training_steps_match_scikit_learn(n_classes):
    """Cross-entropy with the fused output gradient, five Adam steps."""
    X, rng = data(n_samples=40)
    y = rng.integers(0, n_classes, size=40)
    estimator = fitted_once(
        neural_network.MLPClassifier(
            hidden_layer_sizes=(7,),
            alpha=0.0,
            batch_size=40,
            shuffle=False,
            max_iter=1,
            learning_rate_init=0.01,
            epsilon=ADAM_EPSILON,
        ),
        X,
        y,
    )
    n_outputs, output = (1, "sigmoid") if n_classes == 2 else (n_classes, "softmax")
    loss = "binary_crossentropy" if n_classes == 2 else "categorical_crossentropy"
    net = Network(
        [Dense(4, 7, "relu"), Dense(7, n_outputs, output)],
        loss=loss,
        optimizer=Adam(learning_rate=0.01, epsilon=ADAM_EPSILON),
        seed=4,
    )
    copy_weights(net, estimator)
    train_sklearn_steps(estimator, X, y, n_steps=5)
    losses = [net.train_step(X, y) for _ in range(5)]
    for layer, coefs in zip(net.layers, estimator.coefs_, strict=True):
        np.testing.assert_allclose(layer.params["weights"], coefs, rtol=1e-6, atol=1e-9)
    # Both record the loss of the step's forward pass, before its update.
    np.testing.assert_allclose(losses[-1], estimator.loss_curve_[-1], rtol=1e-9)
