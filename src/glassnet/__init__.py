"""glassnet: a neural-network library you can see through.

The public API, re-exported from the modules that define it.
"""

from . import (
    activations,
    callbacks,
    initializers,
    layers,
    losses,
    metrics,
    modelfile,
    optimizers,
    schedules,
)
from ._version import __version__ as __version__
from .activations import Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh
from .callbacks import (
    Callback,
    EarlyStopping,
    LambdaCallback,
    LearningRateScheduler,
    ModelCheckpoint,
    ReduceLROnPlateau,
)
from .export import export_onnx
from .history import History, NonFiniteLossError
from .layers import Dense, Dropout, Layer
from .live import LiveView
from .losses import (
    BinaryCrossEntropy,
    CategoricalCrossEntropy,
    HalfSquaredError,
    MeanSquaredError,
)
from .modelfile import ModelFileError, load
from .network import Network
from .optimizers import SGD, Adam

__all__ = [
    "SGD",
    "Adam",
    "BinaryCrossEntropy",
    "Callback",
    "CategoricalCrossEntropy",
    "Dense",
    "Dropout",
    "EarlyStopping",
    "HalfSquaredError",
    "History",
    "Identity",
    "LambdaCallback",
    "Layer",
    "LeakyReLU",
    "LearningRateScheduler",
    "LiveView",
    "MeanSquaredError",
    "ModelCheckpoint",
    "ModelFileError",
    "Network",
    "NonFiniteLossError",
    "ReLU",
    "ReduceLROnPlateau",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "activations",
    "callbacks",
    "export_onnx",
    "initializers",
    "layers",
    "load",
    "losses",
    "metrics",
    "modelfile",
    "optimizers",
    "schedules",
]
