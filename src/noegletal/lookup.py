"""Look up many string values in a list of known ones, in Arrow.

pandas' ``isin`` and ``Index.get_indexer`` on Arrow-backed strings first copy the strings into
Python objects; pyarrow's hash lookup works on the Arrow buffers. Every module that matches
ids or codes against a list uses :func:`positions_in`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["positions_in"]


def positions_in(values: pd.Series, known: Sequence[str] | pd.Series) -> np.ndarray:
    """Position in ``known`` of each of ``values`` (``-1`` where missing or not known; the
    first position where ``known`` repeats a value).

    >>> positions_in(pd.Series(["b", None, "x", "a"]), ["a", "b"]).tolist()
    [1, -1, -1, 0]
    >>> positions_in(pd.Series([None, "a"]), pd.Series(["a", None])).tolist()
    [-1, 0]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    array = pa.array(values, type=pa.large_string(), from_pandas=True)
    value_set = pa.array(known, type=pa.large_string(), from_pandas=True)
    found = pc.index_in(array, value_set=value_set, skip_nulls=True)  # missing: never found
    return found.fill_null(-1).to_numpy().astype(np.int64)
