"""Small helpers shared by the indicator modules (ratios that refuse a zero denominator,
breakdown dictionaries with string keys)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from noegletal.codes import STAIRCASE
from noegletal.indicators.registry import MissingInput

__all__ = ["by_step", "clean", "group_sums", "ratio", "series_dict", "string_ranks"]


def clean(value: Any) -> Any:
    """numpy scalars → Python numbers; NaN → ``None``; whole floats stay floats.

    >>> clean(np.int64(3)), clean(np.float64("nan")), clean(2.0), clean(True), clean("x")
    (3, None, 2.0, True, 'x')
    """
    kind = type(value)  # the common cases first: a JSON document cleans ~3,000 values
    if kind is float:
        return None if value != value else value
    if kind is int or kind is str or value is None:
        return value
    if isinstance(value, np.integer | int) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, np.floating | float):
        return None if np.isnan(value) else float(value)
    return value


def ratio(numerator: float, denominator: float, what: str) -> float:
    """``numerator / denominator``; raises :class:`MissingInput` naming ``what`` when the
    denominator is zero (an empty group is reported as ``null``, not as 0 or infinity)."""
    if denominator == 0 or pd.isna(denominator):
        raise MissingInput(f"{what} is zero in the period")
    return float(numerator) / float(denominator)


def series_dict(values: pd.Series | Mapping[Any, Any], keys: list[Any] | None = None) -> dict:
    """``{str(key): clean(value)}``; with ``keys`` every key is present (0 where absent)."""
    mapping = dict(values.items()) if isinstance(values, pd.Series) else dict(values)
    if keys is not None:
        mapping = {k: mapping.get(k, 0) for k in keys}
    return {str(k): clean(v) for k, v in mapping.items()}


def by_step(values: pd.Series | Mapping[int, Any]) -> dict[str, Any]:
    """A breakdown over the seven staircase steps, keys ``"1"``…``"7"``, zeros kept."""
    return series_dict(values, list(STAIRCASE))


def group_sums(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct integer ``keys`` (ascending) and the sum of ``values`` of each (NaN
    skipped), in row order.

    pandas' group-by sum on purpose: the published figures have always been summed that way.
    How it adds depends on the rows (``np.add.reduceat`` when the keys are already sorted and
    no value is NaN, else Kahan-compensated), so callers that replaced a group-by of string
    columns keep its row order and key order: the last digits then agree.

    >>> group_sums(np.array([2, 0, 2]), np.array([1.0, 2.0, 3.0]))
    (array([0, 2]), array([2., 4.]))
    """
    sums = pd.Series(values, dtype=np.float64).groupby(keys).sum()
    return np.asarray(sums.index, dtype=np.int64), sums.to_numpy()


def string_ranks(names: list[str] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rank of each of ``names`` in string order, and the inverse (name position by rank).

    >>> rank, order = string_ranks(["b", "c", "a"])
    >>> rank.tolist(), order.tolist()
    ([1, 2, 0], [2, 0, 1])
    """
    order = np.argsort(np.array(names, dtype=object), kind="stable")
    rank = np.empty(len(names), dtype=np.int64)
    rank[order] = np.arange(len(names))
    return rank, order
