"""Optimizers: the flat-buffer path is the per-parameter rule, bit for bit."""

import numpy as np
import pytest

from glassnet import SGD, Adam, Dense, Network

OPTIMIZERS = {
    "sgd": lambda: SGD(0.1),
    "sgd-step-1": lambda: SGD(1.0),
    "momentum": lambda: SGD(0.05, momentum=0.9),
    "nesterov": lambda: SGD(0.05, momentum=0.9, nesterov=True),
    "adam": lambda: Adam(0.01),
    "sgd-decay": lambda: SGD(0.1, momentum=0.5, weight_decay=0.01),
    "adam-decay": lambda: Adam(0.01, weight_decay=0.01),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("make", OPTIMIZERS.values(), ids=OPTIMIZERS.keys())
def test_flat_buffers_and_named_arrays_give_the_same_bits(make, dtype):
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(16, 5)), rng.normal(size=(16, 2))
    net = Network(
        [Dense(5, 7, "tanh"), Dense(7, 2)], optimizer=make(), dtype=dtype, seed=0
    )
    params = {name: value.copy() for name, value in net.named_parameters().items()}
    by_name = make()
    for _ in range(4):
        net.train_step(X, y)  # the flat path: Network passes its buffers
        grads = {name: value.copy() for name, value in net.named_gradients().items()}
        by_name.step(params, grads)  # the same rule, one array at a time
    for name, value in net.named_parameters().items():
        assert np.array_equal(value, params[name]), name
        for slot in net.optimizer.slot_names:
            state = net.optimizer.state[name][slot]
            assert np.array_equal(state, by_name.state[name][slot]), (name, slot)
            assert state.dtype == np.dtype(dtype)


def test_replaced_state_is_taken_over_by_the_flat_path():
    """As after loading a file: new arrays by name, the values kept."""
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 1))

    def net():
        return Network([Dense(3, 4, "relu"), Dense(4, 1)], optimizer=Adam(0.01), seed=2)

    a, b = net(), net()
    for _ in range(3):
        a.train_step(X, y)
        b.train_step(X, y)
    b.optimizer.state = {
        name: {slot: value.copy() for slot, value in slots.items()}
        for name, slots in b.optimizer.state.items()
    }
    for _ in range(3):
        a.train_step(X, y)
        b.train_step(X, y)
    for name, value in a.named_parameters().items():
        assert np.array_equal(value, b.named_parameters()[name])
