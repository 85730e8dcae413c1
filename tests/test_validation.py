"""Bad input fails early with a one-line ValueError that says what to fix.

Every message must name the argument, what was expected and what was received,
on one line (the CLI prints it as is). Divergence during training raises
``NonFiniteLossError`` and leaves the weights of the last good step.
"""

import re
import warnings

import numpy as np
import pytest

from glassnet import (
    SGD,
    Callback,
    Dense,
    Network,
    NonFiniteLossError,
)
from glassnet.training import split_rows


def assert_one_line(excinfo, *fragments):
    """Check that the error message is one line holding every fragment verbatim."""
    message = str(excinfo.value)
    assert "\n" not in message, message
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"


def regressor():
    return Network([Dense(3, 4, "tanh"), Dense(4, 1)], seed=0)


def classifier(n_classes=3):
    return Network(
        [Dense(3, 4, "tanh"), Dense(4, n_classes, "softmax")],
        loss="categorical_crossentropy",
        seed=0,
    )


def binary_classifier():
    return Network(
        [Dense(3, 4, "tanh"), Dense(4, 1, "sigmoid")],
        loss="binary_crossentropy",
        seed=0,
    )


X_GOOD = np.arange(15.0).reshape(5, 3) / 10
Y_GOOD = np.linspace(-1.0, 1.0, 5)

# Each entry point that takes data; predict ignores y.
ENTRY_POINTS = {
    "fit": lambda net, X, y: net.fit(X, y),
    "train_step": lambda net, X, y: net.train_step(X, y),
    "predict": lambda net, X, y: net.predict(X),
}
X_ENTRY_POINTS = [pytest.param(call, id=name) for name, call in ENTRY_POINTS.items()]
XY_ENTRY_POINTS = [
    pytest.param(call, id=name)
    for name, call in ENTRY_POINTS.items()
    if name != "predict"
]


# -- X ----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
@pytest.mark.parametrize("call", X_ENTRY_POINTS)
def test_non_finite_X_is_rejected(call, bad):
    X = X_GOOD.copy()
    X[2, 1] = bad
    with pytest.raises(ValueError, match=r"^X contains 1 NaN or infinite") as excinfo:
        call(regressor(), X, Y_GOOD)
    assert_one_line(excinfo, "row 2", "column 1", "remove or impute")


@pytest.mark.parametrize("call", X_ENTRY_POINTS)
def test_X_of_the_wrong_width_is_rejected(call):
    with pytest.raises(ValueError, match=r"^X has 2 columns") as excinfo:
        call(regressor(), X_GOOD[:, :2], Y_GOOD)
    assert_one_line(excinfo, "3 are expected")


@pytest.mark.parametrize(
    ("X", "shape"),
    [
        pytest.param(np.ones(3), "(3,)", id="1-D"),
        pytest.param(np.ones((5, 3, 1)), "(5, 3, 1)", id="3-D"),
        pytest.param(5.0, "()", id="scalar"),
    ],
)
@pytest.mark.parametrize("call", X_ENTRY_POINTS)
def test_X_that_is_not_2d_is_rejected(call, X, shape):
    with pytest.raises(ValueError, match=r"^X must be a 2-D array") as excinfo:
        call(regressor(), X, Y_GOOD)
    assert_one_line(excinfo, "(n_samples, n_features)", f"got shape {shape}")


@pytest.mark.parametrize("call", X_ENTRY_POINTS)
def test_empty_X_is_rejected(call):
    with pytest.raises(ValueError, match=r"^X is empty") as excinfo:
        call(regressor(), np.ones((0, 3)), np.ones(0))
    assert_one_line(excinfo, "(0, 3)", "at least one sample")


@pytest.mark.parametrize("call", X_ENTRY_POINTS)
def test_X_with_text_is_rejected_naming_the_bad_value(call):
    X = [[0.5, "abc", 2.0]] * 5
    with pytest.raises(ValueError, match=r"^X must contain only numbers") as excinfo:
        call(regressor(), X, Y_GOOD)
    # The example shown must be the value that is not a number, not "0.5".
    assert_one_line(excinfo, "abc", "encode text as numbers")


# -- y ----------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf], ids=["nan", "inf"])
@pytest.mark.parametrize("call", XY_ENTRY_POINTS)
def test_non_finite_y_is_rejected(call, bad):
    y = Y_GOOD.copy()
    y[3] = bad
    with pytest.raises(ValueError, match=r"^y contains 1 NaN or infinite") as excinfo:
        call(regressor(), X_GOOD, y)
    assert_one_line(excinfo, "row 3", "remove or impute")


@pytest.mark.parametrize("n_targets", [1, 4, 6], ids=["y_of_1", "y_of_4", "y_of_6"])
@pytest.mark.parametrize("call", XY_ENTRY_POINTS)
def test_X_and_y_of_different_lengths_are_rejected(call, n_targets):
    # NOTE: a single target row must not be broadcast silently over 5 samples.
    with pytest.raises(
        ValueError, match=r"^X and y must have the same number of samples"
    ) as excinfo:
        call(regressor(), X_GOOD, np.zeros(n_targets))
    assert_one_line(excinfo, "5 rows in X", f"{n_targets} in y")


@pytest.mark.parametrize("call", XY_ENTRY_POINTS)
def test_y_with_the_wrong_number_of_columns_is_rejected(call):
    with pytest.raises(ValueError, match=r"^y must have shape \(n_samples, 1\)") as e:
        call(regressor(), X_GOOD, np.zeros((5, 2)))
    assert_one_line(e, "1 output(s)", "got shape (5, 2)")


@pytest.mark.parametrize("call", XY_ENTRY_POINTS)
def test_one_hot_y_with_the_wrong_number_of_classes_is_rejected(call):
    with pytest.raises(ValueError, match=r"^y must have shape \(n_samples, 3\)") as e:
        call(classifier(3), X_GOOD, np.eye(2)[[0, 1, 0, 1, 0]])
    assert_one_line(e, "got shape (5, 2)")


@pytest.mark.parametrize(
    ("labels", "received"),
    [
        pytest.param([0, 1, 2, 3, 0], "3", id="too_large"),
        pytest.param([0, 1, -1, 2, 0], "-1", id="negative"),
        pytest.param([0, 1, 1.5, 2, 0], "1.5", id="not_integer"),
    ],
)
@pytest.mark.parametrize("call", XY_ENTRY_POINTS)
def test_bad_class_labels_are_rejected(call, labels, received):
    with pytest.raises(
        ValueError, match=r"^y must hold integer class labels in \[0, 3\)"
    ) as excinfo:
        call(classifier(3), X_GOOD, np.array(labels))
    # The offending value itself must appear, not only the range of all labels.
    assert_one_line(excinfo, received, "encode classes as 0..n_classes-1")


@pytest.mark.parametrize(
    ("targets", "received"),
    [
        pytest.param([0, 1, 2, 1, 0], "to 2.0", id="above_1"),
        pytest.param([0, 1, -0.5, 1, 0], "from -0.5", id="below_0"),
    ],
)
@pytest.mark.parametrize("call", XY_ENTRY_POINTS)
def test_binary_targets_outside_0_1_are_rejected(call, targets, received):
    with pytest.raises(ValueError, match=r"^y must hold values in \[0, 1\]") as e:
        call(binary_classifier(), X_GOOD, np.array(targets))
    assert_one_line(e, "binary cross-entropy", received)


# -- construction -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("build", "pattern", "fragments"),
    [
        pytest.param(
            lambda: Dense(3, 4, "relu6"),
            r"^unknown activation 'relu6'; expected one of",
            ["'sigmoid'", "'relu'"],
            id="activation",
        ),
        pytest.param(
            lambda: Network([Dense(3, 1)], loss="hinge"),
            r"^unknown loss 'hinge'; expected one of",
            ["'mse'", "'binary_crossentropy'"],
            id="loss",
        ),
        pytest.param(
            lambda: Network([Dense(3, 1)], optimizer="rmsprop"),
            r"^unknown optimizer 'rmsprop'; expected one of",
            ["'sgd'", "'adam'"],
            id="optimizer",
        ),
        pytest.param(
            lambda: Dense(3, 4, init="xavier"),
            r"^unknown init 'xavier'; expected",
            ["'auto'", "'glorot_uniform'"],
            id="init",
        ),
        pytest.param(
            lambda: Network([Dense(3, 1)], dtype="float16"),
            r"^Network: dtype must be 'float32' or 'float64'",
            ["got 'float16'"],
            id="network_dtype_float16",
        ),
        pytest.param(
            lambda: Network([Dense(3, 1)], dtype="int32"),
            r"^Network: dtype must be 'float32' or 'float64'",
            ["got 'int32'"],
            id="network_dtype_int32",
        ),
        pytest.param(
            lambda: Network([Dense(3, 1)], dtype="single precision"),
            r"^Network: dtype must be 'float32' or 'float64'",
            ["got 'single precision'"],
            id="network_dtype_nonsense",
        ),
        pytest.param(
            lambda: Dense(3, 1, dtype="float16"),
            r"^Dense: dtype must be 'float32' or 'float64'",
            ["got 'float16'"],
            id="dense_dtype",
        ),
        pytest.param(
            lambda: Dense(3, 1, dtype="xyz"),
            r"^Dense: dtype must be 'float32' or 'float64'",
            ["got 'xyz'"],
            id="dense_dtype_nonsense",
        ),
        pytest.param(
            lambda: Dense(3, 0),
            r"^Dense: n_units must be a positive integer",
            ["got 0"],
            id="n_units_0",
        ),
        pytest.param(
            lambda: Dense(3, -2),
            r"^Dense: n_units must be a positive integer",
            ["got -2"],
            id="n_units_negative",
        ),
        pytest.param(
            lambda: Dense(3, 2.5),
            r"^Dense: n_units must be a positive integer",
            ["got 2.5"],
            id="n_units_float",
        ),
        pytest.param(
            lambda: Dense(0, 2),
            r"^Dense: n_inputs must be a positive integer",
            ["got 0"],
            id="n_inputs_0",
        ),
        pytest.param(
            lambda: Network([Dense(3, 4), Dense(5, 1)]),
            r"^Network: ",
            ["expects 5 inputs", "has 4 units"],
            id="mismatched_widths",
        ),
    ],
)
def test_bad_construction_argument_is_rejected(build, pattern, fragments):
    with pytest.raises(ValueError, match=pattern) as excinfo:
        build()
    assert_one_line(excinfo, *fragments)


@pytest.mark.parametrize(
    ("argument", "value"),
    [
        ("epochs", 0),
        ("epochs", -1),
        ("epochs", 2.5),
        ("batch_size", 0),
        ("batch_size", -4),
    ],
)
def test_bad_fit_argument_is_rejected(argument, value):
    pattern = rf"^{argument} must be a positive integer"
    with pytest.raises(ValueError, match=pattern) as excinfo:
        regressor().fit(X_GOOD, Y_GOOD, **{argument: value})
    assert_one_line(excinfo, f"got {value!r}")


def test_rejected_fit_leaves_the_network_untouched():
    net = regressor()
    before = net.state_dict()
    X = X_GOOD.copy()
    X[4, 0] = np.nan
    with pytest.raises(ValueError):
        net.fit(X, Y_GOOD, epochs=3)
    for name, value in net.state_dict().items():
        np.testing.assert_array_equal(value, before[name])


# -- divergence ---------------------------------------------------------------------


class _Snapshots(Callback):
    """Keep a copy of the weights after every successful step."""

    def __init__(self):
        self.last = None

    def on_batch_end(self, network, batch, logs):
        self.last = network.state_dict()


def _diverging_data(scale_X=1.0, scale_y=1e3):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 3))
    return X * scale_X, scale_y * X.sum(axis=1)


DIVERGING_RUNS = [
    pytest.param(SGD(learning_rate=1e6), "tanh", 1.0, True, id="learning_rate_1e6"),
    pytest.param(SGD(learning_rate=0.01), "relu", 1e150, True, id="X_scaled_to_1e150"),
    # The update of the last finite-loss step overflows the weights themselves:
    # the loss is only non-finite one step later. glassnet does not check every
    # update (that would cost more than the step's element-wise work), so the
    # weights are lost, and the message must say so instead of claiming otherwise.
    pytest.param(
        SGD(learning_rate=1e8), "relu", 1e150, False, id="X_1e150_learning_rate_1e8"
    ),
]


@pytest.mark.parametrize(
    ("optimizer", "activation", "scale_X", "weights_survive"), DIVERGING_RUNS
)
def test_fit_that_diverges_raises_non_finite_loss_error(
    optimizer, activation, scale_X, weights_survive
):
    X, y = _diverging_data(scale_X)
    net = Network([Dense(3, 8, activation), Dense(8, 1)], optimizer=optimizer, seed=0)
    snapshots = _Snapshots()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # also outside pytest's own setting
        with pytest.raises(NonFiniteLossError) as excinfo:
            net.fit(X, y, epochs=200, callbacks=[snapshots])
    assert isinstance(excinfo.value, FloatingPointError)
    assert_one_line(excinfo, "learning rate")
    assert re.search(r"loss became (nan|inf|-inf)\b", str(excinfo.value))
    assert re.search(r"at epoch \d+, batch 1", str(excinfo.value))
    if not weights_survive:
        assert "overflowed the weights" in str(excinfo.value)
        return
    assert "the weights are those of the last good step" in str(excinfo.value)
    for name, value in net.named_parameters().items():
        assert np.isfinite(value).all(), f"{name} is not finite after the error"
    # The weights are those after the last step that succeeded (or the initial
    # ones): the step whose loss was not finite changed nothing.
    if snapshots.last is not None:
        for name, value in net.state_dict().items():
            np.testing.assert_array_equal(value, snapshots.last[name], err_msg=name)


@pytest.mark.parametrize(
    ("optimizer", "activation", "scale_X", "weights_survive"), DIVERGING_RUNS
)
def test_train_step_that_diverges_raises_non_finite_loss_error(
    optimizer, activation, scale_X, weights_survive
):
    X, y = _diverging_data(scale_X)
    net = Network([Dense(3, 8, activation), Dense(8, 1)], optimizer=optimizer, seed=0)
    last_good = net.state_dict()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(NonFiniteLossError) as excinfo:
            for _ in range(200):
                net.train_step(X, y)
                last_good = net.state_dict()
    # train_step is the tutorials' entry point: its message must help as much.
    assert_one_line(excinfo, "learning rate")
    assert re.search(r"loss became (nan|inf|-inf)\b", str(excinfo.value))
    if not weights_survive:
        assert "overflowed the weights" in str(excinfo.value)
        return
    for name, value in net.state_dict().items():
        assert np.isfinite(value).all(), f"{name} is not finite after the error"
        np.testing.assert_array_equal(value, last_good[name], err_msg=name)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf], ids=["nan", "inf", "-inf"])
def test_large_inputs_are_checked_for_every_value(bad):
    """Large matrices take a fast path (row sums); every bad value is still found."""
    X = np.random.default_rng(0).normal(size=(3000, 100))
    X[2999, 99] = bad
    net = Network([Dense(100, 1)], seed=0)
    with pytest.raises(ValueError, match="row 2999, column 99"):
        net.predict(X)


def test_huge_finite_inputs_whose_row_sums_overflow_are_accepted():
    X = np.full((3000, 100), 3e38, dtype=np.float32)  # each row sums to infinity
    net = Network([Dense(100, 1)], dtype="float32", seed=0)
    # Weights small enough for finite outputs (infinite ones are refused since F2).
    net.named_parameters()["layers.0.weights"][:] = 1e-3
    assert net.predict(X).shape == (3000, 1)


def test_non_finite_loss_error_is_also_a_value_error():
    """scikit-learn raises ValueError for non-finite training: catch either."""
    X, y = _diverging_data(1.0)
    net = Network([Dense(3, 8, "tanh"), Dense(8, 1)], optimizer=SGD(1e6), seed=0)
    with pytest.raises(ValueError) as excinfo:
        net.fit(X, y, epochs=200)
    assert isinstance(excinfo.value, FloatingPointError)
    assert isinstance(excinfo.value, NonFiniteLossError)


# -- F12: every loss that training computes is checked --------------------------


@pytest.mark.parametrize(
    "bad_target", [1e300, np.finfo(np.float64).max], ids=["1e300", "max"]
)
def test_a_validation_loss_that_overflows_stops_training(bad_target):
    """F12: a huge validation target made val_loss inf for every epoch, silently."""
    X, y = _diverging_data(1.0)
    X_val, y_val = X[:5].copy(), y[:5].copy()
    y_val[0] = bad_target
    net = regressor()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(NonFiniteLossError) as excinfo:
            net.fit(X, y, epochs=5, validation_data=(X_val, y_val))
    assert_one_line(excinfo, "validation loss became inf", "epoch 1")
    assert len(net.history) == 0  # the epoch with the bad validation loss: no record


def test_a_validation_loss_that_overflows_stops_a_split_too():
    X, y = _diverging_data(1.0)
    net = regressor()
    # The rows that fit's validation_split will hold out (its first use of rng).
    rng = np.random.default_rng()
    rng.bit_generator.state = net.rng.bit_generator.state
    _, val_rows = split_rows(len(X), 0.25, None, rng)
    y[val_rows[0]] = 1e300
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(NonFiniteLossError) as excinfo:
            net.fit(X, y, epochs=3, validation_split=0.25)
    assert_one_line(excinfo, "validation loss became inf at epoch 1")


def test_an_epoch_loss_that_overflows_though_every_batch_is_finite_stops_training():
    """F12: huge (but summable) weights make the epoch's weighted mean overflow."""
    X, y = _diverging_data(1.0)
    weights = np.full(len(X), 1e306)
    net = regressor()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(NonFiniteLossError) as excinfo:
            net.fit(X, y * 1e3, epochs=3, batch_size=1, sample_weight=weights)
    assert_one_line(excinfo, "loss of epoch 1 became", "every batch", "sample_weight")


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sample_weights_whose_sum_overflows_are_refused(dtype):
    """F12: fit(sample_weight=[1e308, 1e308, 1, 1]) recorded loss nan every epoch."""
    X = np.array([[0.0, 1], [1, 0], [1, 1], [0, 0]])
    big = float(np.finfo(dtype).max) / 1.5
    net = Network(
        [Dense(2, 4, "relu"), Dense(4, 2, "softmax")],
        loss="categorical_crossentropy",
        dtype=dtype,
        seed=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError) as excinfo:
            net.fit(X, [0, 1, 1, 0], epochs=3, sample_weight=[big, big, 1, 1])
    assert not isinstance(excinfo.value, FloatingPointError)
    assert_one_line(excinfo, "sample_weight", "overflow", "divide")


def test_class_weights_of_zero_for_every_class_are_the_zero_weight_error():
    """F12: class_weight={0: 0, 1: 0} raised the NaN error about the learning rate."""
    X = np.array([[0.0, 1], [1, 0], [1, 1], [0, 0]])
    net = Network(
        [Dense(2, 4, "relu"), Dense(4, 2, "softmax")],
        loss="categorical_crossentropy",
        seed=0,
    )
    with pytest.raises(ValueError) as excinfo:
        net.fit(X, [0, 1, 1, 0], class_weight={0: 0, 1: 0})
    assert not isinstance(excinfo.value, FloatingPointError)
    assert_one_line(excinfo, "must be >= 0 with a positive sum", "class_weight")
    with pytest.raises(ValueError, match="must be >= 0 with a positive sum"):
        net.fit(X, [0, 1, 1, 0], sample_weight=[1, 1, 1, 1], class_weight={0: 0, 1: 0})
    with pytest.raises(ValueError, match="must be >= 0 with a positive sum"):
        net.fit(X, [0, 1, 1, 0], sample_weight=[0, 0, 0, 0])
