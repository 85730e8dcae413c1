"""Why this prediction: integrated gradients of one row, per original column.

Integrated gradients (Sundararajan, Taly and Yan, "Axiomatic Attribution for
Deep Networks", ICML 2017) walk the straight path from a baseline input to the
row, add up the gradient of the output along the way, and multiply by how far
each input moved. The contributions add up to the output at the row minus the
output at the baseline (completeness), so they split the prediction's change
between the inputs; a column's contribution is the sum over its encoded inputs
(a text column's one-hot features, a number's value, bins and missing indicator).

The baseline is the encoded row whose every cell is missing, with its missing
indicators off: what the model fills a missing cell with. A number sits at its
training centre (the mean, or the median with its bins), yes/no at its fill
value, text has no category (all one-hot zeros). The all-zeros input would be
simpler, but zero bins mean "below the smallest value", so a number near its
median would get a large contribution just for being there. The integral is a
midpoint Riemann sum over ``steps`` points, whose error shrinks as 1 / steps²
for a smooth network.
"""

from __future__ import annotations

import copy
import dataclasses

import numpy as np
import pandas as pd

from ..network import Network
from ._cells import as_text, check_frame
from .importance import as_model, feature_spans
from .model import TabularModel


@dataclasses.dataclass(frozen=True)
class Attribution:
    """Each original column's contribution to one row's prediction.

    Attributes
    ----------
    columns : list of str
        The model's input columns, in the model's order.
    values : list of str
        The row's cells in those columns, as written.
    contributions : ndarray of shape (n_columns,)
        What each column added to ``output`` on the way from the baseline.
    output : float
        The explained number for the row: the predicted class's probability
        (classification) or the prediction in the target's units (regression).
    baseline_output : float
        The same number for the baseline input.
    explained : str
        What ``output`` is, in words: ``"probability of 'yes'"`` or the target.
    prediction : str
        The predicted class (quoted), or the predicted value, as text.
    task : {"classification", "regression"}
    """

    columns: list[str]
    values: list[str]
    contributions: np.ndarray
    output: float
    baseline_output: float
    explained: str
    prediction: str
    task: str = "classification"

    def to_text(self) -> str:
        """Return an aligned table, one line per column, and what it means."""
        width = max(len("column"), *(len(column) for column in self.columns))
        shown = [
            value if len(value) <= 24 else value[:21] + "..." for value in self.values
        ]
        value_width = max(len("value"), *(len(value) for value in shown))
        lines = [f"{'column':<{width}}  {'value':<{value_width}}  {'contribution':>12}"]
        lines += [
            f"{column:<{width}}  {value:<{value_width}}  {part:>+12.4f}"
            for column, value, part in zip(
                self.columns, shown, self.contributions, strict=True
            )
        ]
        lines.append(f"Predicted: {self.prediction}. {self.sentence()}")
        return "\n".join(lines)

    def sentence(self) -> str:
        """Return one sentence on what the contributions mean."""
        if self.task == "classification":
            signs = (
                f"positive pushed the prediction towards {self.prediction},"
                " negative away from it"
            )
        else:
            signs = "positive pushed the prediction up, negative down"
        return (
            f"Each number is how much the column moved the {self.explained} from"
            f" {self.baseline_output:.4g} (for a row of average cells: numbers at"
            f" their training centre, no category) to {self.output:.4g} for this"
            f" row: {signs}; together they add up to the difference."
        )


def integrated_gradients(
    model: TabularModel | Network,
    frame: pd.DataFrame,
    row: int = 0,
    *,
    steps: int = 64,
) -> Attribution:
    """Return each original column's contribution to one row's prediction.

    Parameters
    ----------
    model : TabularModel or Network
        A model made by :func:`glassnet.tabular.train`.
    frame : DataFrame
        The rows (the target column may be absent; it is ignored).
    row : int, default=0
        The row's position in ``frame`` (0 is the first).
    steps : int, default=64
        Points of the Riemann sum along the path from the baseline to the row.

    Returns
    -------
    Attribution
        For a classifier, contributions to the probability of the predicted
        class; for a regression, to the prediction in the target's units.

    Raises
    ------
    ValueError
        If ``row`` is out of range or ``steps`` is not a positive integer.

    Examples
    --------
    >>> why = integrated_gradients(model, passengers, row=3)  # doctest: +SKIP
    >>> print(why.to_text())  # doctest: +SKIP
    """
    if not (isinstance(steps, int) and steps >= 1):
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    model = as_model(model)
    prep, frame = model.preprocessor, check_frame(frame)
    if not (isinstance(row, int) and 0 <= row < len(frame)):
        raise ValueError(
            f"row {row!r} is out of range: the data has {len(frame)} rows,"
            f" numbered 0 to {len(frame) - 1}"
        )
    x = prep.transform(frame.iloc[[row]])[0]
    baseline = centre_baseline(prep)
    ends = output_and_gradient(model.network, np.stack([x, baseline]), 0)[0]
    if prep.task == "classification":
        output, scale, shift = int(np.argmax(ends[0])), 1.0, 0.0
        prediction = repr(prep.target_codec.class_names[output])
        explained = f"probability of {prediction}"
    else:
        output, scale, shift = 0, prep.target_scale, prep.target_mean
        prediction = f"{ends[0, 0] * scale + shift:.6g}"
        explained = f"predicted {prep.target!r}"
    per_feature = feature_attributions(model.network, x, baseline, output, steps)
    return Attribution(
        columns=list(prep.input_columns),
        values=[as_text(frame.iloc[row][column]) for column in prep.input_columns],
        contributions=np.array(
            [per_feature[span].sum() * scale for span in feature_spans(prep)]
        ),
        output=float(ends[0, output] * scale + shift),
        baseline_output=float(ends[1, output] * scale + shift),
        explained=explained,
        prediction=prediction,
        task=prep.task,
    )


def centre_baseline(prep) -> np.ndarray:
    """Return the baseline input: every cell missing, every missing indicator off.

    Returns
    -------
    ndarray of shape (n_features,)
    """
    parts = []
    for encoder in prep.encoders:
        empty = pd.Series([None], name=encoder.column, dtype=object)
        encoded = encoder.encode(empty, [])
        if encoder.indicator:
            encoded[-1] = np.zeros(1)
        parts.extend(encoded)
    return np.column_stack(parts)[0].astype(np.float64)


def feature_attributions(
    network: Network, x: np.ndarray, baseline: np.ndarray, output: int, steps: int
) -> np.ndarray:
    """Return the integrated gradients of one output with respect to each input.

    Parameters
    ----------
    network : Network
    x, baseline : ndarray of shape (n_inputs,)
    output : int
        Which of the network's outputs is explained.
    steps : int
        Midpoints of the Riemann sum.

    Returns
    -------
    ndarray of shape (n_inputs,)
        Sums to ``f(x) - f(baseline)`` up to the Riemann sum's error.
    """
    alphas = (np.arange(steps) + 0.5) / steps
    path = baseline + alphas[:, None] * (x - baseline)
    gradients = output_and_gradient(network, path, output)[1]
    return (x - baseline) * gradients.mean(axis=0)


def output_and_gradient(
    network: Network, X: np.ndarray, output: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return the network's outputs and d outputs[:, output] / d X, in float64.

    Runs the layers' own forward and backward rules on a float64 copy of the
    layers: the network keeps its last training step's arrays (for learners to
    inspect) and a float32 model still gets precise gradients.

    Parameters
    ----------
    network : Network
    X : ndarray of shape (n_samples, n_inputs)
    output : int

    Returns
    -------
    outputs : ndarray of shape (n_samples, n_outputs)
    gradient : ndarray of shape (n_samples, n_inputs)
        Row ``i`` is the gradient of ``outputs[i, output]`` with respect to ``X[i]``.
    """
    layers = copy.deepcopy(network.layers)
    outputs = np.asarray(X, dtype=np.float64)
    for layer in layers:
        layer.set_dtype(np.float64)
        outputs = layer.forward(outputs, training=False)
    # Seeding backward with a one-hot dL/doutputs makes "L" the chosen output.
    grad = np.zeros_like(outputs)
    grad[:, output] = 1.0
    for layer in reversed(layers):
        grad = layer.backward(grad)
    return outputs, grad
