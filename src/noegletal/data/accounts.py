"""Map ledger accounts to budget lines (``budget_lines.accounts``).

An account prefix claims the account itself and every account below it at a dot boundary:
``5.28.21`` claims ``5.28.21`` and ``5.28.21.002`` but not ``5.28.210``. When prefixes of
different lengths claim the same account, the longest (most specific) wins.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from noegletal.lookup import positions_in

__all__ = ["account_prefixes", "line_positions", "map_accounts", "split_list"]


def split_list(text: object) -> list[str]:
    """Split a semicolon-separated cell (``5.28.20;5.28.22``) into stripped parts."""
    if text is None or (isinstance(text, float) and np.isnan(text)) or text is pd.NA:
        return []
    return [part.strip() for part in str(text).split(";") if part.strip()]


def account_prefixes(budget_lines: pd.DataFrame) -> pd.DataFrame:
    """One row per (prefix, budget_line), longest prefixes first."""
    rows = [
        (prefix, line)
        for line, cell in zip(budget_lines["budget_line"], budget_lines["accounts"], strict=True)
        for prefix in split_list(cell)
    ]
    frame = pd.DataFrame(rows, columns=["prefix", "budget_line"])
    order = frame["prefix"].str.len().sort_values(ascending=False, kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def _distinct_lines(
    accounts: pd.Series, budget_lines: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray]:
    """Code of each account among the distinct accounts (``-1`` where missing) and the budget
    line of each distinct account (object, NaN where no line claims it)."""
    codes, uniques = pd.factorize(accounts)
    distinct = pd.Series(uniques, dtype=object).astype(str)
    line_of = pd.Series(np.nan, index=distinct.index, dtype=object)
    for prefix, line in account_prefixes(budget_lines).itertuples(index=False):
        hit = line_of.isna() & ((distinct == prefix) | distinct.str.startswith(prefix + "."))
        line_of[hit] = line
    return codes, line_of.to_numpy(dtype=object)


def map_accounts(accounts: pd.Series, budget_lines: pd.DataFrame) -> pd.Series:
    """The budget line of each account (missing where no line claims it).

    Works on the distinct accounts, so it is cheap on millions of ledger rows.

    >>> lines = pd.DataFrame({"budget_line": ["A", "B"], "accounts": ["5.28", "5.28.21"]})
    >>> map_accounts(pd.Series(["5.28.21.002", "5.28.20", "5.280", "6.1"]), lines).tolist()
    ['B', 'A', nan, nan]
    """
    codes, line_of = _distinct_lines(accounts, budget_lines)
    lines = np.append(line_of, np.nan)  # code −1 (missing) → NaN
    return pd.Series(lines[codes], index=accounts.index, dtype=object)


def line_positions(accounts: pd.Series, budget_lines: pd.DataFrame) -> np.ndarray:
    """Position in ``budget_lines`` of each account's budget line (:func:`map_accounts`;
    the first row of that line, ``-1`` where no line claims the account).

    The lines are looked up once per distinct account, not once per ledger row.

    >>> lines = pd.DataFrame({"budget_line": ["A", "B"], "accounts": ["5.28", "5.28.21"]})
    >>> line_positions(pd.Series(["5.28.21.002", "5.28.20", "5.280", None]), lines).tolist()
    [1, 0, -1, -1]
    """
    codes, line_of = _distinct_lines(accounts, budget_lines)
    positions = positions_in(line_of, budget_lines["budget_line"])
    return np.append(positions, -1)[codes]  # code −1 (missing account) → no line
