"""``Network``: an ordered stack of layers with a loss and an optimizer.

Its parameters live in one flat buffer (see :mod:`glassnet.parameters`).
"""

from __future__ import annotations

import math

import numpy as np

from . import layers as layers_module
from . import losses, optimizers, parameters
from ._lazy import Lazy
from ._numerics import quiet_numerics
from ._validation import (
    check_array,
    check_dtype,
    check_same_length,
    check_sample_weight,
    check_seed,
)
from .history import History, LastStep, NonFiniteLossError, non_finite_loss_message
from .layers import Dense, Layer
from .prediction import Predictor


class Network(Predictor):
    """A feed-forward neural network: ``layers`` applied in order.

    Parameters
    ----------
    layers : sequence of Layer
        For example ``[Dense(3, 4, "sigmoid"), Dense(4, 1, "sigmoid")]``; each
        layer's ``n_inputs`` must equal the previous layer's ``n_units``.
    loss : str or Loss, default="mse"
        ``"mse"``, ``"half_squared_error"``, ``"binary_crossentropy"``,
        ``"categorical_crossentropy"``, ``"poisson"`` or a ``Loss``.
    optimizer : str or Optimizer, default="sgd"
        ``"sgd"``, ``"adam"`` or an :class:`~glassnet.optimizers.Optimizer`
        (for example ``SGD(learning_rate=0.5, momentum=0.9)``).
    dtype : {"float64", "float32"} or None, default=None
        Floating-point type of parameters and computations; None keeps the
        layers' own (float64 unless they were built otherwise).
    seed : int or None, default=None
        If given, every layer's weights are drawn again, in order, from
        ``np.random.default_rng(seed)``, which then also shuffles the batches:
        the same seed gives bit-identical weights and predictions.

    Attributes
    ----------
    layers : list of Layer
    loss : Loss
    optimizer : Optimizer
    dtype : numpy.dtype
    rng : numpy.random.Generator
        Shuffles mini-batches.
    history : History or None
        The record of the last ``fit``.
    outputs_probabilities : bool
        Whether the outputs are class probabilities: the loss is a cross-entropy
        fused with the last layer's sigmoid or softmax (``predict_proba`` works).
    last_step : LastStep or None
        The targets and loss of the last training step (None before one).

    Examples
    --------
    >>> import numpy as np
    >>> from glassnet import Dense, Network
    >>> X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    >>> y = np.array([0, 1, 1, 0])
    >>> net = Network([Dense(2, 8, "tanh"), Dense(8, 1, "sigmoid")],
    ...               loss="binary_crossentropy", optimizer="adam", seed=0)
    >>> history = net.fit(X, y, epochs=2000)
    >>> net.predict(X).ravel()
    array([0, 1, 1, 0])
    """

    def __init__(
        self,
        layers,
        loss="mse",
        optimizer="sgd",
        *,
        dtype=None,
        seed: int | None = None,
    ) -> None:
        layers = list(layers) if not isinstance(layers, Layer) else [layers]
        dense = layers_module.check_stack(layers)
        self.layers = layers
        self.n_inputs, self.n_outputs = dense[0].n_inputs, dense[-1].n_units
        self.loss, self.optimizer = losses.get(loss), optimizers.get(optimizer)
        if dtype is None:
            dtype = next(iter(dense[0].params.values())).dtype
        self.dtype = check_dtype(dtype, name="Network: dtype")
        for layer in layers:
            if any(value.dtype != self.dtype for value in layer.params.values()):
                layer.set_dtype(self.dtype)
        self.seed, self.rng = seed, np.random.default_rng(check_seed(seed))
        if seed is not None:
            for layer in layers:
                layer.initialize(self.rng)
        last = layers[-1]
        fused = isinstance(last, Dense) and self.loss.fuses_with(last.activation)
        self.outputs_probabilities = fused
        # Layers below the last, top down, and whether each must return dL/dinputs:
        # the first layer's would be dL/dX, which training never needs.
        self._backward_plan = [
            (layer, index > 0)
            for index, layer in reversed(list(enumerate(layers[:-1])))
        ]
        self._pack_parameters()
        self.history = History()
        #: JSON-able data saved with the model, such as its preprocessing.
        self.metadata: dict = {}
        self.stop_training = False
        self.last_step: LastStep | None = None

    def __setstate__(self, state: dict) -> None:
        # Pickling (joblib, Dask) copies each view into an array of its own:
        # make them views into one buffer again.
        self.__dict__.update(state)
        self._pack_parameters()

    def _pack_parameters(self) -> None:
        flat = parameters.pack(self.layers, self.dtype)
        self._param_buffer, self._grad_buffer = flat.values, flat.gradients
        self._params, self._grads = flat.named_values, flat.named_gradients

    # -- configuration --------------------------------------------------------

    def get_config(self) -> dict:
        """Return the architecture, loss, optimizer and dtype as JSON-able data.

        Together with the parameters (``state_dict``), the optimizer's state and
        ``rng``'s state it describes the network completely; model files store it.
        """
        return {
            "layers": [
                {"class": type(layer).__name__, "config": layer.get_config()}
                for layer in self.layers
            ],
            "loss": {"name": self.loss.name, "config": self.loss.get_config()},
            "optimizer": {
                "name": self.optimizer.name,
                "config": self.optimizer.get_config(),
            },
            "dtype": self.dtype.name,
        }

    @classmethod
    def from_config(cls, config: dict) -> Network:
        """Build a network from ``get_config()`` output (weights freshly drawn).

        Raises
        ------
        ValueError
            If the config names an unknown layer, activation, loss or optimizer,
            or its arguments are invalid.
        """
        try:
            layers = [
                layers_module.from_config(entry["class"], entry["config"])
                for entry in config["layers"]
            ]
            loss = losses.from_config(config["loss"]["name"], config["loss"]["config"])
            optimizer = optimizers.from_config(
                config["optimizer"]["name"], config["optimizer"]["config"]
            )
            return cls(layers, loss=loss, optimizer=optimizer, dtype=config["dtype"])
        except (KeyError, TypeError) as error:
            raise ValueError(f"invalid network config: {error!r}") from None

    # -- inspection -----------------------------------------------------------

    @property
    def epochs_trained(self) -> int:
        """Number of epochs this network has trained, over all ``fit`` calls."""
        return self.history.n_epochs

    @property
    def dense_layers(self) -> list[Dense]:
        """The ``Dense`` layers, in order (the layers that have units)."""
        return [layer for layer in self.layers if isinstance(layer, Dense)]

    @property
    def widths(self) -> list[int]:
        """The number of inputs, then each ``Dense`` layer's units: ``[3, 4, 1]``."""
        return [self.n_inputs] + [layer.n_units for layer in self.dense_layers]

    @property
    def n_params(self) -> int:
        """Number of trainable numbers (weights and biases)."""
        return self._param_buffer.size

    @property
    def flat_parameters(self) -> np.ndarray:
        """Every parameter in one array, (n_params,): ``params`` are views of it."""
        return self._param_buffer

    @property
    def flat_gradients(self) -> np.ndarray:
        """dL/d``flat_parameters`` of the last backward pass, shape (n_params,)."""
        return self._grad_buffer

    def named_parameters(self) -> dict[str, np.ndarray]:
        """Return every parameter by dotted name, such as ``"layers.0.weights"``.

        The arrays are the network's own (views): changing them changes the network.
        """
        return dict(self._params)

    def named_gradients(self) -> dict[str, np.ndarray]:
        """Return dL/dparameter of the last backward pass, by the same names."""
        return dict(self._grads)

    def state_dict(self) -> dict[str, np.ndarray]:
        """Return a copy of every parameter by name (a snapshot for later)."""
        return {name: value.copy() for name, value in self._params.items()}

    def load_state_dict(self, state: dict[str, np.ndarray]) -> None:
        """Copy parameters from ``state`` (as made by ``state_dict``) into the network.

        Raises
        ------
        ValueError
            If a name is missing or unexpected, or a shape differs.
        """
        parameters.load_state(self._params, state)

    # -- computation ----------------------------------------------------------

    def forward(self, X) -> np.ndarray:
        """Run the forward pass and return the last layer's outputs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_inputs)

        Returns
        -------
        ndarray of shape (n_samples, n_outputs)
        """
        X = check_array(X, name="X", dtype=self.dtype, n_columns=self.n_inputs)
        return self._forward(X, training=False)

    def _forward(self, X: np.ndarray, training: bool) -> np.ndarray:
        outputs = X
        for layer in self.layers:
            outputs = layer.forward(outputs, training=training)
        return outputs

    def backward(self, grad_output) -> np.ndarray:
        """Backpropagate dL/doutputs through every layer; return dL/dX.

        Fills each layer's ``grads`` (and so :meth:`named_gradients`) after a
        :meth:`forward` call.

        Parameters
        ----------
        grad_output : ndarray of shape (n_samples, n_outputs)

        Returns
        -------
        ndarray of shape (n_samples, n_inputs)
        """
        grad = np.asarray(grad_output, dtype=self.dtype)
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
        return grad

    def _backward_from_loss(self) -> None:
        """Backpropagate the loss's gradient; the first layer skips dL/dX."""
        last = self.layers[-1]
        has_below = len(self.layers) > 1
        if self.outputs_probabilities:
            grad = last.backward_preactivations(
                self.loss.backward_fused(), input_grad=has_below
            )
        else:
            grad = last.backward(self.loss.backward(), input_grad=has_below)
        for layer, input_grad in self._backward_plan:
            grad = layer.backward(grad, input_grad=input_grad)

    def _loss(self, logits, outputs, y, sample_weight=None) -> float:
        """Return the loss: from the logits when it is fused with the activation."""
        if self.outputs_probabilities:
            return self.loss.forward_fused(logits, outputs, y, sample_weight)
        return self.loss.forward(outputs, y, sample_weight)

    def loss_and_outputs(self, X, y, sample_weight=None) -> tuple[float, np.ndarray]:
        """Return the loss and the outputs on checked data, without training.

        Parameters
        ----------
        X, y, sample_weight
            As returned by :meth:`check_data`.

        Returns
        -------
        loss : float
        outputs : ndarray of shape (n_samples, n_outputs)
        """
        logits, outputs = self._infer(X)
        return self._loss(logits, outputs, y, sample_weight), outputs

    def check_data(self, X, y, sample_weight=None, *, finite=True):
        """Return ``X``, ``y`` and ``sample_weight`` checked and converted.

        ``finite=False`` skips looking for NaN in ``X``, for callers that did.

        Raises
        ------
        ValueError
            If a shape, a dtype or a target does not fit this network.
        """
        X = check_array(X, dtype=self.dtype, n_columns=self.n_inputs, finite=finite)
        y = self.loss.check_targets(y, self.n_outputs, self.dtype)
        check_same_length(X, y)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X.shape[0], self.dtype)
        return X, y, sample_weight

    def compute_loss(self, X, y, sample_weight=None) -> float:
        """Return the loss on ``X`` and ``y`` without training."""
        X, y, sample_weight = self.check_data(X, y, sample_weight)
        with quiet_numerics():
            return self.loss_and_outputs(X, y, sample_weight)[0]

    def train_step(self, X, y, sample_weight=None) -> float:
        """Take one training step (forward, loss, backward, update) on ``X``, ``y``.

        Afterwards :meth:`intermediates` shows every array of the step.

        Returns
        -------
        float
            The loss before the update.

        Raises
        ------
        NonFiniteLossError
            If the loss is NaN or infinite (the update is then not applied).
        """
        X, y, sample_weight = self.check_data(X, y, sample_weight)
        # As in fit: a diverging step shows as a non-finite loss, not as warnings.
        with quiet_numerics():
            loss = self.forward_backward(X, y, sample_weight)
            self.apply_update()
        return loss

    def forward_backward(self, X, y, sample_weight=None) -> float:
        """Run a step's forward and backward passes, filling ``grads``; return the loss.

        The layers keep every array of the step, for ``intermediates``; nothing
        is updated (see :meth:`apply_update`).

        Parameters
        ----------
        X, y, sample_weight
            As returned by :meth:`check_data`.

        Raises
        ------
        NonFiniteLossError
            If the loss is NaN or infinite (the gradients are then not computed).
        """
        outputs = self._forward(X, training=True)
        logits = self.layers[-1].preactivations if self.outputs_probabilities else None
        loss = self._loss(logits, outputs, y, sample_weight)
        self.last_step = LastStep(y, loss)
        # Checked before any update, so a diverging run keeps its last good weights.
        if not math.isfinite(loss):
            raise NonFiniteLossError(non_finite_loss_message(loss, self._param_buffer))
        self._backward_from_loss()
        return loss

    def apply_update(self) -> None:
        """Let the optimizer update every parameter from the last gradients."""
        self.optimizer.step(
            self._params, self._grads, buffers=(self._param_buffer, self._grad_buffer)
        )

    # -- upward references: the only ones in the engine ------------------------
    # Each of these lives in the module whose one job it is, above the engine,
    # and is imported when first used; the function is the method (the network
    # is its first argument, or the keyword argument named).
    fit = Lazy("training", "fit")
    intermediates = Lazy("explain", "intermediates")
    explain = Lazy("explain", "explain")
    report = Lazy("report", "write", keyword="network")
    _repr_html_ = Lazy("report", "network_html")
    save = Lazy("modelfile", "save")

    def __repr__(self) -> str:
        return (
            f"Network({' -> '.join(map(str, self.widths))}, loss={self.loss!r},"
            f" optimizer={self.optimizer!r}, dtype={self.dtype.name})"
        )
