"""The Network API: construction, names or objects, inspection, training loop."""

import warnings

import numpy as np
import pytest

import glassnet
from glassnet import SGD, Adam, Callback, Dense, LambdaCallback, Network


def small_regression(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X @ np.array([[1.0], [-2.0], [0.5]]) + 0.1
    return X, y


def test_names_and_objects_build_the_same_network():
    by_name = Network([Dense(3, 4, "tanh"), Dense(4, 1)], loss="mse", optimizer="sgd")
    by_object = Network(
        [Dense(3, 4, glassnet.Tanh()), Dense(4, 1, glassnet.Identity())],
        loss=glassnet.MeanSquaredError(),
        optimizer=SGD(),
    )
    for net in (by_name, by_object):
        assert isinstance(net.loss, glassnet.MeanSquaredError)
        assert isinstance(net.optimizer, SGD)
        assert isinstance(net.layers[0].activation, glassnet.Tanh)
    assert repr(by_name).startswith("Network(3 -> 4 -> 1, loss=MeanSquaredError")


def test_seed_redraws_every_layer_in_order_from_one_generator():
    a = Network([Dense(3, 4, rng=7), Dense(4, 2, rng=7)], seed=1)
    b = Network([Dense(3, 4), Dense(4, 2)], seed=1)
    rng = np.random.default_rng(1)
    limit0, limit1 = np.sqrt(6 / 7), np.sqrt(6 / 6)
    expected0 = rng.uniform(-limit0, limit0, size=(3, 4))
    expected1 = rng.uniform(-limit1, limit1, size=(4, 2))
    for net in (a, b):
        assert np.array_equal(net.layers[0].params["weights"], expected0)
        assert np.array_equal(net.layers[1].params["weights"], expected1)


def test_named_parameters_are_views_into_the_network():
    net = Network([Dense(2, 3), Dense(3, 1)], seed=0)
    params = net.named_parameters()
    assert list(params) == [
        "layers.0.weights",
        "layers.0.biases",
        "layers.1.weights",
        "layers.1.biases",
    ]
    assert net.n_params == 2 * 3 + 3 + 3 * 1 + 1
    params["layers.1.biases"][...] = 5.0
    assert net.layers[1].params["biases"][0] == 5.0
    net.layers[1].params["weights"][...] = 0.0
    np.testing.assert_array_equal(net.predict(np.ones((2, 2))), 5.0)
    assert list(net.named_gradients()) == list(params)


def test_state_dict_snapshots_and_restores():
    X, y = small_regression()
    net = Network([Dense(3, 4, "relu"), Dense(4, 1)], optimizer=SGD(0.05), seed=0)
    before = net.state_dict()
    predictions = net.predict(X)
    net.fit(X, y, epochs=5)
    assert not np.array_equal(net.predict(X), predictions)
    net.load_state_dict(before)
    assert np.array_equal(net.predict(X), predictions)


def test_load_state_dict_checks_names_and_shapes():
    net = Network([Dense(3, 4), Dense(4, 1)], seed=0)
    state = net.state_dict()
    del state["layers.0.biases"]
    with pytest.raises(ValueError, match=r"missing \['layers.0.biases'\]"):
        net.load_state_dict(state)
    state = net.state_dict()
    state["layers.0.weights"] = np.zeros((4, 3))
    with pytest.raises(
        ValueError, match=r"has shape \(4, 3\), the network's has \(3, 4\)"
    ):
        net.load_state_dict(state)


def test_fit_returns_history_with_one_loss_per_epoch_that_decreases():
    X, y = small_regression()
    net = Network([Dense(3, 8, "tanh"), Dense(8, 1)], optimizer=Adam(0.01), seed=0)
    history = net.fit(X, y, epochs=50, batch_size=8)
    assert history is net.history
    assert history.n_epochs == 50
    assert history.loss[-1] < history.loss[0] / 10


def test_epoch_loss_is_the_sample_weighted_mean_of_batch_losses():
    X, y = small_regression(n=10)
    net = Network([Dense(3, 1)], optimizer=SGD(0.01), seed=0)
    batch_losses = []
    callback = LambdaCallback(
        on_batch_end=lambda n, b, logs: batch_losses.append(logs["loss"])
    )
    history = net.fit(X, y, epochs=1, batch_size=4, shuffle=False, callbacks=[callback])
    assert len(batch_losses) == 3  # 4 + 4 + 2 samples
    expected = (4 * batch_losses[0] + 4 * batch_losses[1] + 2 * batch_losses[2]) / 10
    assert history.loss[0] == pytest.approx(expected, rel=1e-12)


def test_full_batch_loss_is_measured_before_the_update():
    X, y = small_regression(n=10)
    net = Network([Dense(3, 1)], optimizer=SGD(0.01), seed=0)
    expected = np.mean((net.predict(X) - y) ** 2)
    history = net.fit(X, y, epochs=1)
    assert history.loss[0] == pytest.approx(expected, rel=1e-12)


def test_callbacks_are_called_in_order():
    calls = []

    class Recorder(Callback):
        def on_train_begin(self, network):
            calls.append("train_begin")

        def on_epoch_begin(self, network, epoch):
            calls.append(f"epoch_begin {epoch}")

        def on_batch_begin(self, network, batch):
            calls.append(f"batch_begin {batch}")

        def on_batch_end(self, network, batch, logs):
            calls.append(f"batch_end {batch}")

        def on_epoch_end(self, network, epoch, logs):
            calls.append(f"epoch_end {epoch}")

        def on_train_end(self, network, history):
            calls.append(f"train_end {history.n_epochs}")

    X, y = small_regression(n=6)
    Network([Dense(3, 1)], seed=0).fit(
        X, y, epochs=2, batch_size=4, callbacks=[Recorder()]
    )
    epoch = ["batch_begin 0", "batch_end 0", "batch_begin 1", "batch_end 1"]
    assert calls == [
        "train_begin",
        "epoch_begin 0",
        *epoch,
        "epoch_end 0",
        "epoch_begin 1",
        *epoch,
        "epoch_end 1",
        "train_end 2",
    ]


def test_a_callback_can_stop_training():
    X, y = small_regression()

    def stop_at_three(network, epoch, logs):
        if epoch == 2:
            network.stop_training = True

    net = Network([Dense(3, 1)], seed=0)
    history = net.fit(
        X, y, epochs=100, callbacks=[LambdaCallback(on_epoch_end=stop_at_three)]
    )
    assert history.n_epochs == 3


def test_callbacks_must_be_callbacks():
    X, y = small_regression()
    with pytest.raises(ValueError, match=r"callbacks\[0\] must be a glassnet Callback"):
        Network([Dense(3, 1)]).fit(X, y, callbacks=[print])


def test_shuffling_uses_the_network_generator():
    X, y = small_regression()

    def trained(seed):
        net = Network([Dense(3, 4, "tanh"), Dense(4, 1)], optimizer=SGD(0.05), seed=0)
        net.rng = np.random.default_rng(seed)
        net.fit(X, y, epochs=3, batch_size=5)
        return net.layers[0].params["weights"].copy()

    assert np.array_equal(trained(1), trained(1))
    assert not np.array_equal(trained(1), trained(2))


def test_predict_returns_labels_for_classifiers_and_values_for_regressors():
    X = np.random.default_rng(0).normal(size=(6, 3))
    softmax = Network([Dense(3, 4, "softmax")], loss="categorical_crossentropy", seed=0)
    probabilities = softmax.predict_proba(X)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
    assert np.array_equal(softmax.predict(X), probabilities.argmax(axis=1))
    sigmoid = Network([Dense(3, 2, "sigmoid")], loss="binary_crossentropy", seed=0)
    assert np.array_equal(sigmoid.predict(X), (sigmoid.predict_proba(X) >= 0.5) * 1)
    regressor = Network([Dense(3, 2)], loss="mse", seed=0)
    assert regressor.predict(X).shape == (6, 2)
    with pytest.raises(ValueError, match="predict_proba needs a classifier"):
        regressor.predict_proba(X)


def test_intermediates_need_a_step_and_name_every_layer():
    net = Network([Dense(3, 5, "relu"), Dense(5, 4, "tanh"), Dense(4, 1)], seed=0)
    with pytest.raises(RuntimeError, match="no training step yet"):
        net.intermediates()
    X, y = small_regression(n=7)
    syn2_before = net.layers[2].params["weights"].copy()
    net.train_step(X, y)
    steps = net.intermediates()
    for name in (
        "l0",
        "l1",
        "l2",
        "l3",
        "l3_error",
        "l3_delta",
        "l2_error",
        "l2_delta",
    ):
        assert name in steps
    for name in ("l1_error", "l1_delta", "syn0", "syn2_grad", "b1", "b1_grad", "loss"):
        assert name in steps
    assert steps["l2"].shape == (7, 4)
    np.testing.assert_array_equal(steps["l3_error"], y - steps["l3"])
    # The error sent back to layer 2 is l3_delta @ syn2 (before the update).
    np.testing.assert_allclose(steps["l2_error"], steps["l3_delta"] @ syn2_before.T)
    assert not np.allclose(steps["syn2"], syn2_before)


def test_backward_returns_the_input_gradient():
    net = Network([Dense(3, 2, "tanh"), Dense(2, 1)], seed=0)
    X = np.random.default_rng(1).normal(size=(4, 3))
    net.forward(X)
    grad_X = net.backward(np.ones((4, 1)))
    assert grad_X.shape == (4, 3)
    # d(sum of outputs)/dX for a linear-after-tanh net, worked out directly.
    W0, W1 = net.layers[0].params["weights"], net.layers[1].params["weights"]
    a = np.tanh(X @ W0 + net.layers[0].params["biases"])
    np.testing.assert_allclose(grad_X, ((1 - a**2) * W1.T) @ W0.T)


def test_float32_network_converts_float64_layers():
    net = Network([Dense(3, 4), Dense(4, 1)], dtype="float32", seed=0)
    assert all(p.dtype == np.float32 for p in net.named_parameters().values())
    assert net.predict(np.ones((2, 3))).dtype == np.float32


def test_a_pickled_network_keeps_its_parameters_in_one_buffer():
    """joblib and Dask pickle networks inside estimators: views must survive."""
    import pickle

    X, y = small_regression()
    net = Network([Dense(3, 4, "tanh"), Dense(4, 1)], optimizer=Adam(0.01), seed=0)
    net.fit(X, y, epochs=2)
    copy = pickle.loads(pickle.dumps(net))
    for name, param in copy.named_parameters().items():
        assert np.shares_memory(param, copy._param_buffer), name
        assert copy.layers[int(name.split(".")[1])].params[name.split(".")[2]] is param
    np.testing.assert_array_equal(copy.predict(X), net.predict(X))
    copy.fit(X, y, epochs=2)
    net.fit(X, y, epochs=2)
    np.testing.assert_array_equal(copy.predict(X), net.predict(X))


# -- F2: outputs that are not numbers are refused, not turned into labels ----------


def _softmax_classifier():
    return Network(
        [Dense(2, 4, "relu"), Dense(4, 2, "softmax")],
        loss="categorical_crossentropy",
        seed=0,
    )


def _diverged_classifier():
    """The weights of the last good step of a diverging fit: finite, but huge."""
    net = _softmax_classifier()
    net.optimizer = SGD(learning_rate=1e305)
    X, y = [[0.0, 1], [1, 0], [1, 1], [0, 0]], [0, 1, 1, 0]
    with pytest.raises(glassnet.NonFiniteLossError):
        net.fit(X, y, epochs=50)
    return net


def _weights_of_two(net):
    net.named_parameters()["layers.0.weights"][:] = 2.0
    return net


def _nan_weights(net):
    for value in net.named_parameters().values():
        value.fill(np.nan)
    return net


@pytest.mark.parametrize(
    ("make", "X", "fragment"),
    [
        pytest.param(
            _softmax_classifier, [[-1e308, 1e308]], "overflow", id="overflowing_X"
        ),
        pytest.param(
            lambda: _nan_weights(_softmax_classifier()),
            [[0.5, 0.5]],
            "weights are not finite",
            id="nan_weights",
        ),
        pytest.param(
            lambda: _weights_of_two(Network([Dense(2, 1)], seed=0)),
            [[1e308, 1e308]] * 3000,  # in blocks of rows, too
            "overflow",
            id="regressor_overflow",
        ),
        pytest.param(
            _diverged_classifier, [[0.0, 1.0]], "lower learning rate", id="diverged"
        ),
    ],
)
@pytest.mark.parametrize("method", ["predict", "predict_proba"])
def test_outputs_that_are_not_finite_are_refused_in_one_line(make, X, fragment, method):
    net = make()
    if method == "predict_proba" and not net.outputs_probabilities:
        pytest.skip("a regressor has no predict_proba")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError) as excinfo:
            getattr(net, method)(X)
    message = str(excinfo.value)
    assert "\n" not in message
    assert "NaN or infinite" in message and fragment in message, message


@pytest.mark.parametrize("seed", [-1, 1.5, "a", True, [1, 2]])
def test_a_bad_seed_is_named_in_one_line(seed):
    """F16: seed=-1 said "expected non-negative integer"; 1.5 and "a" a TypeError."""
    with pytest.raises(ValueError) as excinfo:
        Network([Dense(2, 1)], seed=seed)
    message = str(excinfo.value)
    assert "\n" not in message and "seed" in message and repr(seed) in message


@pytest.mark.parametrize("seed", [None, 0, 2**70, np.int64(7)])
def test_good_seeds_are_accepted(seed):
    assert Network([Dense(2, 1)], seed=seed).seed == seed
