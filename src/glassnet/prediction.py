"""Predicting with a network: outputs, class labels and probabilities, in blocks.

:class:`Predictor` is the part of :class:`~glassnet.Network` that only reads
the weights: it keeps nothing in the layers, so the last training step stays
inspectable. It expects ``layers``, ``loss``, ``dtype``, ``n_inputs``,
``n_outputs``, ``outputs_probabilities`` and ``_param_buffer`` on the object
it is mixed into. Outputs that are NaN or infinite raise a one-line
``ValueError`` instead of becoming predictions.
"""

from __future__ import annotations

import numpy as np

from . import losses
from ._numerics import check_outputs, quiet_numerics
from ._validation import check_array
from .layers import Dense

#: Rows predicted at a time (see Predictor._predict_outputs).
_PREDICT_ROWS = 2048


class Predictor:
    """The prediction methods of :class:`~glassnet.Network`."""

    def _infer(self, X: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
        """Return the last layer's pre-activations (if Dense) and outputs for ``X``.

        Keeps nothing in the layers: the last training step stays inspectable.
        """
        hidden = X
        for layer in self.layers[:-1]:
            hidden = layer.infer(hidden)
        last = self.layers[-1]
        if isinstance(last, Dense):
            logits = last.linear(hidden)
            return logits, last.activation.apply(logits)
        return None, last.infer(hidden)

    def predict(self, X) -> np.ndarray:
        """Return predictions for ``X``.

        For a classification loss, class labels: the argmax of the outputs for
        categorical cross-entropy, shape (n_samples,); ``outputs >= 0.5`` as 0/1
        for binary cross-entropy, shape (n_samples, n_outputs). Otherwise the
        outputs themselves, shape (n_samples, n_outputs).
        """
        outputs = self._predict_outputs(X)
        if isinstance(self.loss, losses.CategoricalCrossEntropy):
            return outputs.argmax(axis=1)
        if isinstance(self.loss, losses.BinaryCrossEntropy):
            return (outputs >= 0.5).astype(np.intp)
        return outputs

    def predict_proba(self, X) -> np.ndarray:
        """Return class probabilities: the outputs of a sigmoid or softmax last layer.

        Raises
        ------
        ValueError
            If the network is not a classifier (its loss is not a cross-entropy
            after a sigmoid or softmax).
        """
        if not self.outputs_probabilities:
            raise ValueError(
                "predict_proba needs a classifier: a sigmoid output with"
                " loss='binary_crossentropy' or a softmax output with"
                f" loss='categorical_crossentropy'; this network has {self.loss!r}"
                f" after {self.layers[-1]!r}; use predict"
            )
        return self._predict_outputs(X)

    def _predict_outputs(self, X) -> np.ndarray:
        X = check_array(X, name="X", dtype=self.dtype, n_columns=self.n_inputs)
        weights = self._param_buffer
        # NaN or infinite outputs are refused in one line, not warned about.
        with quiet_numerics():
            n_samples = X.shape[0]  # sparse X has no len()
            if n_samples <= _PREDICT_ROWS:
                return check_outputs(self._infer(X)[1], weights)
            # In blocks of rows: intermediates of a few MB stay in cache and are
            # reused, where whole-set ones are hundreds of MB of fresh pages
            # (to measure: benchmarks/bench_predict.py, before and after a change).
            outputs = np.empty((n_samples, self.n_outputs), dtype=self.dtype)
            for start in range(0, n_samples, _PREDICT_ROWS):
                rows = slice(start, start + _PREDICT_ROWS)
                outputs[rows] = check_outputs(self._infer(X[rows])[1], weights, start)
        return outputs
