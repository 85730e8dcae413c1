"""The training settings of a table model, with their defaults, written once.

``glassnet train``'s options, :func:`glassnet.tabular.train`'s keywords and the
summary saved in a model file all read this one definition.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

TASKS = ("auto", "classification", "regression")
ACTIVATIONS = ("relu", "tanh", "sigmoid", "leaky_relu")
DTYPES = ("float64", "float32")


@dataclass(frozen=True)
class TrainSettings:
    """How :func:`glassnet.tabular.train` builds and trains a network.

    The defaults are those that won the tables benchmark (``python -m
    benchmarks --only tables``): five networks of one hidden layer, each
    trained on four fifths of the rows and stopped early on the fifth it did
    not see, averaged as one network; numbers robust-scaled, clipped and
    binned; a learning rate that warms up, then decays.

    Parameters
    ----------
    hidden : tuple of int, default=(128,)
        Units of each hidden layer of each member; empty for a linear or
        logistic model.
    activation : {"relu", "tanh", "sigmoid", "leaky_relu"}, default="relu"
        Activation of the hidden layers.
    epochs : int, default=100
        The most passes over the training rows; the learning rate's warm-up
        and cosine decay span them.
    batch_size : int or None, default=None
        Rows per training step; None chooses by the training rows: about
        rows / 64, a power of two from 32 to 256.
    learning_rate : float, default=1e-3
        Adam's learning rate at its peak, after 3 epochs of warm-up.
    validation_split : float, default=0.2
        With one member: the fraction of rows held out for early stopping and
        the reported metrics; 0 trains on every row for ``epochs`` epochs.
        With more, each member holds out its own fold instead.
    patience : int, default=20
        Epochs without improvement of the validation loss before stopping.
    members : int, default=5
        Networks in the ensemble: the rows are cut into this many folds, and
        member ``i`` trains on all but fold ``i`` and stops early on it. Their
        mean output is the prediction (:func:`glassnet.ensembles.side_by_side`);
        the validation metrics are out-of-fold, on every row. 1 trains one
        network.
    bins : int, default=16
        Piecewise-linear bins for each number column, which is then
        robust-scaled and smoothly clipped
        (:mod:`glassnet.tabular.binned`); 0 standardises numbers instead.
    seed : int or None, default=0
        Seeds the split, the initial weights and the shuffling.
    dtype : {"float32", "float64"}, default="float32"
        Floating-point type of the network: float32 trains about twice as fast,
        and predicts the tables benchmark's tables as well.
    """

    hidden: tuple[int, ...] = (128,)
    activation: str = "relu"
    epochs: int = 100
    batch_size: int | None = None
    learning_rate: float = 1e-3
    validation_split: float = 0.2
    patience: int = 20
    members: int = 5
    bins: int = 16
    seed: int | None = 0
    dtype: str = "float32"

    def batch_size_for(self, n_rows: int) -> int:
        """Return the batch size for ``n_rows`` training rows (see ``batch_size``)."""
        if self.batch_size is not None:
            return self.batch_size
        power = round(math.log2(max(n_rows, 1) / 64))
        return int(min(256, max(32, 2**power)))

    def to_dict(self) -> dict:
        """Return the settings as JSON-able data (``hidden`` as a list)."""
        data = dataclasses.asdict(self)
        data["hidden"] = list(self.hidden)
        return data


#: The defaults, for help texts and signatures.
DEFAULTS = TrainSettings()
