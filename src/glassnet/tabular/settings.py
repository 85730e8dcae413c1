"""The training settings of a table model, with their defaults, written once.

``glassnet train``'s options, :func:`glassnet.tabular.train`'s keywords and the
summary saved in a model file all read this one definition.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

TASKS = ("auto", "classification", "regression")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu")
DTYPES = ("float64", "float32")


@dataclass(frozen=True)
class TrainSettings:
    """How :func:`glassnet.tabular.train` builds and trains a network.

    Parameters
    ----------
    hidden : tuple of int, default=(16, 8)
        Units of each hidden layer; empty for a linear or logistic model.
    activation : {"relu", "tanh", "sigmoid", "leaky_relu"}, default="relu"
        Activation of the hidden layers.
    epochs : int, default=200
        The most passes over the training rows.
    batch_size : int, default=32
        Rows per training step.
    learning_rate : float, default=1e-3
        Adam's learning rate.
    validation_split : float, default=0.2
        Fraction of rows held out for early stopping and the reported metrics;
        0 trains on every row for ``epochs`` epochs.
    patience : int, default=10
        Epochs without improvement of the validation loss before stopping.
    seed : int or None, default=0
        Seeds the split, the initial weights and the shuffling.
    dtype : {"float64", "float32"}, default="float64"
        Floating-point type of the network.
    """

    hidden: tuple[int, ...] = (16, 8)
    activation: str = "relu"
    epochs: int = 200
    batch_size: int = 32
    learning_rate: float = 1e-3
    validation_split: float = 0.2
    patience: int = 10
    seed: int | None = 0
    dtype: str = "float64"

    def to_dict(self) -> dict:
        """Return the settings as JSON-able data (``hidden`` as a list)."""
        data = dataclasses.asdict(self)
        data["hidden"] = list(self.hidden)
        return data


#: The defaults, for help texts and signatures.
DEFAULTS = TrainSettings()
