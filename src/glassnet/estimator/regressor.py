"""``GlassnetRegressor``: scikit-learn's ``MLPRegressor``, trained by glassnet."""

from __future__ import annotations

from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.validation import column_or_1d

from ._base import _GlassnetMLP, _Task


class GlassnetRegressor(RegressorMixin, _GlassnetMLP):
    """Multi-layer perceptron regressor, as ``sklearn.neural_network.MLPRegressor``.

    Minimises half the squared error, for one or several outputs, with an
    identity output layer. The parameters are those of
    :class:`GlassnetClassifier` (without ``class_weight``); with
    ``early_stopping`` the validation score is R^2.

    Attributes
    ----------
    network_ : Network
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
    loss_, loss_curve_, best_loss_, validation_scores_, best_validation_score_
        As :class:`GlassnetClassifier`'s; the loss is half the squared error,
        averaged over samples and outputs (as scikit-learn reports it), plus
        the L2 penalty.
    n_iter_, t_, n_layers_, n_outputs_, coefs_, intercepts_
        As :class:`GlassnetClassifier`'s.
    out_activation_ : "identity"

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
        if not first_pass and targets.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {targets.shape[1]} outputs but the model was trained on"
                f" {self.n_outputs_}; pass the same target columns as before"
            )
        # Its gradient is of half the squared error summed over outputs (as
        # glassnet's); the loss it reports is averaged over them.
        n_outputs = targets.shape[1]
        task = _Task(
            "half_squared_error", "identity", n_outputs, loss_scale=1.0 / n_outputs
        )
        return targets, y, task

    def _add_class_weight(self, y, sample_weight, incremental):
        return sample_weight

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
