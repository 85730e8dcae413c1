"""Which encoding each column gets: the rules ``TabularPreprocessor.fit`` follows.

In order: a column of another type (dates), or all missing, is left out;
numbers are :class:`~glassnet.tabular.binned.BinnedNumeric` (or, with
``bins=0``, :class:`~glassnet.tabular.encoders.Numeric`); text that is one value
is left out; yes/no words are ``Binary``; text that is at least 90% numbers is
numbers too (binned or standardised, as above), unless a value is written with
a leading zero (``00123``: codes, which are text); text whose every value
differs is left out as an identifier; other text is ``Categorical``. A new
encoding adds its rule here.
"""

from __future__ import annotations

import pandas as pd

from ._cells import is_code, numbers, texts
from ._words import plural
from .binned import BinnedNumeric
from .encoders import Binary, Categorical, Encoder, LeftOut, Numeric

#: Each encoding by its saved name.
ENCODINGS: dict[str, type[Encoder]] = {
    encoding.name: encoding
    for encoding in (Numeric, BinnedNumeric, Binary, Categorical)
}


def fit_encoder(
    series: pd.Series, max_categories: int, notes: list, bins: int = 0
) -> Encoder:
    """Return the encoding one column gets; raise :class:`LeftOut` to leave it out.

    ``bins`` > 0 gives number columns that many piecewise-linear bins (at most).
    """
    kind = series.dtype
    numeric = pd.api.types.is_numeric_dtype(kind) and not (
        pd.api.types.is_bool_dtype(kind)
    )
    textual = (
        pd.api.types.is_bool_dtype(kind)
        or pd.api.types.is_object_dtype(kind)
        or pd.api.types.is_string_dtype(kind)
        or isinstance(kind, pd.CategoricalDtype)
    )
    if not (numeric or textual):
        raise LeftOut(f"its type ({kind}) is not supported")
    if series.isna().all():
        raise LeftOut("every value is missing")
    if numeric:
        return _fit_numbers(series, notes, bins)
    return _fit_text(series, max_categories, notes, bins)


def _fit_numbers(series: pd.Series, notes: list, bins: int) -> Encoder:
    if bins:
        return BinnedNumeric.fit(series, notes, bins)
    return Numeric.fit(series, notes)


def _fit_text(
    series: pd.Series, max_categories: int, notes: list, bins: int
) -> Encoder:
    """Return the encoding of a column of text (or booleans, or numbers as text)."""
    name = str(series.name)
    words, missing = texts(series)
    present = words[~missing]
    distinct = set(present.tolist())
    if len(distinct) == 1:
        raise LeftOut(f"it is {present[0]!r} in every row")
    if Binary.suits(distinct):
        return Binary.fit(name, words, missing, notes)
    _, n_bad, first = numbers(series)
    # Codes such as zip codes "00123" are categories (or identifiers), not numbers.
    codes = any(is_code(text) for text in distinct)
    if not codes and Numeric.reads_as_numbers(n_bad, len(present)):
        if n_bad:  # numbers stored as objects (say, from Parquet) have none
            notes.append(
                f"column {name!r} holds numbers but {plural(n_bad, 'value')} that"
                f" {'is' if n_bad == 1 else 'are'} not (such as {first!r}): treated"
                " as missing"
            )
        return _fit_numbers(series, notes, bins)
    if len(distinct) == len(present):
        raise LeftOut("every value is different, as in an identifier")
    return Categorical.fit(name, words, missing, notes, max_categories)
