"""``GlassnetRegressor``: scikit-learn's ``MLPRegressor``, trained by glassnet."""

from __future__ import annotations

from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import column_or_1d

from ._base import _GlassnetMLP, _Task
from ._params import only_stochastic

#: The network's loss and output activation for each of scikit-learn's losses.
_LOSSES = {
    "squared_error": ("half_squared_error", "identity"),
    "poisson": ("poisson", "exp"),
}


class GlassnetRegressor(RegressorMixin, _GlassnetMLP):
    """Multi-layer perceptron regressor, as ``sklearn.neural_network.MLPRegressor``.

    Minimises half the squared error, for one or several outputs, with an
    identity output layer; or, with ``loss="poisson"``, half the Poisson
    deviance with an ``exp`` output (the log link), for counts and rates
    ``y >= 0``. The other parameters are those of :class:`GlassnetClassifier`
    (without ``class_weight``); with ``early_stopping`` the validation score
    is R^2.

    Parameters
    ----------
    loss : {"squared_error", "poisson"}, default="squared_error"

    Attributes
    ----------
    network_ : Network
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features,)
    loss_, loss_curve_, best_loss_, validation_scores_, best_validation_score_
        As :class:`GlassnetClassifier`'s; the loss is half the squared error,
        averaged over samples and outputs (as scikit-learn reports it), or
        half the Poisson deviance, plus the L2 penalty.
    n_iter_, t_, n_layers_, n_outputs_, coefs_, intercepts_
        As :class:`GlassnetClassifier`'s.
    out_activation_ : {"identity", "exp"}

    Examples
    --------
    >>> import numpy as np
    >>> from glassnet.estimator import GlassnetRegressor
    >>> X = np.linspace(-1, 1, 200).reshape(-1, 1)
    >>> reg = GlassnetRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.05,
    ...                         random_state=0)
    >>> reg.fit(X, X.ravel() ** 2).score(X, X.ravel() ** 2) > 0.95
    True
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        loss="squared_error",
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        max_fun=15000,
        dropout=0.0,
        dtype="auto",
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            dtype=dtype,
        )
        self.loss = loss

    def fit(self, X, y, sample_weight=None):
        """Train on ``X`` and ``y`` for up to ``max_iter`` epochs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : GlassnetRegressor
        """
        return self._fit(X, y, sample_weight)

    @only_stochastic
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one epoch on ``X`` and ``y``, continuing from the last call.

        Returns
        -------
        self : GlassnetRegressor
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Return predictions, shape (n_samples,) or (n_samples, n_outputs)."""
        return self._outputs_to_predictions(self._outputs(X))

    def _outputs_unchecked(self, X):
        return self.network_.predict(X)

    def _outputs_to_predictions(self, outputs):
        return outputs.ravel() if outputs.shape[1] == 1 else outputs

    def _score_function(self, y, y_pred, sample_weight=None):
        return r2_score(y, y_pred, sample_weight=sample_weight)

    def _prepare_targets(self, y, first_pass, incremental, classes):
        """Return the network's targets, ``y`` and the task."""
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        targets = y.reshape(len(y), -1)
        n_outputs = targets.shape[1]
        if n_outputs != getattr(self, "n_outputs_", n_outputs) and not first_pass:
            raise ValueError(
                f"y has {n_outputs} outputs but the model was trained on"
                f" {self.n_outputs_}; pass the same target columns as before"
            )
        loss, out_activation = _LOSSES[self.loss]
        # Its squared error's gradient is of half the squared error summed over
        # outputs (as glassnet's); the loss it reports is averaged over them.
        # Its Poisson deviance sums over outputs in both, as glassnet's.
        scale = 1.0 / n_outputs if self.loss == "squared_error" else 1.0
        task = _Task(loss, out_activation, n_outputs, loss_scale=scale)
        return targets, y, task

    def _add_class_weight(self, y, sample_weight, incremental):
        return sample_weight

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
