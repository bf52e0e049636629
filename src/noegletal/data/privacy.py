"""The CPR rule (``DATA.md``, *Person identifiers and privacy*).

``person_id`` and ``family_id`` must be pseudonyms. A value that looks like a Danish CPR
number — ``DDMMYY-XXXX`` or ten digits whose first six form a valid date — is either refused
(no key configured) or replaced at load by a keyed hash (HMAC-SHA256) when a key is set in
``NOEGLETAL_PSEUDONYM_KEY`` or in the file named by ``NOEGLETAL_PSEUDONYM_KEY_FILE``.

A CPR number never reaches an output, a log line or an error message: problems name the row
and column, and :func:`redact` masks anything CPR-shaped in text that leaves the program.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # numpy and pandas are imported where needed: redact() must stay light
    import numpy as np
    import pandas as pd

__all__ = [
    "KEY_ENV",
    "KEY_FILE_ENV",
    "REDACTED",
    "cpr_mask",
    "load_pseudonym_key",
    "looks_like_cpr",
    "pseudonymise",
    "redact",
]

KEY_ENV = "NOEGLETAL_PSEUDONYM_KEY"
KEY_FILE_ENV = "NOEGLETAL_PSEUDONYM_KEY_FILE"
REDACTED = "[CPR-lignende værdi skjult]"

# Six digits DDMMYY, optional hyphen (or space), four digits; not part of a longer number.
_CPR_ANYWHERE = re.compile(r"(?<!\d)(\d{2})(\d{2})(\d{2})[- ]?(\d{4})(?!\d)")
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # 29: century unknown


def _valid_ddmm(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]


def looks_like_cpr(text: object) -> bool:
    """True if ``text`` contains a CPR-shaped number (with a valid day and month).

    >>> looks_like_cpr("010190-1234"), looks_like_cpr("0101901234"), looks_like_cpr("P-0042")
    (True, True, False)
    >>> looks_like_cpr("3213901234")  # month 13 is no date
    False
    """
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return False
    for match in _CPR_ANYWHERE.finditer(str(text)):
        if _valid_ddmm(int(match.group(1)), int(match.group(2))):
            return True
    return False


def cpr_mask(values: pd.Series) -> np.ndarray:
    """Vectorised :func:`looks_like_cpr` over a column (missing values are never CPR).

    A regular expression (Arrow's RE2, in C++) first finds the cells holding a run of ten
    digits (an optional hyphen or space after the sixth); only the distinct values among
    those are checked for a valid date, so millions of pseudonyms cost one pass.
    """
    import numpy as np
    import pandas as pd

    text = values.astype("string")
    candidate = text.str.contains(r"\d{6}[- ]?\d{4}", regex=True).fillna(False).to_numpy(bool)
    mask = np.zeros(len(values), dtype=bool)
    if candidate.any():
        codes, uniques = pd.factorize(text[candidate])
        unique_hit = np.array([looks_like_cpr(v) for v in uniques], dtype=bool)
        mask[np.flatnonzero(candidate)] = unique_hit[codes]
    return mask


def _cpr_digits(text: str) -> str:
    """The ten digits of the first valid CPR-shaped number in ``text``."""
    for match in _CPR_ANYWHERE.finditer(text):
        if _valid_ddmm(int(match.group(1)), int(match.group(2))):
            return "".join(match.groups())
    return re.sub(r"\D", "", text)


def redact(text: str) -> str:
    """Replace every CPR-shaped number in ``text`` by a neutral marker.

    >>> redact("row 3 has 010190-1234")
    'row 3 has [CPR-lignende værdi skjult]'
    """

    def _sub(match: re.Match[str]) -> str:
        if _valid_ddmm(int(match.group(1)), int(match.group(2))):
            return REDACTED
        return match.group(0)

    return _CPR_ANYWHERE.sub(_sub, text)


def load_pseudonym_key(environ: dict[str, str] | None = None) -> bytes | None:
    """The pseudonymisation key from the environment (value or key file), or ``None``."""
    env = os.environ if environ is None else environ
    if env.get(KEY_ENV):
        return env[KEY_ENV].encode("utf-8")
    if env.get(KEY_FILE_ENV):
        key = Path(env[KEY_FILE_ENV]).read_bytes().strip()
        if key:
            return key
    return None


def pseudonymise(values: pd.Series, mask: np.ndarray, key: bytes) -> pd.Series:
    """Replace the CPR-shaped values selected by ``mask`` by ``P`` + 16 hex digits of
    HMAC-SHA256(key, digits of the CPR). The hyphen does not matter: ``010190-1234`` and
    ``0101901234`` give the same pseudonym, so joins across tables survive.
    """
    import numpy as np

    out = values.astype(object).copy()
    for index in np.flatnonzero(mask):
        digits = _cpr_digits(str(values.iloc[index]))
        digest = hmac.new(key, digits.encode("ascii"), hashlib.sha256).hexdigest()
        out.iloc[index] = "P" + digest[:16]
    return out.astype(values.dtype if values.dtype != object else "str")
