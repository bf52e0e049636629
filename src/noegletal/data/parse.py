"""Turn raw cells (text from CSV/XLSX, or typed Parquet columns) into typed columns.

Each parser returns the typed values and a boolean mask of cells that could not be read, so
the caller can name the rows. Accepted forms (``DATA.md``):

* numbers: ``1234.5`` or, in a decimal-comma file, ``1234,5`` and ``1.234,5``; the minus
  sign may be ``-`` or the typographic ``−`` (U+2212);
* dates: ``YYYY-MM-DD`` and Danish ``DD-MM-YYYY`` (also ``DD.MM.YYYY``), normalised to
  ``datetime64``; an Excel date-time at midnight is a date;
* ``birth_date`` may be ``YYYY-MM``, read as the first day of that month;
* date-times: a date followed by ``HH:MM`` or ``HH:MM:SS`` (space or ``T``), or a date alone
  (midnight).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["blank_to_na", "parse_date", "parse_number", "parse_text"]

DATE_DTYPE = "datetime64[ns]"
_DAY_NS = 86_400 * 10**9

_ISO = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
_DANISH = r"^(?P<d>\d{1,2})[-.](?P<m>\d{1,2})[-.](?P<y>\d{4})"
_TIME = r"(?:[ T](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?$"
_YEAR_MONTH = r"^(?P<y>\d{4})-(?P<m>\d{1,2})$"
_THOUSANDS_COMMA_DEC = r"^[-+]?\d{1,3}(\.\d{3})+(,\d*)?$"


def _may_need_stripping(text: pd.Series) -> bool:
    """Whether any cell of an Arrow-backed text column may begin or end with white space:
    its first or last byte is not printable ASCII (``!`` … ``~``; every white-space character,
    ASCII or not, begins or ends with such a byte in UTF-8). Read from the Arrow buffers, so
    the columns of ids and codes that need no stripping are not copied.

    >>> _may_need_stripping(pd.Series(["B-1", None, "x"], dtype="string"))
    False
    >>> _may_need_stripping(pd.Series(["B-1", "x\u00a0"], dtype="string"))
    True
    """
    import pyarrow as pa

    if not isinstance(text.array, pd.arrays.ArrowStringArray):
        return True
    for chunk in text.array.__arrow_array__().chunks:
        if len(chunk) == chunk.null_count:  # nothing to strip (or an empty chunk)
            continue
        if chunk.type not in (pa.string(), pa.large_string()):
            return True
        _, offset_buffer, data_buffer = chunk.buffers()
        width = np.int64 if chunk.type == pa.large_string() else np.int32
        offsets = np.frombuffer(offset_buffer, dtype=width)[
            chunk.offset : chunk.offset + len(chunk) + 1
        ]
        starts, ends = offsets[:-1], offsets[1:]
        filled = ends > starts
        if chunk.null_count:
            filled &= chunk.is_valid().to_numpy(zero_copy_only=False)
        if not filled.any():
            continue
        data = np.frombuffer(data_buffer, dtype=np.uint8)
        for edge in (data[starts[filled]], data[ends[filled] - 1]):
            if ((edge < 0x21) | (edge > 0x7E)).any():
                return True
    return False


def blank_to_na(values: pd.Series) -> pd.Series:
    """Strip text cells; empty cells become missing."""
    if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
        return values
    text = values.astype("string")
    if _may_need_stripping(text):
        text = text.str.strip()
    blank = (text == "").fillna(False).to_numpy(bool)
    return text.mask(blank) if blank.any() else text


def parse_text(values: pd.Series) -> pd.Series:
    """Text column: stripped, blanks missing, dtype ``str``."""
    text = blank_to_na(values)
    if not pd.api.types.is_string_dtype(text):
        text = text.astype("string")
    return text.astype("str")


def parse_number(
    values: pd.Series, *, decimal: str = ".", integer: bool = False
) -> tuple[pd.Series, np.ndarray]:
    """Parse numbers; returns (values, bad) where ``bad`` marks unreadable or, for
    ``integer``, non-whole cells. Missing cells are not bad (the nullability rule decides)."""
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
        numbers = values.astype(float)
        bad = np.zeros(len(values), dtype=bool)
    else:
        text = blank_to_na(values).astype("string").str.replace(r"[\s\u00a0]", "", regex=True)
        # The minus sign of typeset Danish numbers (as this program's reports print them).
        text = text.str.replace("\u2212", "-", regex=False)
        if decimal == ",":
            grouped = text.str.match(_THOUSANDS_COMMA_DEC).fillna(False)
            text = text.where(~grouped, text.str.replace(".", "", regex=False))
            text = text.str.replace(",", ".", regex=False)
        else:
            text = text.where(~text.str.contains(",", regex=False).fillna(False), "not-a-number")
        numbers = pd.to_numeric(text, errors="coerce").astype(float)
        bad = (text.notna() & numbers.isna()).to_numpy(dtype=bool)
    if integer:
        fractional = (numbers.notna() & (numbers % 1 != 0)).to_numpy(dtype=bool)
        bad = bad | fractional
        numbers = numbers.where(~fractional)
    numbers.index = values.index
    return numbers, bad


def _assemble(parts: pd.DataFrame) -> pd.Series:
    frame = pd.DataFrame(
        {
            "year": pd.to_numeric(parts["y"]),
            "month": pd.to_numeric(parts["m"]),
            "day": pd.to_numeric(parts["d"]),
            "hour": pd.to_numeric(parts.get("H", pd.Series(index=parts.index))).fillna(0),
            "minute": pd.to_numeric(parts.get("M", pd.Series(index=parts.index))).fillna(0),
            "second": pd.to_numeric(parts.get("S", pd.Series(index=parts.index))).fillna(0),
        },
        index=parts.index,
    )
    return pd.to_datetime(frame, errors="coerce")


def parse_date(
    values: pd.Series, *, with_time: bool = False, year_month: bool = False
) -> tuple[pd.Series, np.ndarray]:
    """Parse dates (or date-times); returns (``datetime64[ns]`` values, bad mask).

    Impossible dates such as ``2025-02-31`` are bad. Without ``with_time`` a time of day
    other than midnight is bad: a date column holds days.
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        out = values.astype(DATE_DTYPE)
        bad = np.zeros(len(values), dtype=bool)
        if not with_time:
            # A time of day other than midnight: nanoseconds that are no whole day (a tenth
            # of the time of comparing with the normalised values).
            nanoseconds = out.to_numpy(dtype=DATE_DTYPE).view("int64")
            timed = out.notna().to_numpy(dtype=bool) & (nanoseconds % _DAY_NS != 0)
            bad = timed
            if timed.any():
                out = out.where(~timed)
        return out, bad
    text = blank_to_na(values).astype("string")
    result = pd.Series(pd.NaT, index=values.index, dtype=DATE_DTYPE)
    matched = pd.Series(False, index=values.index)
    patterns = [_ISO + _TIME, _DANISH + _TIME]
    for pattern in patterns:
        todo = text.notna() & ~matched
        if not todo.any():
            break
        parts = text[todo].str.extract(pattern)
        hit = parts["y"].notna()
        if hit.any():
            result.loc[parts.index[hit]] = _assemble(parts[hit]).astype(DATE_DTYPE)
            matched.loc[parts.index[hit]] = True
    if year_month:
        todo = text.notna() & ~matched
        parts = text[todo].str.extract(_YEAR_MONTH)
        hit = parts["y"].notna()
        if hit.any():
            parts = parts[hit].assign(d="1")
            result.loc[parts.index] = _assemble(parts).astype(DATE_DTYPE)
            matched.loc[parts.index] = True
    bad = (text.notna() & result.isna()).to_numpy(dtype=bool, copy=True)
    if not with_time:
        timed = (result.notna() & (result != result.dt.normalize())).to_numpy(dtype=bool)
        bad = bad | timed
        result = result.where(~timed)
    return result, bad
