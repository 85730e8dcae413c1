"""``coefs_`` and ``intercepts_``: views into the network, assignable (sklearn's)."""

from __future__ import annotations

import numpy as np

#: The fitted attribute that each Dense parameter is, by its glassnet name.
_ATTRIBUTES = {"weights": "coefs_", "biases": "intercepts_"}


def write(layers, key: str, arrays) -> None:
    """Copy one array per Dense layer into its ``params[key]``, shapes checked."""
    name = _ATTRIBUTES[key]
    if len(arrays) != len(layers):
        raise ValueError(
            f"{name} must hold {len(layers)} arrays (one per layer), got {len(arrays)}"
        )
    for index, (layer, array) in enumerate(zip(layers, arrays, strict=True)):
        array, target = np.asarray(array), layer.params[key]
        if array.shape != target.shape:
            raise ValueError(
                f"{name}[{index}] has shape {array.shape}; the network's is"
                f" {target.shape}"
            )
        target[...] = array


class FittedWeights:
    """``coefs_`` and ``intercepts_`` of an estimator whose network is ``network_``."""

    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weights of each Dense layer, (n_inputs, n_units): ``MLPClassifier``'s.

        Views into ``network_``; assigning a list of arrays writes them into it
        (before the first fit, they are kept for ``partial_fit`` and
        ``warm_start``, as scikit-learn's are).
        """
        return self._weights("weights")

    @coefs_.setter
    def coefs_(self, arrays) -> None:
        self._assign("weights", arrays)

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Biases of each Dense layer, (n_units,): ``MLPClassifier``'s (assignable)."""
        return self._weights("biases")

    @intercepts_.setter
    def intercepts_(self, arrays) -> None:
        self._assign("biases", arrays)

    def _weights(self, key: str) -> list[np.ndarray]:
        if "network_" not in vars(self) and key in vars(self).get("_assigned", {}):
            return self._assigned[key]
        return [layer.params[key] for layer in self.network_.dense_layers]

    def _assign(self, key: str, arrays) -> None:
        if "network_" in vars(self):
            write(self.network_.dense_layers, key, arrays)
        else:  # the list itself: scikit-learn's tests fill it in after assigning
            self.__dict__.setdefault("_assigned", {})[key] = arrays
