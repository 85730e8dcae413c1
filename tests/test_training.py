"""Training features: validation, metrics, early stopping, schedules, weights,
dropout, callbacks, progress and Ctrl-C."""

import io
import os
import signal
import warnings

import numpy as np
import pytest

from glassnet import (
    SGD,
    Adam,
    Callback,
    Dense,
    Dropout,
    EarlyStopping,
    LambdaCallback,
    LearningRateScheduler,
    Network,
    NonFiniteLossError,
    ReduceLROnPlateau,
    schedules,
)
from glassnet.history import describe_stop
from glassnet.progress import ProgressBar


def noisy_regression(n=120, seed=0):
    """Few samples, lots of noise: a big network overfits after some epochs."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    y = X[:, :1] + rng.normal(scale=1.0, size=(n, 1))
    return X, y


def blobs(n_per_class=40, n_classes=3, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(scale=3.0, size=(n_classes, 2))
    X = np.concatenate([c + rng.normal(size=(n_per_class, 2)) for c in centers])
    y = np.repeat(np.arange(n_classes), n_per_class)
    return X, y


def overfitting_net():
    return Network(
        [Dense(5, 64, "relu"), Dense(64, 64, "relu"), Dense(64, 1)],
        optimizer=Adam(0.01),
        seed=0,
    )


# -- validation and metrics ---------------------------------------------------


def test_validation_data_records_val_loss_equal_to_compute_loss():
    X, y = noisy_regression()
    net = Network([Dense(5, 8, "tanh"), Dense(8, 1)], optimizer=SGD(0.05), seed=0)
    history = net.fit(X[:80], y[:80], epochs=3, validation_data=(X[80:], y[80:]))
    assert history["val_loss"][-1] == pytest.approx(net.compute_loss(X[80:], y[80:]))
    assert set(history.records[-1]) >= {"epoch", "loss", "val_loss", "val_mae"}
    assert set(history.records[-1]) >= {"mae", "rmse", "r2", "val_rmse", "val_r2"}


def test_regression_metrics_match_scikit_learn():
    metrics = pytest.importorskip("sklearn.metrics")
    X, y = noisy_regression()
    net = Network([Dense(5, 8, "tanh"), Dense(8, 1)], optimizer=SGD(0.05), seed=0)
    history = net.fit(X[:80], y[:80], epochs=2, validation_data=(X[80:], y[80:]))
    predicted = net.predict(X[80:])
    record = history.records[-1]
    assert record["val_mae"] == pytest.approx(
        metrics.mean_absolute_error(y[80:], predicted)
    )
    assert record["val_rmse"] == pytest.approx(
        metrics.root_mean_squared_error(y[80:], predicted)
    )
    assert record["val_r2"] == pytest.approx(metrics.r2_score(y[80:], predicted))


@pytest.mark.parametrize("n_classes", [2, 3])
def test_classification_metrics_match_scikit_learn(n_classes):
    metrics = pytest.importorskip("sklearn.metrics")
    X, y = blobs(n_classes=n_classes)
    if n_classes == 2:
        net = Network([Dense(2, 8, "relu"), Dense(8, 1, "sigmoid")], loss="bce", seed=0)
    else:
        net = Network([Dense(2, 8, "relu"), Dense(8, 3, "softmax")], loss="cce", seed=0)
    history = net.fit(X, y, epochs=2, validation_data=(X, y))
    record = history.records[-1]
    probabilities = net.predict_proba(X)
    assert record["val_accuracy"] == pytest.approx(
        metrics.accuracy_score(y, net.predict(X).ravel())
    )
    assert record["val_log_loss"] == pytest.approx(
        metrics.log_loss(y, probabilities if n_classes > 2 else probabilities.ravel())
    )
    assert record["val_log_loss"] == pytest.approx(record["val_loss"])


def test_training_metrics_are_measured_on_the_batches_outputs():
    X, y = blobs()
    net = Network([Dense(2, 3, "softmax")], loss="cce", optimizer=SGD(1e-9), seed=0)
    history = net.fit(X, y, epochs=1, batch_size=16, metrics=["accuracy"])
    # With a learning rate of 1e-9 the weights barely move during the epoch.
    expected = np.mean(net.predict(X) == y)
    assert history.records[0]["accuracy"] == pytest.approx(expected)


def test_validation_split_is_stratified_and_reproducible():
    X, y = blobs(n_per_class=50)
    seen = []

    class Spy(Callback):
        def on_train_begin(self, network):
            seen.append(network.rng.bit_generator.state["state"]["state"])

    for _ in range(2):
        net = Network([Dense(2, 3, "softmax")], loss="cce", seed=0)
        history = net.fit(X, y, epochs=1, validation_split=0.2, callbacks=[Spy()])
        assert "val_accuracy" in history.records[0]
    assert seen[0] == seen[1]
    # 20% of each class: the training part keeps 40 of each of the 3 classes.
    split = Network([Dense(2, 3, "softmax")], loss="cce", seed=0)
    counts = []
    split.fit(
        X,
        y,
        epochs=1,
        validation_split=0.2,
        callbacks=[
            LambdaCallback(
                on_batch_end=lambda n, b, logs: counts.append(
                    np.bincount(n.last_step.targets, minlength=3)
                )
            )
        ],
    )
    assert counts[0].tolist() == [40, 40, 40]


def test_validation_arguments_are_checked():
    X, y = noisy_regression()
    net = Network([Dense(5, 1)], seed=0)
    with pytest.raises(ValueError, match="not both"):
        net.fit(X, y, validation_data=(X, y), validation_split=0.2)
    with pytest.raises(
        ValueError, match=r"validation_split must be a fraction in \(0, 1\)"
    ):
        net.fit(X, y, validation_split=1.5)
    with pytest.raises(ValueError, match="X_val has 3 columns but 5 are expected"):
        net.fit(X, y, validation_data=(X[:, :3], y))
    with pytest.raises(ValueError, match="X_val and y_val must have the same number"):
        net.fit(X, y, validation_data=(X, y[:10]))
    with pytest.raises(ValueError, match="validation_data must be a tuple"):
        net.fit(X, y, validation_data=X)


# -- early stopping -----------------------------------------------------------


def test_early_stopping_halts_a_noisy_task_and_restores_the_best_weights():
    X, y = noisy_regression()
    net = overfitting_net()
    stopper = EarlyStopping(patience=5, min_delta=0.0)
    history = net.fit(
        X[:80],
        y[:80],
        epochs=500,
        validation_data=(X[80:], y[80:]),
        callbacks=[stopper],
    )
    assert history.stop_reason == "early_stopping"
    assert history.n_epochs < 500
    best = int(np.argmin(history.val_loss))
    assert history.best_epoch == best == stopper.best_epoch
    assert history.n_epochs == best + 1 + 5  # patience epochs after the best
    # The restored weights reproduce the best recorded validation loss.
    assert net.compute_loss(X[80:], y[80:]) == pytest.approx(history.val_loss[best])


def test_the_callback_that_stops_training_names_the_reason():
    X, y = noisy_regression()

    class StopAfterTwo(Callback):
        def on_epoch_end(self, network, epoch, logs):
            network.stop_training = epoch == 1

    net = Network([Dense(5, 1)], optimizer=SGD(0.01), seed=0)
    history = net.fit(X, y, epochs=10, callbacks=[StopAfterTwo()])
    assert history.stop_reason == "stopped_by_callback" and history.n_epochs == 2
    stopper = EarlyStopping(monitor="loss", patience=1, min_delta=1e9)
    history = net.fit(X, y, epochs=10, callbacks=[stopper])
    # EarlyStopping keeps its reason on itself; fit records it.
    assert stopper.stop_reason == history.stop_reason == "early_stopping"
    assert history.n_epochs == 2 + 2  # the first epoch improves on nothing


def test_early_stopping_needs_what_it_monitors():
    X, y = noisy_regression()
    with pytest.raises(ValueError, match="monitors 'val_loss' but the epoch has only"):
        overfitting_net().fit(X, y, epochs=2, callbacks=[EarlyStopping()])


def test_early_stopping_on_accuracy_maximises():
    X, y = blobs()
    net = Network([Dense(2, 3, "softmax")], loss="cce", optimizer=Adam(0.05), seed=0)
    stopper = EarlyStopping(monitor="val_accuracy", patience=3)
    history = net.fit(X, y, epochs=200, validation_split=0.25, callbacks=[stopper])
    assert stopper.best == max(history["val_accuracy"])


# -- learning rates -----------------------------------------------------------


def test_learning_rate_schedule_sets_the_rate_of_each_epoch():
    X, y = noisy_regression()
    net = Network([Dense(5, 1)], optimizer=SGD(0.1), seed=0)
    schedule = schedules.step_decay(0.1, factor=0.5, every=2)
    history = net.fit(X, y, epochs=5, callbacks=[LearningRateScheduler(schedule)])
    assert history["learning_rate"] == [0.1, 0.1, 0.05, 0.05, 0.025]


def test_exponential_and_constant_schedules():
    assert schedules.exponential_decay(0.2, rate=0.5)(3) == pytest.approx(0.025)
    assert schedules.constant(0.3)(99) == 0.3
    with pytest.raises(ValueError, match="initial must be a positive number"):
        schedules.step_decay(-1.0)


def test_reduce_on_plateau_lowers_the_rate_when_stuck():
    X, y = noisy_regression()
    net = Network([Dense(5, 1)], optimizer=SGD(1e-12), seed=0)  # never improves
    reducer = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=2, min_delta=1.0)
    history = net.fit(X, y, epochs=7, callbacks=[reducer])
    assert history["learning_rate"] == [
        1e-12,
        1e-12,
        1e-12,
        5e-13,
        5e-13,
        2.5e-13,
        2.5e-13,
    ]


# -- weights ------------------------------------------------------------------


def test_integer_sample_weights_equal_duplicated_rows():
    """Weight 2 on a row is the same mean loss and gradient as the row twice."""
    X, y = noisy_regression(n=10)
    weights = np.array([1, 2, 1, 3, 1, 1, 2, 1, 1, 1])
    X_dup, y_dup = np.repeat(X, weights, axis=0), np.repeat(y, weights, axis=0)
    weighted = Network([Dense(5, 4, "tanh"), Dense(4, 1)], optimizer=SGD(0.1), seed=0)
    duplicated = Network([Dense(5, 4, "tanh"), Dense(4, 1)], optimizer=SGD(0.1), seed=0)
    loss_w = weighted.fit(X, y, epochs=5, sample_weight=weights).loss
    loss_d = duplicated.fit(X_dup, y_dup, epochs=5).loss
    np.testing.assert_allclose(loss_w, loss_d, rtol=1e-12)
    for name, value in weighted.named_parameters().items():
        np.testing.assert_allclose(
            value, duplicated.named_parameters()[name], rtol=1e-10
        )


def test_class_weight_balanced_equals_inverse_frequency_sample_weights():
    X, y = blobs()
    X, y = X[:100], y[:100]  # classes of 40, 40 and 20 samples
    expected = 100 / (3 * np.bincount(y))
    a = Network([Dense(2, 3, "softmax")], loss="cce", seed=0)
    b = Network([Dense(2, 3, "softmax")], loss="cce", seed=0)
    a.fit(X, y, epochs=3, class_weight="balanced")
    b.fit(X, y, epochs=3, sample_weight=expected[y])
    for name, value in a.named_parameters().items():
        np.testing.assert_array_equal(value, b.named_parameters()[name])
    c = Network([Dense(2, 3, "softmax")], loss="cce", seed=0)
    c.fit(X, y, epochs=3, class_weight={2: 2.5})
    d = Network([Dense(2, 3, "softmax")], loss="cce", seed=0)
    d.fit(X, y, epochs=3, sample_weight=np.where(y == 2, 2.5, 1.0))
    for name, value in c.named_parameters().items():
        np.testing.assert_array_equal(value, d.named_parameters()[name])


def test_weights_are_checked():
    X, y = noisy_regression(n=10)
    net = Network([Dense(5, 1)], seed=0)
    with pytest.raises(ValueError, match=r"one weight per sample \(10\), got 3"):
        net.fit(X, y, sample_weight=[1, 2, 3])
    with pytest.raises(ValueError, match="sample_weight must be >= 0"):
        net.fit(X, y, sample_weight=-np.ones(10))
    with pytest.raises(ValueError, match="class_weight needs one class per sample"):
        net.fit(X, y, class_weight="balanced")


# -- dropout ------------------------------------------------------------------


def test_dropout_is_inverted_and_off_at_prediction():
    layer = Dropout(0.25, rng=0)
    x = np.ones((2000, 50))
    out = layer.forward(x, training=True)
    kept = out != 0
    assert abs(kept.mean() - 0.75) < 0.01
    np.testing.assert_allclose(out[kept], 1 / 0.75)
    grad = layer.backward(np.ones_like(x))  # the same mask, on the way back
    np.testing.assert_array_equal(grad != 0, kept)
    np.testing.assert_allclose(grad[kept], 1 / 0.75)
    assert layer.forward(x, training=False) is x


def test_dropout_network_trains_reproducibly_and_predicts_deterministically():
    X, y = blobs()

    def trained(rate):
        dropout = [Dropout(rate)] if rate else []
        net = Network(
            [Dense(2, 16, "relu"), *dropout, Dense(16, 3, "softmax")],
            loss="cce",
            optimizer=Adam(0.01),
            seed=3,
        )
        net.fit(X, y, epochs=20, batch_size=16)
        return net

    a, b = trained(0.5), trained(0.5)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    np.testing.assert_array_equal(a.predict_proba(X), a.predict_proba(X))
    # The blobs overlap: about 81% is the best any model does here.
    without_dropout = np.mean(trained(0.0).predict(X) == y)
    assert np.mean(a.predict(X) == y) > without_dropout - 0.05


def test_dropout_rate_is_checked():
    with pytest.raises(ValueError, match=r"Dropout: rate must be a number in \[0, 1\)"):
        Dropout(1.0)


# -- interruption -------------------------------------------------------------


def test_keyboard_interrupt_from_a_callback_mid_epoch_leaves_a_usable_model():
    X, y = noisy_regression()

    def interrupt(network, batch, logs):
        if network.epochs_trained == 2 and batch == 3:
            raise KeyboardInterrupt

    net = Network([Dense(5, 8, "tanh"), Dense(8, 1)], optimizer=SGD(0.05), seed=0)
    history = net.fit(
        X,
        y,
        epochs=10,
        batch_size=10,
        callbacks=[LambdaCallback(on_batch_end=interrupt)],
    )
    assert history.stop_reason == "interrupted"
    assert history.n_epochs == 2  # the interrupted epoch is not recorded
    assert np.isfinite(net.predict(X)).all()
    history = net.fit(X, y, epochs=1, batch_size=10)  # and it trains on
    assert history.stop_reason == "completed" and history.n_epochs == 3


def test_ctrl_c_stops_after_the_batch_and_keeps_the_best_weights():
    X, y = noisy_regression()

    class PressCtrlC(Callback):
        def on_batch_end(self, network, batch, logs):
            if network.epochs_trained == 4 and batch == 2:
                os.kill(os.getpid(), signal.SIGINT)  # as a user's Ctrl-C

    net = overfitting_net()
    stopper = EarlyStopping(patience=50)
    history = net.fit(
        X[:80],
        y[:80],
        epochs=100,
        batch_size=8,
        validation_data=(X[80:], y[80:]),
        callbacks=[stopper, PressCtrlC()],
    )
    assert history.stop_reason == "interrupted"
    assert history.n_epochs == 4
    best = int(np.argmin(history.val_loss))
    assert net.compute_loss(X[80:], y[80:]) == pytest.approx(history.val_loss[best])
    # The handler is gone: Ctrl-C outside fit is Python's KeyboardInterrupt again.
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# -- progress -----------------------------------------------------------------


def test_progress_prints_a_line_every_few_epochs_when_not_a_terminal():
    X, y = noisy_regression()
    out = io.StringIO()
    net = Network([Dense(5, 1)], optimizer=SGD(0.01), seed=0)
    net.fit(
        X, y, epochs=20, validation_split=0.25, callbacks=[ProgressBar(20, file=out)]
    )
    lines = out.getvalue().splitlines()
    assert len(lines) == 10
    assert lines[0].startswith("epoch 2/20  loss ")
    assert "val_loss" in lines[0] and "val_r2" in lines[0]
    assert lines[-1].startswith("epoch 20/20")


def test_verbose_2_prints_every_epoch_and_the_stop_reason(capsys):
    X, y = noisy_regression()
    overfitting_net().fit(
        X[:80],
        y[:80],
        epochs=300,
        validation_data=(X[80:], y[80:]),
        callbacks=[EarlyStopping(patience=3)],
        verbose=2,
    )
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("epoch 1/300  loss")
    assert err[-1].startswith("training stopped early; best epoch ")


def test_silent_by_default(capsys):
    X, y = noisy_regression()
    Network([Dense(5, 1)], seed=0).fit(X, y, epochs=3)
    assert capsys.readouterr() == ("", "")


# -- checkpoints --------------------------------------------------------------


def test_model_checkpoint_keeps_the_best_and_every_epoch(tmp_path):
    from glassnet import ModelCheckpoint, load

    X, y = noisy_regression()
    net = overfitting_net()
    best_path = tmp_path / "best.npz"
    history = net.fit(
        X[:80],
        y[:80],
        epochs=30,
        validation_data=(X[80:], y[80:]),
        callbacks=[
            ModelCheckpoint(best_path, save_best_only=True),
            ModelCheckpoint(tmp_path / "epoch-{epoch}.npz"),
        ],
    )
    best = int(np.argmin(history.val_loss))
    restored = load(best_path)
    assert restored.epochs_trained == best + 1
    assert restored.compute_loss(X[80:], y[80:]) == pytest.approx(
        history.val_loss[best]
    )
    assert sorted(p.name for p in tmp_path.glob("epoch-*.npz")) == sorted(
        f"epoch-{epoch}.npz" for epoch in range(30)
    )
    last = load(tmp_path / "epoch-29.npz")
    np.testing.assert_array_equal(last.predict(X), net.predict(X))


class _Terminal(io.StringIO):
    """A text stream that says it is a terminal, as a user's console does."""

    def isatty(self):
        return True


def test_progress_on_a_terminal_is_a_live_bar():
    X, y = noisy_regression()
    out = _Terminal()
    net = Network([Dense(5, 1)], optimizer=SGD(0.01), seed=0)
    bar = ProgressBar(5, file=out)
    net.fit(X, y, epochs=5, batch_size=8, validation_split=0.25, callbacks=[bar])
    text = out.getvalue()
    assert bar.live
    # Redrawn in place (a carriage return), not one line per epoch.
    assert "\r" in text
    assert text.count("\n") <= 2
    assert "5/5" in text


# -- divergence with early stopping --------------------------------------------


def diverging_after(n_good_epochs, learning_rate=1e20):
    """A schedule whose learning rate makes training diverge after some epochs."""
    return LearningRateScheduler(
        lambda epoch: 0.01 if epoch < n_good_epochs else learning_rate
    )


def test_divergence_after_a_good_epoch_keeps_the_best_weights_and_says_so(capsys):
    X, y = noisy_regression()
    net = Network([Dense(5, 8, "relu"), Dense(8, 1)], optimizer=SGD(0.01), seed=0)
    stopper = EarlyStopping(patience=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = net.fit(
            X,
            y,
            epochs=30,
            validation_split=0.2,
            callbacks=[diverging_after(3), stopper],
            verbose=2,
        )
    assert history.stop_reason == "diverged"
    words = describe_stop("diverged")
    assert "non-finite" in words and "best epoch" in words
    assert f"training {words}; best epoch" in capsys.readouterr().err
    assert len(history) >= 3 and history.best_epoch == stopper.best_epoch
    assert history.best_epoch is not None and history.best_epoch <= 2
    assert "loss became" in stopper.divergence
    for name, value in net.state_dict().items():
        np.testing.assert_array_equal(value, stopper.best_state[name], err_msg=name)
    assert np.isfinite(net.predict(X)).all()


@pytest.mark.parametrize(
    ("callbacks", "y_scale"),
    [
        pytest.param([], 1.0, id="no_early_stopping"),
        # The first batch's loss overflows: there is no best epoch yet.
        pytest.param([EarlyStopping(patience=50)], 1e200, id="no_good_epoch"),
        pytest.param(
            [EarlyStopping(patience=50, restore_best_weights=False)],
            1.0,
            id="no_weights_kept",
        ),
    ],
)
def test_divergence_without_weights_to_restore_still_raises(callbacks, y_scale):
    X, y = noisy_regression()
    net = Network([Dense(5, 8, "relu"), Dense(8, 1)], optimizer=SGD(0.01), seed=0)
    with pytest.raises(NonFiniteLossError, match="loss became"):
        net.fit(
            X,
            y * y_scale,
            epochs=30,
            validation_split=0.2,
            callbacks=[diverging_after(3), *callbacks],
        )
