"""``BinnedNumeric``: a number as a robust, clipped value plus piecewise-linear bins.

Two lessons of tabular deep learning, each a few lines of NumPy:

- **Robust scaling with smooth clipping** (Holzmüller et al., "Better by
  Default", NeurIPS 2024, the RealMLP defaults): centre on the median, divide
  by the interquartile range, then squash with ``x / sqrt(1 + (x / 3)**2)``, so
  an outlier (a salary of 10 million among thousands) lands near ±3 instead of
  at 500 and cannot dominate the first layer.
- **Piecewise-linear encoding** (Gorishniy et al., "On Embeddings for
  Numerical Features in Tabular Deep Learning", NeurIPS 2022): the training
  values' quantiles cut the axis into bins; feature ``t`` is 0 below bin ``t``,
  1 above it, and rises linearly across it. A value becomes a "thermometer"
  that a network turns into steps and thresholds as easily as a tree does,
  which is where plain standardised inputs leave networks behind trees.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from typing import ClassVar

import numpy as np
import pandas as pd

from ._cells import is_number
from .encoders import Encoder, check_saved, usable_numbers

#: Where the smooth clip bends: values beyond ±3 robust units approach ±3.
CLIP = 3.0
#: The most bins a saved encoding may hold (a guard against hostile files).
MAX_BINS = 1024


@dataclasses.dataclass(kw_only=True)
class BinnedNumeric(Encoder):
    """Numbers as a robust, smooth-clipped value plus piecewise-linear bins.

    Parameters
    ----------
    column : str
    indicator : bool
    median : float
        The training values' median: the centre, and what a missing value becomes.
    scale : float
        Their interquartile range, or half their range where that is 0 (as
        in a column of mostly zeros).
    edges : list of float
        Increasing bin edges (quantiles of the training values); empty, or
        at least 3 edges (2 bins). Bin ``t`` spans ``edges[t]`` to ``edges[t+1]``.
    """

    name: ClassVar[str] = "binned_numeric"
    fill_words: ClassVar[str] = "the median"

    median: float
    scale: float
    edges: list[float]

    @classmethod
    def fit(cls, series: pd.Series, notes: list, bins: int) -> BinnedNumeric:
        """Learn the median, scale and ``bins`` quantile bins from a number column.

        Raises
        ------
        LeftOut
            If the column has no number, one value, or identifiers.
        """
        missing, present = usable_numbers(series)
        low, q1, median, q3, high = _quantiles(present, [0.0, 0.25, 0.5, 0.75, 1.0])
        with np.errstate(over="ignore", invalid="ignore"):
            scale = float(q3 - q1) or float(high / 2 - low / 2)
        if not (math.isfinite(scale) and scale > 0):
            raise ValueError(
                f"column {series.name!r} has values too large to scale (such as"
                f" {present[np.argmax(np.abs(present))]:g}); remove them, or leave"
                " the column out with --drop"
            )
        edges = np.unique(_quantiles(present, np.linspace(0, 1, bins + 1)))
        encoder = cls(
            column=str(series.name),
            indicator=bool(missing.any()),
            median=float(median),
            scale=scale,
            edges=[float(edge) for edge in edges] if len(edges) >= 3 else [],
        )
        encoder._note_missing(missing, notes)
        return encoder

    def _encode(self, series, notes):
        values = self._numbers(series, notes)
        missing = np.isnan(values)  # numbers() reads infinity as not a number
        filled = np.where(missing, self.median, values)
        with np.errstate(over="ignore", invalid="ignore"):
            robust = (filled - self.median) / self.scale
        # Beyond float range the clip's limit is exact: ±CLIP.
        robust = np.clip(robust, -1e150, 1e150)
        clipped = robust / np.sqrt(1.0 + (robust / CLIP) ** 2)
        if not self.edges:
            return clipped, missing
        edges = np.asarray(self.edges)
        # Halved, the differences cannot overflow, even between -1e308 and 1e308.
        halves = edges / 2
        ramps = (filled[:, None] / 2 - halves[:-1]) / np.diff(halves)
        return np.column_stack([clipped, np.clip(ramps, 0.0, 1.0)]), missing

    def _value_features(self):
        bins = [
            f"{self.column} bin {index + 1} ({low:.4g} to {high:.4g})"
            for index, (low, high) in enumerate(itertools.pairwise(self.edges))
        ]
        return [self.column, *bins]

    def _describe_values(self):
        text = (
            f"number, robust-scaled (median {self.median:.4g}, scale"
            f" {self.scale:.4g}) and smoothly clipped to ±{CLIP:g}"
        )
        if self.edges:
            text += (
                f", plus {len(self.edges) - 1} piecewise-linear bins from"
                f" {self.edges[0]:.4g} to {self.edges[-1]:.4g}"
            )
        return text

    @staticmethod
    def check_fields(spec: dict) -> None:
        column = spec["column"]
        check_saved(
            is_number(spec.get("median"))
            and is_number(spec.get("scale"))
            and spec["scale"] > 0,
            f"column {column!r} needs a numeric median and a positive scale",
        )
        edges = spec.get("edges")
        check_saved(
            isinstance(edges, list)
            and len(edges) != 1
            and len(edges) != 2
            and len(edges) <= MAX_BINS + 1
            and all(is_number(edge) for edge in edges)
            and all(low < high for low, high in itertools.pairwise(edges)),
            f"column {column!r} needs a list of increasing numeric bin edges",
        )


def _quantiles(values: np.ndarray, levels) -> np.ndarray:
    """Return quantiles of ``values``, finite even near float's limits.

    Interpolating between -1e308 and 1e308 overflows; then the quantiles are
    taken as observed values instead (no interpolation).
    """
    with np.errstate(over="ignore", invalid="ignore"):
        found = np.quantile(values, levels)
    if np.isfinite(found).all():
        return found
    return np.quantile(values, levels, method="inverted_cdf")
