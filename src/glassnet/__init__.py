"""glassnet: a neural-network library you can see through.

The public API, re-exported from the modules that define it.
"""

from . import activations, callbacks, initializers, layers, losses, optimizers
from .activations import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from .callbacks import Callback, LambdaCallback
from .layers import Dense, Layer
from .losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    HalfSquaredError,
    MeanSquaredError,
)
from .network import Network
from .optimizers import SGD, Adam
from .training import History, NonFiniteLossError

__version__ = "0.1.0"

__all__ = [
    "SGD",
    "Adam",
    "BinaryCrossEntropy",
    "Callback",
    "CategoricalCrossEntropy",
    "Dense",
    "HalfSquaredError",
    "History",
    "Identity",
    "LambdaCallback",
    "Layer",
    "LeakyReLU",
    "MeanSquaredError",
    "Network",
    "NonFiniteLossError",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "activations",
    "callbacks",
    "initializers",
    "layers",
    "losses",
    "optimizers",
]
