"""Look up many string values in a list of known ones, in Arrow.

pandas' ``isin`` and ``Index.get_indexer`` on Arrow-backed strings first copy the strings into
Python objects; pyarrow's hash lookup works on the Arrow buffers. Every module that matches
ids or codes against known ones uses :func:`positions_in`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["arrow_strings", "positions_in", "positions_in_each"]


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
    return positions_in_each([values], known)[0]


def positions_in_each(
    columns: Sequence[pd.Series | np.ndarray], known: pd.Series | np.ndarray | Sequence[str]
) -> list[np.ndarray]:
    """:func:`positions_in` for several columns looked up in the same ``known`` values, with
    one hash table of them: building it costs about as much as looking up two million values
    (1.2 million known intervention ids: 0.11 s).

    >>> found = positions_in_each([pd.Series(["b"]), pd.Series(["a", "c"])], ["a", "b"])
    >>> [positions.tolist() for positions in found]
    [[1], [0, -1]]
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = [arrow_strings(column) for column in columns]
    chunks = [
        chunk
        for array in arrays
        for chunk in (array.chunks if isinstance(array, pa.ChunkedArray) else [array])
    ]
    found = pc.index_in(  # a missing value is never found
        pa.chunked_array(chunks, type=pa.large_string()),
        value_set=arrow_strings(known),
        skip_nulls=True,
    )
    flat = found.fill_null(-1).to_numpy().astype(np.int64)
    bounds = np.cumsum([0, *(len(array) for array in arrays)])
    return [flat[start:end] for start, end in itertools.pairwise(bounds)]
