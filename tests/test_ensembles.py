"""``side_by_side``: trained networks as one, checked against their own outputs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import glassnet
from glassnet import Dense, Network
from glassnet.ensembles import side_by_side


def _trained(widths, activations, loss, seed, dtype="float64"):
    rng = np.random.default_rng(100 + seed)
    X = rng.normal(size=(40, widths[0]))
    y = rng.integers(0, widths[-1], 40) if loss != "mse" else rng.normal(size=(40, 1))
    layers = [
        Dense(n_in, n_out, activation)
        for (n_in, n_out), activation in zip(
            itertools.pairwise(widths), activations, strict=True
        )
    ]
    net = Network(layers, loss=loss, optimizer="adam", seed=seed, dtype=dtype)
    net.fit(X, y, epochs=3)
    return net


def _logits(net, X):
    """Each member's last pre-activation, computed layer by layer with NumPy."""
    z = X
    for layer in net.dense_layers[:-1]:
        z = layer.infer(z)
    last = net.dense_layers[-1]
    return z @ last.params["weights"] + last.params["biases"]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_classifier_is_the_softmax_of_the_members_mean_logits(dtype):
    members = [
        _trained([5, 7, 6, 3], ["relu", "tanh", "softmax"], "cce", seed, dtype)
        for seed in range(3)
    ]
    merged = side_by_side(members)
    X = np.random.default_rng(0).normal(size=(30, 5)).astype(dtype)
    mean = np.mean([_logits(net, X) for net in members], axis=0)
    expected = np.exp(mean - mean.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    tolerance = 1e-12 if dtype == "float64" else 1e-6
    np.testing.assert_allclose(merged.predict_proba(X), expected, atol=tolerance)
    assert merged.widths == [5, 21, 18, 3]
    assert merged.dtype == np.dtype(dtype)


def test_regressor_is_the_members_mean_prediction():
    members = [
        _trained([4, 8, 1], ["relu", "identity"], "mse", seed) for seed in range(5)
    ]
    merged = side_by_side(members)
    X = np.random.default_rng(1).normal(size=(25, 4))
    expected = np.mean([net.predict(X) for net in members], axis=0)
    np.testing.assert_allclose(merged.predict(X), expected, atol=1e-12)


def test_hidden_layers_past_the_first_are_block_diagonal():
    members = [
        _trained([3, 4, 2, 1], ["relu", "relu", "identity"], "mse", seed)
        for seed in range(2)
    ]
    middle = side_by_side(members).dense_layers[1].params["weights"]
    assert middle.shape == (8, 4)
    np.testing.assert_array_equal(middle[:4, 2:], 0.0)
    np.testing.assert_array_equal(middle[4:, :2], 0.0)
    np.testing.assert_array_equal(
        middle[4:, 2:], members[1].dense_layers[1].params["weights"]
    )


def test_a_merged_network_saves_and_loads(tmp_path):
    members = [_trained([3, 5, 2], ["relu", "softmax"], "cce", s) for s in range(2)]
    merged = side_by_side(members)
    merged.save(tmp_path / "merged.npz")
    loaded = glassnet.load(tmp_path / "merged.npz")
    X = np.random.default_rng(2).normal(size=(6, 3))
    np.testing.assert_array_equal(loaded.predict_proba(X), merged.predict_proba(X))


def test_refuses_no_network_and_different_architectures():
    with pytest.raises(ValueError, match="at least one network"):
        side_by_side([])
    small = _trained([3, 5, 2], ["relu", "softmax"], "cce", 0)
    other = _trained([3, 6, 2], ["relu", "softmax"], "cce", 1)
    with pytest.raises(ValueError, match="network 2 has the architecture"):
        side_by_side([small, other])
