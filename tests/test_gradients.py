"""Every backward rule against central finite differences, in float64.

The numerical gradients come from :mod:`glassnet.gradcheck`, which only calls
``forward``: a wrong backward rule cannot agree with it by construction.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from glassnet import SGD, Dense, Network
from glassnet.activations import (
    Exp,
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
)
from glassnet.gradcheck import (
    check_fused_loss,
    check_layer,
    check_loss,
    numerical_gradient,
    relative_error,
)
from glassnet.losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    HalfSquaredError,
    MeanSquaredError,
    Poisson,
)

# A correct float64 gradient typically agrees to 1e-9 or better.
TOLERANCE = 1e-6
# Central differences err by about eps**2 (truncation) + 1e-16 / eps (rounding):
# least near the cube root of the machine epsilon, 1e-5, not at gradcheck's
# default 1e-6 (where a correct 2e-5 entry of a softmax gradient misses 1e-6).
EPS = 1e-5

ACTIVATION_NAMES = [
    "identity",
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "exp",
    "softmax",
]


def away_from_zero(rng, shape, low=0.1, high=2.0):
    """Draw values with |value| in [low, high] and a random sign (no ReLU kink)."""
    return rng.uniform(low, high, size=shape) * rng.choice([-1.0, 1.0], size=shape)


def softmax_rows(logits):
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


# -- gradcheck itself -----------------------------------------------------------


def test_numerical_gradient_of_a_known_function_and_array_is_restored():
    x = np.array([[0.5, -1.0], [2.0, 3.0]])
    original = x.copy()
    grad = numerical_gradient(lambda: float(np.sum(np.sin(x) * x)), x)
    np.testing.assert_allclose(grad, np.cos(x) * x + np.sin(x), rtol=0, atol=1e-8)
    np.testing.assert_array_equal(x, original)


def test_relative_error_is_zero_for_equal_arrays_and_large_for_different_ones():
    a = np.array([0.0, 1.0, -2.0])
    assert relative_error(a, a.copy()) == 0.0
    assert relative_error(a, -a) == pytest.approx(1.0)


# -- activations ------------------------------------------------------------------


@pytest.mark.parametrize(
    "make_activation",
    [
        pytest.param(Identity, id="identity"),
        pytest.param(Sigmoid, id="sigmoid"),
        pytest.param(Tanh, id="tanh"),
        pytest.param(ReLU, id="relu"),
        pytest.param(LeakyReLU, id="leaky_relu"),
        pytest.param(lambda: LeakyReLU(alpha=0.3), id="leaky_relu_alpha_0.3"),
        pytest.param(Exp, id="exp"),
        pytest.param(Softmax, id="softmax"),
    ],
)
def test_activation_backward_matches_finite_differences(make_activation):
    rng = np.random.default_rng(0)
    z = away_from_zero(rng, (4, 5))
    errors = check_layer(make_activation(), z, rng, eps=EPS)
    assert errors == {"inputs": pytest.approx(0.0, abs=TOLERANCE)}


# -- Dense --------------------------------------------------------------------------


@pytest.mark.parametrize("use_bias", [True, False], ids=["bias", "no_bias"])
@pytest.mark.parametrize("activation", ACTIVATION_NAMES)
def test_dense_param_and_input_gradients_match_finite_differences(activation, use_bias):
    rng = np.random.default_rng(1)
    layer = Dense(4, 3, activation, use_bias=use_bias, rng=rng)
    if use_bias:  # biases start at zero; nonzero ones test that they are added
        layer.params["biases"][...] = rng.normal(size=3)
    inputs = rng.normal(size=(5, 4))
    layer.forward(inputs)
    # Guard the test itself: no pre-activation within reach of ReLU's kink.
    assert np.abs(layer.preactivations).min() > 1e-3

    errors = check_layer(layer, inputs, rng, eps=EPS)

    expected_names = {"inputs", "weights"} | ({"biases"} if use_bias else set())
    assert set(errors) == expected_names
    for name, error in errors.items():
        assert error < TOLERANCE, name


def test_dense_weight_gradient_of_sparse_inputs_equals_the_dense_one():
    sparse = pytest.importorskip("scipy.sparse")
    rng = np.random.default_rng(5)
    inputs = rng.normal(size=(6, 4)) * (rng.random((6, 4)) < 0.4)
    grad_output = rng.normal(size=(6, 3))
    grads = []
    for X in (inputs, sparse.csr_matrix(inputs), sparse.csr_array(inputs)):
        layer = Dense(4, 3, "tanh", rng=0)
        outputs = layer.forward(X)
        layer.backward(grad_output, input_grad=False)
        grads.append((outputs, layer.grads["weights"].copy()))
    for outputs, weights_grad in grads[1:]:
        assert isinstance(outputs, np.ndarray)
        np.testing.assert_allclose(outputs, grads[0][0], rtol=1e-12)
        np.testing.assert_allclose(weights_grad, grads[0][1], rtol=1e-12)


# -- losses -------------------------------------------------------------------------


def _regression_case(rng):
    return rng.normal(size=(4, 3)), rng.normal(size=(4, 3))


def _bce_hard_case(rng):
    return rng.uniform(0.05, 0.95, size=(4, 3)), rng.integers(0, 2, (4, 3)) * 1.0


def _bce_soft_case(rng):
    return rng.uniform(0.05, 0.95, size=(4, 3)), rng.uniform(0, 1, size=(4, 3))


def _poisson_case(rng):
    # Counts (zeros included: y log y is 0 there) against positive rates.
    return rng.uniform(0.2, 3.0, size=(4, 3)), rng.poisson(1.5, (4, 3)) * 1.0


def _cce_labels_case(rng):
    return softmax_rows(rng.normal(size=(4, 3))), rng.integers(0, 3, 4)


def _cce_one_hot_case(rng):
    return softmax_rows(rng.normal(size=(4, 3))), np.eye(3)[rng.integers(0, 3, 4)]


def _cce_soft_case(rng):
    return softmax_rows(rng.normal(size=(4, 3))), softmax_rows(rng.normal(size=(4, 3)))


LOSS_CASES = [
    pytest.param(MeanSquaredError, _regression_case, id="mse"),
    pytest.param(HalfSquaredError, _regression_case, id="half_squared_error"),
    pytest.param(BinaryCrossEntropy, _bce_hard_case, id="bce-0/1_targets"),
    pytest.param(BinaryCrossEntropy, _bce_soft_case, id="bce-soft_targets"),
    pytest.param(CategoricalCrossEntropy, _cce_labels_case, id="cce-labels"),
    pytest.param(CategoricalCrossEntropy, _cce_one_hot_case, id="cce-one_hot"),
    pytest.param(CategoricalCrossEntropy, _cce_soft_case, id="cce-probabilities"),
    pytest.param(Poisson, _poisson_case, id="poisson"),
]

FUSED_CASES = [
    pytest.param(BinaryCrossEntropy, Sigmoid, "binary", id="bce+sigmoid"),
    pytest.param(CategoricalCrossEntropy, Softmax, "labels", id="cce+softmax-labels"),
    pytest.param(CategoricalCrossEntropy, Softmax, "one_hot", id="cce+softmax-one_hot"),
    pytest.param(Poisson, Exp, "counts", id="poisson+exp"),
]


def _fused_targets(kind, rng, shape):
    if kind == "binary":
        return rng.integers(0, 2, shape) * 1.0
    if kind == "counts":
        return rng.poisson(2.0, shape) * 1.0
    labels = rng.integers(0, shape[1], shape[0])
    return labels if kind == "labels" else np.eye(shape[1])[labels]


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize(("loss_class", "make_case"), LOSS_CASES)
def test_loss_backward_matches_finite_differences(loss_class, make_case, reduction):
    outputs, y = make_case(np.random.default_rng(2))
    loss = loss_class(reduction=reduction)
    assert check_loss(loss, outputs, y, eps=EPS) < TOLERANCE


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize(("loss_class", "activation_class", "targets"), FUSED_CASES)
def test_fused_loss_gradient_matches_finite_differences_wrt_logits(
    loss_class, activation_class, targets, reduction
):
    rng = np.random.default_rng(3)
    logits = rng.normal(scale=2.0, size=(5, 3))
    y = _fused_targets(targets, rng, logits.shape)
    error = check_fused_loss(
        loss_class(reduction=reduction), activation_class(), logits, y, eps=EPS
    )
    assert error < TOLERANCE


@pytest.mark.parametrize("reduction", ["mean", "sum"])
@pytest.mark.parametrize(("loss_class", "activation_class", "targets"), FUSED_CASES)
def test_fused_loss_value_equals_the_plain_loss_of_the_activation(
    loss_class, activation_class, targets, reduction
):
    # The fused value is computed from the logits by another formula; for
    # moderate logits it must be the same number as the plain loss.
    rng = np.random.default_rng(4)
    logits = rng.normal(scale=2.0, size=(5, 3))
    y = _fused_targets(targets, rng, logits.shape)
    probabilities = activation_class().forward(logits)
    fused = loss_class(reduction=reduction).forward_fused(logits, probabilities, y)
    plain = loss_class(reduction=reduction).forward(probabilities, y)
    assert fused == pytest.approx(plain, rel=1e-12)


# -- whole networks ---------------------------------------------------------------

# Output activations for which each loss's gradient is the derivative of its value.
# The cross-entropies clip probabilities to [eps, 1 - eps] in the value but not in
# the gradient, so their outputs must be probabilities: sigmoid (fused with BCE) or
# softmax (plain), and softmax (fused with CCE) or sigmoid (plain).
LOSS_CLASSES = {
    "mse": MeanSquaredError,
    "half_squared_error": HalfSquaredError,
    "binary_crossentropy": BinaryCrossEntropy,
    "categorical_crossentropy": CategoricalCrossEntropy,
    "poisson": Poisson,
}
OUTPUT_ACTIVATIONS = {
    "mse": ACTIVATION_NAMES,
    "half_squared_error": ACTIVATION_NAMES,
    "binary_crossentropy": ["sigmoid", "softmax"],
    "categorical_crossentropy": ["softmax", "sigmoid"],
    "poisson": ["exp", "sigmoid"],
}


@st.composite
def network_cases(draw):
    """Draw a small network, its data and its loss."""
    depth = draw(st.integers(1, 3), label="depth")
    widths = draw(st.lists(st.integers(1, 6), min_size=depth + 1, max_size=depth + 1))
    loss_name = draw(st.sampled_from(sorted(OUTPUT_ACTIVATIONS)), label="loss")
    output_activation = draw(st.sampled_from(OUTPUT_ACTIVATIONS[loss_name]))
    if loss_name == "binary_crossentropy" and output_activation == "softmax":
        # A 1-wide softmax outputs exactly 1, which BCE clips.
        widths[-1] = max(widths[-1], 2)
    activations = [
        draw(st.sampled_from(ACTIVATION_NAMES)) for _ in range(depth - 1)
    ] + [output_activation]
    use_bias = draw(st.lists(st.booleans(), min_size=depth, max_size=depth))
    return {
        "widths": widths,
        "activations": activations,
        "use_bias": use_bias,
        "loss_name": loss_name,
        "reduction": draw(st.sampled_from(["mean", "sum"]), label="reduction"),
        "one_hot": draw(st.booleans(), label="one_hot"),
        "n_samples": draw(st.integers(1, 5), label="n_samples"),
        "seed": draw(st.integers(0, 2**32 - 1), label="seed"),
    }


def _make_targets(case, rng):
    n_samples, n_outputs = case["n_samples"], case["widths"][-1]
    if case["loss_name"] in ("mse", "half_squared_error"):
        return rng.normal(size=(n_samples, n_outputs))
    if case["loss_name"] == "binary_crossentropy":
        return rng.integers(0, 2, (n_samples, n_outputs)) * 1.0
    if case["loss_name"] == "poisson":
        return rng.poisson(1.5, (n_samples, n_outputs)) * 1.0
    labels = rng.integers(0, n_outputs, n_samples)
    return np.eye(n_outputs)[labels] if case["one_hot"] else labels


# NOTE: derandomize makes hypothesis draw the same examples on every run, so a
# failure is a regression in the engine, never bad luck in the draw.
@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(case=network_cases())
def test_network_gradients_match_finite_differences(case):
    rng = np.random.default_rng(case["seed"])
    layers = [
        Dense(n_inputs, n_units, activation, use_bias=bias)
        for n_inputs, n_units, activation, bias in zip(
            case["widths"][:-1],
            case["widths"][1:],
            case["activations"],
            case["use_bias"],
            strict=True,
        )
    ]
    loss = LOSS_CLASSES[case["loss_name"]](reduction=case["reduction"])
    net = Network(
        layers, loss=loss, optimizer=SGD(learning_rate=0.1), seed=case["seed"]
    )
    for layer in net.layers:  # biases start at zero; nonzero ones test more
        if layer.use_bias:
            layer.params["biases"][...] = rng.normal(scale=0.5, size=layer.n_units)
    X = rng.normal(size=(case["n_samples"], case["widths"][0]))
    y = _make_targets(case, rng)

    net.forward(X)
    # Finite differences are meaningless across ReLU's kink: skip the (rare) draws
    # with a pre-activation within reach of it.
    assume(all(np.abs(layer.preactivations).min() > 1e-4 for layer in net.layers))

    # train_step is the exact path training takes (target checks, the fused
    # output gradient when it applies, backward through every layer). It also
    # applies the SGD update, so the weights it started from are restored
    # afterwards, exactly, from a copy: the finite differences must be taken at
    # the point where the gradients were computed.
    weights_before = net.state_dict()
    step_loss = net.train_step(X, y)
    analytic = {name: grad.copy() for name, grad in net.named_gradients().items()}
    net.load_state_dict(weights_before)

    assert step_loss == pytest.approx(net.compute_loss(X, y), rel=1e-12)
    # NOTE: random networks have legitimately tiny gradient entries (a 1-wide
    # bottleneck, a saturated sigmoid: 1e-8 is common), below the finite
    # differences' rounding noise of about 1e-11 * max(1, |loss|). Entries above
    # 1e-4 * max(1, |loss|) are held to the relative 1e-6; smaller ones, through
    # this floor, to an absolute 1e-10 * max(1, |loss|). A wrong rule is still off
    # by orders of magnitude more.
    floor = 1e-4 * max(1.0, abs(step_loss))
    parameters = net.named_parameters()
    assert set(parameters) == set(analytic)
    for name, param in parameters.items():
        numeric = numerical_gradient(lambda: net.compute_loss(X, y), param, EPS)
        assert relative_error(analytic[name], numeric, floor=floor) < TOLERANCE, name
