"""explain(): one training step in the tutorials' words, against the tutorial."""

import numpy as np
import pytest

from glassnet import Adam, Dense, Network, tutorials
from glassnet.recording import Recorder, Recording


def nonlin(x, deriv=False):
    if deriv:
        return x * (1 - x)
    return 1 / (1 + np.exp(-x))


def test_pet_shop_explanation_is_the_tutorials_first_iteration_number_for_number():
    X, y = tutorials.PET_SHOP_X, tutorials.PET_SHOP_Y
    rng = np.random.RandomState(1)  # the tutorial's np.random.seed(1)
    syn0 = 2 * rng.random_sample((3, 4)) - 1
    syn1 = 2 * rng.random_sample((4, 1)) - 1
    l0 = X
    l1 = nonlin(np.dot(l0, syn0))
    l2 = nonlin(np.dot(l1, syn1))
    l2_error = y - l2
    l2_delta = l2_error * nonlin(l2, deriv=True)
    l1_error = l2_delta.dot(syn1.T)
    l1_delta = l1_error * nonlin(l1, deriv=True)
    expected = {
        "l0": l0,
        "syn0": syn0,
        "l1": l1,
        "syn1": syn1,
        "l2": l2,
        "l2_error": l2_error,
        "l2_delta": l2_delta,
        "l1_error": l1_error,
        "l1_delta": l1_delta,
        "syn1_update": l1.T.dot(l2_delta),
        "syn0_update": l0.T.dot(l1_delta),
    }
    net = tutorials.tutorial_network([3, 4, 1])
    before = net.state_dict()
    explanation = net.explain(X, y)
    assert [step.name for step in explanation.steps] == list(expected)
    for name, value in expected.items():
        assert np.array_equal(explanation[name], value), name
    assert explanation.loss == pytest.approx(0.5 * np.sum(l2_error**2), rel=1e-15)
    # Explaining changes nothing: the weights are those before the step.
    for name, value in net.state_dict().items():
        assert np.array_equal(value, before[name])
    text = str(explanation)
    for name in expected:
        assert f"\n{name} = " in text
    assert "l2_delta = l2_error * l2 * (1 - l2)    [4x1]" in text
    assert "syn0_update = 1 * l0.T @ l1_delta    [3x4]" in text
    assert "[[ 0.11316304]" in text  # l2_delta's first value, printed in full


def test_explain_extends_the_names_to_any_depth_and_leaves_adam_untouched():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 3)), rng.integers(0, 3, size=6)
    net = Network(
        [Dense(3, 5, "relu"), Dense(5, 4, "tanh"), Dense(4, 3, "softmax")],
        loss="categorical_crossentropy",
        optimizer=Adam(0.01),
        seed=0,
    )
    net.fit(X, y, epochs=2)
    state = {
        k: {s: v.copy() for s, v in slot.items()}
        for k, slot in net.optimizer.state.items()
    }
    steps_before = net.optimizer.n_steps
    explanation = net.explain(X, y)
    names = [step.name for step in explanation.steps]
    assert names[:7] == ["l0", "syn0", "l1", "syn1", "l2", "syn2", "l3"]
    assert names[7:] == [
        "l3_error",
        "l3_delta",
        "l2_error",
        "l2_delta",
        "l1_error",
        "l1_delta",
        "syn2_update",
        "syn1_update",
        "syn0_update",
    ]
    assert net.optimizer.n_steps == steps_before
    for name, slot in net.optimizer.state.items():
        for key, value in slot.items():
            assert np.array_equal(value, state[name][key])
    # The update is what a real step would do.
    expected = net.layers[0].params["weights"] + explanation["syn0_update"]
    net.train_step(X, y)
    np.testing.assert_allclose(net.layers[0].params["weights"], expected, rtol=1e-12)
    assert "fused gradient" in str(explanation)


def test_recorder_keeps_snapshots_within_its_memory_bound():
    X, y = tutorials.PET_SHOP_X, tutorials.PET_SHOP_Y
    net = tutorials.tutorial_network([3, 4, 1])
    one_snapshot = (3 * 4 + 4 * 1 + 4 + 1) * 8  # weights, and outputs on 1 row
    recorder = Recorder(rows=X[:1], every=1, max_bytes=20 * one_snapshot)
    net.fit(X, y, epochs=1000, callbacks=[recorder])
    snapshots = recorder.recording.snapshots
    used = sum(s.nbytes for s in snapshots)
    assert used <= 20 * one_snapshot
    assert 10 <= len(snapshots) <= 20
    assert snapshots[0].epoch == 0 and snapshots[-1].epoch == 1000
    epochs = [s.epoch for s in snapshots]
    assert epochs == sorted(epochs)
    # A snapshot is the network at that moment: the first is the initial weights.
    np.testing.assert_array_equal(
        snapshots[0].weights[0],
        tutorials.tutorial_network([3, 4, 1]).layers[0].params["weights"],
    )
    np.testing.assert_array_equal(
        snapshots[-1].weights[1], net.layers[1].params["weights"]
    )
    np.testing.assert_allclose(snapshots[-1].outputs[-1], net.predict(X[:1]))


def test_recording_round_trips_through_json(tmp_path):
    X, y = tutorials.PET_SHOP_X, tutorials.PET_SHOP_Y
    net = tutorials.tutorial_network([3, 4, 1])
    recorder = Recorder(rows=X, every=100)
    net.fit(X, y, epochs=300, callbacks=[recorder])
    path = tmp_path / "run.json"
    recorder.recording.save(path)
    loaded = Recording.load(path)
    assert [s.epoch for s in loaded.snapshots] == [0, 100, 200, 300]
    for a, b in zip(loaded.snapshots, recorder.recording.snapshots, strict=True):
        for wa, wb in zip(a.weights, b.weights, strict=True):
            np.testing.assert_array_equal(wa, wb)
    assert loaded.history["records"][-1]["epoch"] == 299
    (tmp_path / "bad.json").write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match="not a glassnet run recording"):
        Recording.load(tmp_path / "bad.json")
    (tmp_path / "garbage.json").write_bytes(b"\x00\xff not json")
    with pytest.raises(ValueError, match="is not a glassnet run recording"):
        Recording.load(tmp_path / "garbage.json")


def test_recorder_needs_rows_of_the_right_width():
    net = tutorials.tutorial_network([3, 1])
    with pytest.raises(ValueError, match="Recorder needs rows"):
        net.fit(tutorials.MILO_X, tutorials.MILO_Y, callbacks=[Recorder()])
    with pytest.raises(
        ValueError, match=r"Recorder rows must have shape \(n_rows, 3\)"
    ):
        net.fit(tutorials.MILO_X, tutorials.MILO_Y, callbacks=[Recorder(rows=[[1, 2]])])
