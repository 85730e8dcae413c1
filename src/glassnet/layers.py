"""Layers: the ``Layer`` protocol and the fully connected ``Dense`` layer.

A layer holds ``params`` and ``grads``, two dicts with identical keys and shapes.
``forward`` keeps what ``backward`` needs; ``backward(grad_output)`` fills
``grads`` and returns the gradient for the layer below.
"""

from __future__ import annotations

import itertools

import numpy as np

from . import activations, initializers
from ._config import Configurable
from ._validation import check_dtype, check_positive_int


class Layer(Configurable):
    """Base class of every layer.

    Attributes
    ----------
    params : dict of str to ndarray
        Trainable arrays by name (``"weights"``, ``"biases"``).
    grads : dict of str to ndarray
        dL/dparams, same keys and shapes as ``params``; filled by ``backward``.
    inputs : ndarray or None
        The last forward pass's inputs (the tutorials' ``l0``, ``l1``...).
    outputs : ndarray or None
        The last forward pass's outputs.
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.inputs: np.ndarray | None = None
        self.outputs: np.ndarray | None = None

    def forward(self, inputs: np.ndarray, *, training: bool = False) -> np.ndarray:
        """Map ``inputs`` of shape (n_samples, n_inputs) to the layer's outputs."""
        raise NotImplementedError

    def backward(
        self, grad_output: np.ndarray, *, input_grad: bool = True
    ) -> np.ndarray | None:
        """Take dL/doutputs, fill ``grads``, return dL/dinputs (None if not wanted)."""
        raise NotImplementedError

    def infer(self, inputs: np.ndarray) -> np.ndarray:
        """Map ``inputs`` to outputs for prediction, keeping nothing for backward.

        The last training step's arrays (``inputs``, ``outputs``...) stay as they
        were, for learners to inspect.
        """
        raise NotImplementedError

    def initialize(self, rng=None) -> None:
        """Draw fresh initial values for ``params`` (in place)."""

    def set_dtype(self, dtype) -> None:
        """Convert ``params`` and ``grads`` to ``dtype`` (float32 or float64)."""
        dtype = check_dtype(dtype)
        self.params = {name: value.astype(dtype) for name, value in self.params.items()}
        self.grads = {name: value.astype(dtype) for name, value in self.grads.items()}


class Dense(Layer):
    """Fully connected layer: ``outputs = activation(inputs @ weights + biases)``.

    Parameters
    ----------
    n_inputs : int
        Width of the incoming activations (rows of ``weights``).
    n_units : int
        Number of neurons (columns of ``weights``).
    activation : str or Activation, default="identity"
        ``"identity"``, ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``,
        ``"softmax"``, or an :class:`~glassnet.activations.Activation` instance.
    use_bias : bool, default=True
        Add a bias per unit. The tutorials have none: ``use_bias=False``.
    init : {"auto", "glorot_uniform", "he_uniform", "he_normal", "tutorial", "zeros"}, \
default="auto"
        How ``weights`` are drawn; ``"auto"`` is He for ReLU-like activations and
        Glorot otherwise; ``"tutorial"`` is ``2 * random(shape) - 1``. Biases start
        at zero.
    rng : int, numpy.random.Generator, numpy.random.RandomState or None, default=None
        Source of the initial weights. A ``Network`` built with ``seed=`` draws
        all layers again from one generator.
    dtype : {"float64", "float32"}, default="float64"
        Floating-point type of the parameters.

    Attributes
    ----------
    params : dict
        ``"weights"`` of shape (n_inputs, n_units) (the tutorials' ``syn0``) and,
        with ``use_bias``, ``"biases"`` of shape (n_units,).
    grads : dict
        dL/dparams, same keys and shapes.
    preactivations : ndarray of shape (n_samples, n_units) or None
        ``z = inputs @ weights + biases`` of the last forward pass.
    grad_outputs : ndarray of shape (n_samples, n_units) or None
        dL/doutputs received by the last ``backward`` call.
    grad_preactivations : ndarray of shape (n_samples, n_units) or None
        dL/dz of the last backward pass; the tutorials' delta is its negative.

    Examples
    --------
    >>> import numpy as np
    >>> layer = Dense(3, 2, activation="sigmoid", rng=0)
    >>> layer.params["weights"].shape
    (3, 2)
    >>> layer.forward(np.ones((4, 3))).shape
    (4, 2)
    """

    def __init__(
        self,
        n_inputs: int,
        n_units: int,
        activation="identity",
        *,
        use_bias: bool = True,
        init: str = "auto",
        rng=None,
        dtype="float64",
    ) -> None:
        super().__init__()
        self.n_inputs = check_positive_int(n_inputs, name="Dense: n_inputs")
        self.n_units = check_positive_int(n_units, name="Dense: n_units")
        if not isinstance(use_bias, bool):
            raise ValueError(f"Dense: use_bias must be True or False, got {use_bias!r}")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        initializers.get(init, self.activation.name)  # fail now on an unknown name
        self.init = init
        dtype = check_dtype(dtype, name="Dense: dtype")
        self.params["weights"] = np.empty((self.n_inputs, self.n_units), dtype=dtype)
        if use_bias:
            self.params["biases"] = np.empty(self.n_units, dtype=dtype)
        self.grads = {name: np.zeros_like(value) for name, value in self.params.items()}
        self.preactivations: np.ndarray | None = None
        self.grad_outputs: np.ndarray | None = None
        self.grad_preactivations: np.ndarray | None = None
        self.initialize(rng)

    def initialize(self, rng=None) -> None:
        draw = initializers.get(self.init, self.activation.name)
        # In place: the arrays may be views into a network's parameter buffer.
        self.params["weights"][...] = draw(
            (self.n_inputs, self.n_units), initializers.as_rng(rng)
        )
        if self.use_bias:
            self.params["biases"][...] = 0.0

    def linear(self, inputs: np.ndarray) -> np.ndarray:
        """Return ``z = inputs @ weights + biases``, shape (n_samples, n_units)."""
        z = inputs.dot(self.params["weights"])
        if self.use_bias:
            z += self.params["biases"]
        return z

    def forward(self, inputs, *, training=False):
        """Map ``inputs`` of shape (n_samples, n_inputs) to (n_samples, n_units)."""
        self.inputs = inputs
        # linear() written out: on the tutorials' 4 rows a call costs as much as
        # the arithmetic. Products are .dot, not @: the same BLAS call for about
        # half the overhead on tiny arrays.
        z = self.preactivations = inputs.dot(self.params["weights"])
        if self.use_bias:
            z += self.params["biases"]
        self.outputs = self.activation.forward(z)
        return self.outputs

    def infer(self, inputs):
        z = self.linear(inputs)
        return self.activation.apply(z, out=z)

    def backward(self, grad_output, *, input_grad=True):
        """Take dL/doutputs (n_samples, n_units); fill ``grads``; return dL/dinputs."""
        self.grad_outputs = grad_output
        return self.backward_preactivations(
            self.activation.backward(grad_output), input_grad=input_grad
        )

    def backward_preactivations(self, grad_z, *, input_grad=True):
        """Like ``backward``, from dL/dz directly (used by fused losses).

        Parameters
        ----------
        grad_z : ndarray of shape (n_samples, n_units)
            dL/dz, the gradient with respect to the pre-activations.
        input_grad : bool, default=True
            Also return dL/dinputs; the first layer of a network does not need it.

        Returns
        -------
        ndarray of shape (n_samples, n_inputs) or None
        """
        self.grad_preactivations = grad_z
        # Written into the existing arrays: they are views into the network's
        # gradient buffer, which the optimizer reads.
        if isinstance(self.inputs, np.ndarray):
            np.dot(self.inputs.T, grad_z, out=self.grads["weights"])
        else:  # sparse inputs (SciPy CSR): X.T @ grad is dense
            self.grads["weights"][...] = self.inputs.T @ grad_z
        if self.use_bias:
            np.sum(grad_z, axis=0, out=self.grads["biases"])
        if input_grad:
            return grad_z.dot(self.params["weights"].T)
        return None

    def get_config(self):
        config = {
            "n_inputs": self.n_inputs,
            "n_units": self.n_units,
            "activation": self.activation.name,
            "use_bias": self.use_bias,
            "init": self.init,
        }
        if self.activation.get_config():
            config["activation_config"] = self.activation.get_config()
        return config


class Dropout(Layer):
    """Inverted dropout: zero each input with probability ``rate`` while training.

    Kept inputs are scaled by ``1 / (1 - rate)`` so that the expected activation
    is unchanged; at prediction the layer passes its inputs through untouched.

    Parameters
    ----------
    rate : float
        Fraction of inputs to drop, in [0, 1).
    rng : int, numpy.random.Generator or None, default=None
        Source of the masks. A ``Network`` built with ``seed=`` gives the layer
        its own generator, so runs are reproducible.

    Attributes
    ----------
    mask : ndarray of shape (n_samples, n_inputs) or None
        The last training pass's mask, already scaled (0 or ``1 / (1 - rate)``).

    References
    ----------
    Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from
    Overfitting", JMLR 2014.
    """

    _not_config = ("rng",)

    def __init__(self, rate: float, *, rng=None) -> None:
        super().__init__()
        if not (isinstance(rate, int | float) and 0.0 <= rate < 1.0):
            raise ValueError(f"Dropout: rate must be a number in [0, 1), got {rate!r}")
        self.rate = float(rate)
        self.mask: np.ndarray | None = None
        self.initialize(rng)

    def initialize(self, rng=None) -> None:
        generator = initializers.as_rng(rng)
        if not isinstance(generator, np.random.Generator):
            raise ValueError(
                "Dropout: rng must be a numpy.random.Generator, an int or None"
            )
        self.rng = generator

    def forward(self, inputs, *, training=False):
        self.inputs = inputs
        if not training or self.rate == 0.0:
            self.mask = None
            self.outputs = inputs
            return inputs
        keep = self.rng.random(inputs.shape, dtype=inputs.dtype) >= self.rate
        self.mask = keep * inputs.dtype.type(1.0 / (1.0 - self.rate))
        self.outputs = inputs * self.mask
        return self.outputs

    def backward(self, grad_output, *, input_grad=True):
        if not input_grad:
            return None
        return grad_output if self.mask is None else grad_output * self.mask

    def infer(self, inputs):
        return inputs


_LAYERS = {cls.__name__: cls for cls in (Dense, Dropout)}


def check_stack(layers: list) -> list[Dense]:
    """Return the ``Dense`` layers of a network's stack, or raise if it cannot work.

    Raises
    ------
    ValueError
        If ``layers`` is empty, holds a non-layer or no ``Dense`` layer, or the
        widths of two successive ``Dense`` layers do not match.
    """
    if not layers:
        raise ValueError(
            "Network: layers must be a non-empty list such as [Dense(3, 1)]"
        )
    for index, layer in enumerate(layers):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Network: layers[{index}] must be a Layer such as Dense(3, 4),"
                f" got {layer!r}"
            )
    dense = [layer for layer in layers if isinstance(layer, Dense)]
    if not dense:
        raise ValueError("Network: layers must contain at least one Dense layer")
    for below, above in itertools.pairwise(dense):
        if below.n_units != above.n_inputs:
            raise ValueError(
                f"Network: {above!r} expects {above.n_inputs} inputs but the layer"
                f" below it, {below!r}, has {below.n_units} units"
            )
    return dense


def from_config(class_name: str, config: dict) -> Layer:
    """Rebuild a layer from its class name and ``get_config()`` (for model files).

    The weights are not part of the config: they are loaded separately.
    """
    try:
        cls = _LAYERS[class_name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown layer {class_name!r}; expected one of {sorted(_LAYERS)}"
        ) from None
    config = dict(config)
    if cls is Dense and "activation_config" in config:
        activation_config = config.pop("activation_config")
        config["activation"] = activations.from_config(
            config["activation"], activation_config
        )
    return cls(**config)
