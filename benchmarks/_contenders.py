"""The contenders of the training and prediction benchmarks, behind one interface.

Each contender is built for layer widths such as ``(784, 128, 10)`` (ReLU hidden
layers, a softmax output, mean cross-entropy, Adam) and offers:

- ``train_epoch(X, y)``: one shuffled pass of mini-batches over ``X``, ``y``
  (float32 rows in [0, 1], int64 labels);
- ``predict_proba(X)``: class probabilities as a NumPy array.

They are glassnet, scikit-learn's ``MLPClassifier``, PyTorch on the CPU
(optional), and :class:`NumpyLoop`, a careful hand-written NumPy loop that is the
yardstick of what NumPy itself allows.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

TORCH_MISSING = "PyTorch is not importable (pip install torch): its rows are skipped"


def torch_or_none():
    """Return the ``torch`` module, or None if it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    return torch


class GlassnetMLP:
    """glassnet's ``Network``, built and trained as its README shows."""

    name = "glassnet"

    def __init__(self, widths, *, batch_size=128, learning_rate=1e-3, seed=0):
        from glassnet import Adam, Dense, Network

        pairs = list(itertools.pairwise(widths))
        layers = [Dense(n_in, n_out, "relu") for n_in, n_out in pairs[:-1]]
        layers.append(Dense(*pairs[-1], "softmax"))
        self.network = Network(
            layers,
            loss="categorical_crossentropy",
            optimizer=Adam(learning_rate),
            dtype="float32",
            seed=seed,
        )
        self.batch_size = batch_size

    def train_epoch(self, X, y):
        self.network.fit(X, y, epochs=1, batch_size=self.batch_size)

    def predict_proba(self, X):
        return self.network.predict_proba(X)


class SklearnMLP:
    """scikit-learn's ``MLPClassifier``, one epoch per ``partial_fit`` call.

    ``partial_fit`` is exactly one shuffled pass over the data (``fit`` with
    ``max_iter=1`` is the same pass plus a ``ConvergenceWarning``). ``alpha=0``
    turns off the L2 penalty, which the other contenders do not have; float32
    input stays float32 inside scikit-learn >= 1.3.
    """

    name = "scikit-learn"

    def __init__(self, widths, *, batch_size=128, learning_rate=1e-3, seed=0):
        from sklearn.neural_network import MLPClassifier

        self.model = MLPClassifier(
            hidden_layer_sizes=tuple(widths[1:-1]),
            activation="relu",
            solver="adam",
            alpha=0.0,
            batch_size=batch_size,
            learning_rate_init=learning_rate,
            shuffle=True,
            random_state=seed,
        )
        self.classes = np.arange(widths[-1])

    def train_epoch(self, X, y):
        self.model.partial_fit(X, y, classes=self.classes)

    def predict_proba(self, X):
        return self.model.predict_proba(X)


class TorchMLP:
    """PyTorch on the CPU: ``nn.Sequential``, Adam, batches by a random permutation.

    The data stay in memory as tensors that share NumPy's buffers
    (``torch.from_numpy``, no copy) and each batch is one ``index_select``:
    faster than the textbook ``DataLoader`` loop, which collates sample by sample.
    """

    name = "PyTorch"

    def __init__(self, widths, *, batch_size=128, learning_rate=1e-3, seed=0):
        import torch
        from torch import nn

        self.torch = torch
        torch.manual_seed(seed)
        pairs = list(itertools.pairwise(widths))
        modules = []
        for index, (n_in, n_out) in enumerate(pairs):
            modules.append(nn.Linear(n_in, n_out))
            if index < len(pairs) - 1:
                modules.append(nn.ReLU())
        self.model = nn.Sequential(*modules)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=learning_rate)
        self.loss = nn.CrossEntropyLoss()  # takes logits: softmax is fused in
        self.generator = torch.Generator().manual_seed(seed)
        self.batch_size = batch_size

    def train_epoch(self, X, y):
        torch = self.torch
        X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)
        order = torch.randperm(len(X_t), generator=self.generator)
        self.model.train()
        for start in range(0, len(X_t), self.batch_size):
            rows = order[start : start + self.batch_size]
            self.optimizer.zero_grad(set_to_none=True)
            loss = self.loss(self.model(X_t.index_select(0, rows)), y_t[rows])
            loss.backward()
            self.optimizer.step()

    def predict_proba(self, X):
        torch = self.torch
        self.model.eval()
        with torch.inference_mode():
            return torch.softmax(self.model(torch.from_numpy(X)), dim=1).numpy()


class NumpyLoop:
    """A careful hand-written float32 training loop: the yardstick for NumPy.

    What makes it fast (see shared/PERFORMANCE.md, "The careful hand-written
    loop"):

    - parameters, gradients and both Adam moments each live in one flat buffer,
      with every weight and bias array a view into it, so Adam is a dozen
      whole-buffer ufunc calls per step, whatever the depth;
    - every array is preallocated: the batch is gathered with
      ``np.take(..., out=)``, each product written with ``np.matmul(..., out=)``,
      ReLU, softmax and the loss gradient computed in place;
    - the ReLU derivative is a multiplication by a preallocated mask;
    - no gradient with respect to the input data (nobody needs dL/dX).

    Weights are He-uniform for the ReLU layers and Glorot-uniform for the
    output layer, biases zero (as glassnet's ``init="auto"``).
    """

    name = "NumPy loop"

    def __init__(
        self,
        widths,
        *,
        batch_size=128,
        learning_rate=1e-3,
        seed=0,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        dtype=np.float32,
    ):
        self.rng = np.random.default_rng(seed)
        self.shapes = list(itertools.pairwise(widths))
        self.batch_size = batch_size
        self.learning_rate, self.beta_1, self.beta_2 = learning_rate, beta_1, beta_2
        self.epsilon, self.dtype = epsilon, np.dtype(dtype)
        total = sum(n_in * n_out + n_out for n_in, n_out in self.shapes)
        self.params = np.empty(total, dtype=dtype)
        self.grads = np.zeros(total, dtype=dtype)
        self.m = np.zeros(total, dtype=dtype)
        self.v = np.zeros(total, dtype=dtype)
        self.work = np.empty(total, dtype=dtype)
        self.weights, self.biases, self.weight_grads, self.bias_grads = [], [], [], []
        offset = 0
        for index, (n_in, n_out) in enumerate(self.shapes):
            for size, shape, values, grads in (
                (n_in * n_out, (n_in, n_out), self.weights, self.weight_grads),
                (n_out, (n_out,), self.biases, self.bias_grads),
            ):
                values.append(self.params[offset : offset + size].reshape(shape))
                grads.append(self.grads[offset : offset + size].reshape(shape))
                offset += size
            is_output = index == len(self.shapes) - 1
            limit = math.sqrt(6 / (n_in + n_out) if is_output else 6 / n_in)
            self.weights[-1][...] = self.rng.uniform(-limit, limit, (n_in, n_out))
            self.biases[-1][...] = 0
        # Buffers for a full batch; a shorter last batch uses their first rows
        # (still C-contiguous).
        self.inputs = np.empty((batch_size, widths[0]), dtype=dtype)
        self.labels = np.empty(batch_size, dtype=np.intp)
        self.outputs = [np.empty((batch_size, n), dtype=dtype) for n in widths[1:]]
        self.deltas = [np.empty((batch_size, n), dtype=dtype) for n in widths[1:-1]]
        self.masks = [np.empty((batch_size, n), dtype=bool) for n in widths[1:-1]]
        self.row_values = np.empty(batch_size, dtype=dtype)
        self.rows = np.arange(batch_size)
        self.n_steps = 0
        self._predict_buffers: list[np.ndarray] = []

    def train_epoch(self, X, y):
        """Run one shuffled epoch; return the mean loss (measured before each step)."""
        n_samples = len(X)
        order = self.rng.permutation(n_samples)
        total = 0.0
        for start in range(0, n_samples, self.batch_size):
            total += self._step(X, y, order[start : start + self.batch_size])
        return total / n_samples

    def _forward(self, inputs, outputs):
        """Fill ``outputs`` (one buffer per layer); the last holds the logits."""
        below = inputs
        last = len(self.shapes) - 1
        for index, (weights, biases) in enumerate(
            zip(self.weights, self.biases, strict=True)
        ):
            z = outputs[index]
            np.matmul(below, weights, out=z)
            z += biases
            if index < last:
                np.maximum(z, 0, out=z)
            below = z
        return below

    def _step(self, X, y, rows):
        n = len(rows)
        inputs = self.inputs[:n]
        # mode="clip" skips the bounds check; with out=, mode="raise" would also
        # gather into a temporary first.
        np.take(X, rows, axis=0, out=inputs, mode="clip")
        labels = np.take(y, rows, out=self.labels[:n], mode="clip")
        outputs = [buffer[:n] for buffer in self.outputs]
        logits = self._forward(inputs, outputs)
        loss = self._loss_and_delta(logits, labels)
        delta = logits

        for index in range(len(self.shapes) - 1, -1, -1):
            below = outputs[index - 1] if index else inputs
            np.matmul(below.T, delta, out=self.weight_grads[index])
            np.sum(delta, axis=0, out=self.bias_grads[index])
            if index:
                grad_below = self.deltas[index - 1][:n]
                np.matmul(delta, self.weights[index].T, out=grad_below)
                mask = np.greater(below, 0, out=self.masks[index - 1][:n])
                np.multiply(grad_below, mask, out=grad_below)
                delta = grad_below
        self._adam()
        return loss

    def _loss_and_delta(self, logits, labels):
        """Return the batch's summed loss; turn ``logits`` into dL/dlogits in place.

        Softmax and cross-entropy: after the shift by the row max,
        loss_i = log(sum_j exp(z_ij)) - z_i,label; then dL/dz = (p - onehot) / n.
        """
        n = len(labels)
        row_values = self.row_values[:n]
        np.max(logits, axis=1, out=row_values)
        logits -= row_values[:, None]
        picked = logits[self.rows[:n], labels]
        np.exp(logits, out=logits)
        np.sum(logits, axis=1, out=row_values)
        loss = float(np.log(row_values).sum() - picked.sum())
        logits /= row_values[:, None]
        logits[self.rows[:n], labels] -= 1
        logits *= 1 / n
        return loss

    def _adam(self):
        """Update all parameters at once: a dozen passes over the flat buffers."""
        self.n_steps += 1
        beta_1, beta_2, work = self.beta_1, self.beta_2, self.work
        step_size = self.learning_rate / (1 - beta_1**self.n_steps)
        root_correction = 1 / math.sqrt(1 - beta_2**self.n_steps)
        self.m *= beta_1
        np.multiply(self.grads, 1 - beta_1, out=work)
        self.m += work
        self.v *= beta_2
        np.multiply(self.grads, self.grads, out=work)
        work *= 1 - beta_2
        self.v += work
        np.sqrt(self.v, out=work)
        work *= root_correction
        work += self.epsilon
        np.divide(self.m, work, out=work)
        work *= step_size
        self.params -= work

    def predict_proba(self, X):
        X = np.asarray(X, dtype=self.dtype)
        n = len(X)
        # Output buffers are kept between calls of the same size: the careful
        # loop preallocates, so it does not pay for fresh pages each time.
        if not self._predict_buffers or len(self._predict_buffers[0]) != n:
            self._predict_buffers = [
                np.empty((n, n_out), dtype=self.dtype) for _, n_out in self.shapes
            ]
        probs = self._forward(X, self._predict_buffers)
        probs -= probs.max(axis=1, keepdims=True)
        np.exp(probs, out=probs)
        probs /= probs.sum(axis=1, keepdims=True)
        return probs


def contender_classes(include_torch: bool = True) -> list[type]:
    """Return the contenders to run, glassnet first; PyTorch only if importable."""
    classes = [GlassnetMLP, NumpyLoop, SklearnMLP]
    if include_torch and torch_or_none() is not None:
        classes.append(TorchMLP)
    return classes


def dense_flops(widths, n_samples: int) -> int:
    """Return the training flops of the dense layers: 6 x samples x n_in x n_out each.

    2 for the forward product, 2 for dL/dweights and 2 for dL/dinputs (counted
    for every layer, as is customary, even though the first layer's is skipped).
    """
    return 6 * n_samples * sum(a * b for a, b in itertools.pairwise(widths))
