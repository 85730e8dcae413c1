"""The engine learns: XOR, the pet-shop survey, and scikit-learn's digits."""

import numpy as np
import pytest

from glassnet import Adam, Dense, Network, tutorials


def mean_absolute_error(net, X, y):
    return float(np.mean(np.abs(net.predict(X) - y)))


def test_xor_reaches_mean_absolute_error_below_001():
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([[0], [1], [1], [0]])
    net = Network(
        [Dense(2, 8, "tanh"), Dense(8, 1, "sigmoid")],
        loss="mse",
        optimizer=Adam(learning_rate=0.05),
        seed=0,
    )
    net.fit(X, y, epochs=1000)
    assert mean_absolute_error(net, X, y) < 0.01


def test_pet_shop_reaches_mean_absolute_error_below_001():
    net = tutorials.tutorial_network([3, 4, 1])
    net.fit(tutorials.PET_SHOP_X, tutorials.PET_SHOP_Y, epochs=60_000)
    assert mean_absolute_error(net, tutorials.PET_SHOP_X, tutorials.PET_SHOP_Y) < 0.01


def test_pet_shop_with_modern_parts_reaches_mean_absolute_error_below_001():
    net = Network(
        [Dense(3, 8, "relu"), Dense(8, 1, "sigmoid")],
        loss="binary_crossentropy",
        optimizer=Adam(learning_rate=0.05),
        seed=0,
    )
    net.fit(tutorials.PET_SHOP_X, tutorials.PET_SHOP_Y, epochs=500)
    probabilities = net.predict_proba(tutorials.PET_SHOP_X)
    assert np.mean(np.abs(probabilities - tutorials.PET_SHOP_Y)) < 0.01


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_digits_reach_95_percent_with_64_32_10_relu_adam_minibatches(dtype):
    datasets = pytest.importorskip("sklearn.datasets")
    model_selection = pytest.importorskip("sklearn.model_selection")
    digits = datasets.load_digits()
    X_train, X_test, y_train, y_test = model_selection.train_test_split(
        digits.data / 16.0,
        digits.target,
        test_size=0.25,
        random_state=0,
        stratify=digits.target,
    )
    net = Network(
        [Dense(64, 32, "relu"), Dense(32, 10, "softmax")],
        loss="categorical_crossentropy",
        optimizer=Adam(learning_rate=1e-3),
        dtype=dtype,
        seed=0,
    )
    net.fit(X_train, y_train, epochs=60, batch_size=32)
    accuracy = np.mean(net.predict(X_test) == y_test)
    assert accuracy > 0.95
