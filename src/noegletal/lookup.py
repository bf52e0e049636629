"""Look up many string values in a list of known ones, in Arrow.

pandas' ``isin`` and ``Index.get_indexer`` on Arrow-backed strings first copy the strings into
Python objects; pyarrow's hash lookup works on the Arrow buffers. Every module that matches
ids or codes against known ones uses :func:`positions_in`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["arrow_strings", "positions_in"]


def arrow_strings(
    values: pd.Series | pd.api.extensions.ExtensionArray | np.ndarray | Sequence[str],
) -> Any:
    """The values as an Arrow (large) string array, missing values null; pandas' Arrow-backed
    strings are taken without copying the characters."""
    import pyarrow as pa

    array = values.array if isinstance(values, pd.Series) else values
    if hasattr(array, "__arrow_array__"):  # a pandas Series or array of Arrow strings
        return pa.chunked_array(array.__arrow_array__()).cast(pa.large_string())
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype=object, na_value=None)
    return pa.array(np.asarray(values, dtype=object), type=pa.large_string(), from_pandas=True)


def positions_in(
    values: pd.Series | np.ndarray, known: pd.Series | np.ndarray | Sequence[str]
) -> np.ndarray:
    """Position in ``known`` of each of ``values`` (``-1`` where missing or not known; the
    first position where ``known`` repeats a value).

    >>> positions_in(pd.Series(["b", None, "x", "a"]), ["a", "b"]).tolist()
    [1, -1, -1, 0]
    >>> positions_in(pd.Series([None, "a"]), pd.Series(["a", None])).tolist()
    [-1, 0]
    """
    import pyarrow.compute as pc

    found = pc.index_in(  # a missing value is never found
        arrow_strings(values), value_set=arrow_strings(known), skip_nulls=True
    )
    return found.fill_null(-1).to_numpy().astype(np.int64)
