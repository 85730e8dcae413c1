"""The loss plot: a real PNG, drawn by matplotlib."""

import numpy as np
import pytest

from glassnet import Dense, EarlyStopping, Network
from glassnet.plotting import plot_losses

pytest.importorskip("matplotlib")


def test_plot_losses_writes_a_png(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = X.sum(axis=1, keepdims=True) + rng.normal(scale=0.5, size=(100, 1))
    net = Network([Dense(3, 16, "relu"), Dense(16, 1)], optimizer="adam", seed=0)
    net.fit(
        X, y, epochs=40, validation_split=0.3, callbacks=[EarlyStopping(patience=5)]
    )
    path = tmp_path / "loss.png"
    plot_losses(net.history, path)
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5_000
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_plot_needs_a_history(tmp_path):
    net = Network([Dense(3, 1)], seed=0)
    with pytest.raises(ValueError, match="the history is empty"):
        plot_losses(net.history, tmp_path / "loss.png")
