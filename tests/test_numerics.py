"""Numerics: huge inputs stay finite, dtypes are kept, seeds reproduce exactly."""

import contextlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import glassnet
from glassnet import SGD, Adam, Dense, Network
from glassnet.activations import Sigmoid, Softmax, log_softmax, sigmoid
from glassnet.losses import BinaryCrossEntropy, CategoricalCrossEntropy

DTYPES = [
    pytest.param(np.float32, id="float32"),
    pytest.param(np.float64, id="float64"),
]

# Logits up to 1e4 in size, both signs: far beyond where exp() overflows.
HUGE = [-1e4, -1e3, -100.0, -10.0, 0.0, 10.0, 100.0, 1e3, 1e4]


@contextlib.contextmanager
def strict_floating_point():
    """Turn overflow, division by zero and invalid values into exceptions.

    NOTE: underflow is left alone, unlike np.errstate(all="raise"). exp(-1e4)
    rounding to 0 *is* the correct answer, and sigmoid(1e4), softmax([1e4, 0]) or
    the fused cross-entropies cannot avoid computing such a term short of
    clamping their inputs. NumPy ignores underflow by default for that reason,
    and so does the training loop.
    """
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        yield


# -- huge inputs ------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_of_huge_inputs_is_finite_without_warnings(dtype):
    z = np.array(HUGE, dtype=dtype)
    with strict_floating_point():
        a = sigmoid(z)
    assert a.dtype == dtype
    assert np.isfinite(a).all()
    assert ((a >= 0) & (a <= 1)).all()
    assert (np.diff(a) >= 0).all()  # monotone, even where it saturates


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_saturates_exactly_at_plus_minus_1e4(dtype):
    # exp(-1e4) is about 1e-4343: the nearest float to sigmoid(-1e4) is 0, and to
    # sigmoid(1e4) is 1. glassnet clamps exp's argument instead of silencing its
    # overflow (an errstate per call costs more than a whole tutorial step), so
    # below about -709 it returns 1 / (1 + max float), a subnormal: within the
    # smallest normal float of the true value, and never a warning.
    with strict_floating_point():
        a = sigmoid(np.array([-1e4, 1e4], dtype=dtype))
    assert 0.0 <= a[0] < np.finfo(dtype).tiny
    assert a[1] == 1.0


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_activation_forward_and_backward_of_huge_inputs(dtype):
    z = np.array([HUGE], dtype=dtype)
    activation = Sigmoid()
    with strict_floating_point():
        a = activation.forward(z)
        grad = activation.backward(np.ones_like(z))
    assert np.isfinite(a).all()
    assert np.isfinite(grad).all()
    assert grad.dtype == dtype


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_of_huge_inputs_is_finite_and_exact(dtype):
    z = np.array(
        [[1e4, 0.0, -1e4], [-1e4, -1e4, -1e4], [1e4, 1e4, 0.0], [-1e4, 1e4, 1e3]],
        dtype=dtype,
    )
    activation = Softmax()
    with strict_floating_point():
        a = activation.forward(z)
        grad = activation.backward(np.ones_like(z))
    assert a.dtype == dtype
    np.testing.assert_array_equal(
        a,
        np.array(
            [[1, 0, 0], [1 / 3, 1 / 3, 1 / 3], [0.5, 0.5, 0], [0, 1, 0]], dtype=dtype
        ),
    )
    assert np.isfinite(grad).all()


@pytest.mark.parametrize("dtype", DTYPES)
def test_log_softmax_of_huge_inputs_is_exact(dtype):
    with strict_floating_point():
        result = log_softmax(np.array([[1e4, 0.0], [0.0, 1e4], [-1e4, 0.0]], dtype))
    assert result.dtype == dtype
    np.testing.assert_array_equal(result, [[0.0, -1e4], [-1e4, 0.0], [-1e4, 0.0]])


def _huge_logits(dtype):
    """Return logits of shape (9, 2) from HUGE, and 0/1 targets: half are wrong."""
    logits = np.array([HUGE, HUGE[::-1]], dtype=dtype).T
    y = np.array([[0, 1]] * 5 + [[1, 0]] * 4, dtype=dtype)
    return logits, y


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_crossentropy_of_huge_logits_is_finite(dtype, reduction):
    logits, y = _huge_logits(dtype)
    with strict_floating_point():
        probabilities = sigmoid(logits)
        plain = BinaryCrossEntropy(reduction)
        plain_value = plain.forward(probabilities, y)
        plain_grad = plain.backward()
        fused = BinaryCrossEntropy(reduction)
        fused_value = fused.forward_fused(logits, probabilities, y)
        fused_grad = fused.backward_fused()
    assert np.isfinite([plain_value, fused_value]).all()
    assert np.isfinite(plain_grad).all()
    assert np.isfinite(fused_grad).all()
    assert plain_grad.dtype == fused_grad.dtype == dtype
    # The fused value is exact: softplus(z) - z * y, with softplus from NumPy's
    # stable logaddexp (in float64).
    z64, y64 = logits.astype(np.float64), y.astype(np.float64)
    expected = (np.logaddexp(0.0, z64) - z64 * y64).sum() / y.shape[1]
    if reduction == "mean":
        expected /= len(y)
    assert fused_value == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize("targets", ["labels", "one_hot"])
@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_categorical_crossentropy_of_huge_logits_is_finite(dtype, reduction, targets):
    logits, _ = _huge_logits(dtype)
    labels = np.array([1] * 5 + [0] * 4)
    y = labels if targets == "labels" else np.eye(2, dtype=dtype)[labels]
    with strict_floating_point():
        probabilities = Softmax().forward(logits)
        plain = CategoricalCrossEntropy(reduction)
        plain_value = plain.forward(probabilities, y)
        plain_grad = plain.backward()
        fused = CategoricalCrossEntropy(reduction)
        fused_value = fused.forward_fused(logits, probabilities, y)
        fused_grad = fused.backward_fused()
    assert np.isfinite([plain_value, fused_value]).all()
    assert np.isfinite(plain_grad).all()
    assert np.isfinite(fused_grad).all()
    assert plain_grad.dtype == fused_grad.dtype == dtype
    # The fused value is exact: logsumexp(z) - z[label], in float64.
    z64 = logits.astype(np.float64)
    expected = (np.logaddexp.reduce(z64, axis=1) - z64[np.arange(9), labels]).sum()
    if reduction == "mean":
        expected /= len(labels)
    assert fused_value == pytest.approx(expected, rel=1e-6)


@pytest.mark.parametrize(
    ("loss", "activation", "y"),
    [
        pytest.param("binary_crossentropy", "sigmoid", [[0.0], [1.0]], id="bce"),
        pytest.param("categorical_crossentropy", "softmax", [1, 0], id="cce"),
    ],
)
@pytest.mark.parametrize("dtype", DTYPES)
def test_training_step_with_saturated_outputs_stays_finite(dtype, loss, activation, y):
    # Logits of +-1e4, confidently wrong: the fused gradient is bounded.
    n_outputs = 1 if loss == "binary_crossentropy" else 2
    net = Network(
        [Dense(1, n_outputs, activation)], loss=loss, optimizer="sgd", dtype=dtype
    )
    net.layers[0].params["weights"][...] = 1e4
    net.layers[0].params["biases"][...] = 0.0
    with strict_floating_point():
        step_loss = net.train_step([[1.0], [1.0]], y)
        proba = net.predict_proba([[1.0], [-1.0]])
    assert np.isfinite(step_loss)
    for name, grad in net.named_gradients().items():
        assert np.isfinite(grad).all(), name
    assert np.isfinite(proba).all()


# -- dtypes kept end to end ---------------------------------------------------------

LOSS_SETUPS = {
    "mse": ("mse", "identity"),
    "half_squared_error": ("half_squared_error", "tanh"),
    "bce": ("binary_crossentropy", "sigmoid"),
    "cce-labels": ("categorical_crossentropy", "softmax"),
    "cce-one_hot": ("categorical_crossentropy", "softmax"),
}

OPTIMIZERS = {
    "sgd": lambda: SGD(learning_rate=0.1),
    "sgd_momentum": lambda: SGD(learning_rate=0.1, momentum=0.9),
    "sgd_nesterov_decay": lambda: SGD(
        learning_rate=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3
    ),
    "adam": lambda: Adam(learning_rate=0.01),
    "adam_decay": lambda: Adam(learning_rate=0.01, weight_decay=1e-3),
}


def _targets(setup, rng, n_samples):
    if setup in ("mse", "half_squared_error"):
        return rng.normal(size=(n_samples, 2))
    if setup == "bce":
        return rng.integers(0, 2, (n_samples, 2))
    labels = rng.integers(0, 2, n_samples)
    return labels if setup == "cce-labels" else np.eye(2)[labels]


def _arrays_of(net):
    """Yield (description, array) for every float array the network holds."""
    for name, value in net.named_parameters().items():
        yield f"parameter {name}", value
    for name, value in net.named_gradients().items():
        yield f"gradient {name}", value
    for index, layer in enumerate(net.layers):
        for attribute in (
            "inputs",
            "preactivations",
            "outputs",
            "grad_outputs",
            "grad_preactivations",
        ):
            value = getattr(layer, attribute, None)
            if value is not None:
                yield f"layers[{index}].{attribute}", value
    for name, slots in net.optimizer.state.items():
        for slot, value in slots.items():
            yield f"optimizer state {name}.{slot}", value
    for name, value in net.intermediates().items():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            yield f"intermediates()[{name!r}]", value


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
@pytest.mark.parametrize("setup", sorted(LOSS_SETUPS))
@pytest.mark.parametrize("dtype", DTYPES)
def test_dtype_is_kept_end_to_end(dtype, setup, optimizer):
    loss, output_activation = LOSS_SETUPS[setup]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(11, 3))  # float64 input, like most users'
    y = _targets(setup, rng, len(X))
    net = Network(
        [Dense(3, 4, "leaky_relu"), Dense(4, 2, output_activation)],
        loss=loss,
        optimizer=OPTIMIZERS[optimizer](),
        dtype=np.dtype(dtype).name,
        seed=0,
    )

    net.fit(X, y, epochs=3, batch_size=4)

    assert net.dtype == dtype
    if optimizer != "sgd":
        assert net.optimizer.state  # momentum or moments were kept
    wrong = {
        what: value.dtype for what, value in _arrays_of(net) if value.dtype != dtype
    }
    assert wrong == {}
    assert net.forward(X).dtype == dtype
    predictions = net.predict(X)
    if net.loss.is_classification:
        assert predictions.dtype.kind == "i"  # class labels
        assert net.predict_proba(X).dtype == dtype
    else:
        assert predictions.dtype == dtype
    # A train_step on integer inputs is converted too, not upcast to float64.
    net.train_step(np.ones((2, 3), dtype=np.int64), y[:2])
    assert {value.dtype for _, value in _arrays_of(net)} == {np.dtype(dtype)}


# -- reproducibility ----------------------------------------------------------------

# Run in this process and in fresh interpreters: build, train with shuffled
# mini-batches (so the seed's generator is used after the initial draw too), and
# fingerprint the weights and predictions.
FINGERPRINT_SCRIPT = textwrap.dedent(
    """
    import hashlib

    import numpy as np

    import glassnet


    def fingerprint(seed, dtype="float64"):
        net = glassnet.Network(
            [
                glassnet.Dense(3, 5, "relu"),
                glassnet.Dense(5, 4, "tanh"),
                glassnet.Dense(4, 3, "softmax"),
            ],
            loss="categorical_crossentropy",
            optimizer=glassnet.Adam(learning_rate=0.01),
            dtype=dtype,
            seed=seed,
        )
        X = np.linspace(-2.0, 2.0, 36).reshape(12, 3)
        y = np.arange(12) % 3
        initial = np.concatenate([p.ravel() for p in net.named_parameters().values()])
        net.fit(X, y, epochs=4, batch_size=5)
        final = np.concatenate([p.ravel() for p in net.named_parameters().values()])
        digest = hashlib.sha256()
        for array in (initial, final, net.forward(X), net.predict(X)):
            digest.update(array.tobytes())
        return digest.hexdigest()
    """
)


def _fingerprint_function():
    namespace = {}
    exec(FINGERPRINT_SCRIPT, namespace)
    return namespace["fingerprint"]


def _fingerprint_in_subprocess(seed, hash_seed):
    src = str(Path(glassnet.__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")]),
        "PYTHONHASHSEED": str(hash_seed),
    }
    code = FINGERPRINT_SCRIPT + f"\nprint(fingerprint({seed}))\n"
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _state_bytes(net):
    return b"".join(value.tobytes() for value in net.state_dict().values())


def test_same_seed_gives_bit_identical_networks_in_one_process():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(20, 4))
    y = rng.normal(size=(20, 1))

    def build():
        return Network(
            [Dense(4, 6, "tanh"), Dense(6, 1)],
            optimizer=SGD(learning_rate=0.05, momentum=0.9),
            seed=123,
        )

    first, second = build(), build()
    assert _state_bytes(first) == _state_bytes(second)
    first.fit(X, y, epochs=5, batch_size=3)
    second.fit(X, y, epochs=5, batch_size=3)
    assert _state_bytes(first) == _state_bytes(second)
    assert first.predict(X).tobytes() == second.predict(X).tobytes()
    assert first.history.loss == second.history.loss
    other_seed = Network([Dense(4, 6, "tanh"), Dense(6, 1)], seed=124)
    assert _state_bytes(other_seed) != _state_bytes(build())


def test_same_seed_gives_bit_identical_networks_across_processes():
    fingerprint = _fingerprint_function()
    here = fingerprint(2024)
    assert fingerprint(2024) == here
    assert fingerprint(2025) != here
    # Two fresh interpreters, with different hash seeds: nothing may depend on
    # set or dict iteration order, the process, or a global random state.
    assert _fingerprint_in_subprocess(2024, hash_seed=0) == here
    assert _fingerprint_in_subprocess(2024, hash_seed=12345) == here


@pytest.mark.parametrize(
    ("activation", "init"),
    [
        ("tanh", "auto"),
        ("relu", "auto"),
        ("sigmoid", "glorot_uniform"),
        ("relu", "he_normal"),
        ("sigmoid", "tutorial"),
    ],
)
def test_float32_and_float64_networks_from_one_seed_start_from_the_same_weights(
    activation, init
):
    def build(dtype):
        layers = [Dense(3, 5, activation, init=init), Dense(5, 2, init=init)]
        return Network(layers, dtype=dtype, seed=99)

    single, double = build("float32"), build("float64")
    single_params = single.named_parameters()
    double_params = double.named_parameters()
    assert list(single_params) == list(double_params)
    for name, value in double_params.items():
        assert single_params[name].dtype == np.float32
        np.testing.assert_array_equal(single_params[name], value.astype(np.float32))
    assert np.any(double_params["layers.0.weights"] != 0)
