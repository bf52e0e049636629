"""The ledger summary: the one aggregation that must scale, written once in SQL.

The ledger is the only table that grows into the millions of rows (every booking of the
finance system). No indicator needs single bookings, except the cross-sector ones, which
follow enrolled persons day by day:

* every ledger-based indicator sums bookings per **budget line** over whole months (periods
  start on the 1st and end on the last day of a month; FP5's cut-offs are month ends) and
  needs to know whether a booking is **tied to a measure** (FP5);
* the cross-sector baselines sum bookings of **enrolled persons** over windows that start on
  any day.

So the ledger is reduced to one row per (municipality, budget line, month, tied) — plus one
row per (person, day, budget line, tied) for enrolled persons — before the indicators run.
Amounts are summed exactly in øre (integers), so every engine gives the same bytes. The
summary keeps the ledger's columns (``posting_date`` is the latest booking day of the group,
``account`` a prefix of the line, ``intervention_id`` ``"*"`` for tied bookings), so the
indicator functions read it unchanged.

The SQL is DuckDB's dialect; :func:`spark_sql` transpiles it with sqlglot for Apache Spark.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from noegletal.data.accounts import map_accounts, split_list

__all__ = [
    "LEDGER_OPTIONAL",
    "LEDGER_TEXT",
    "SUMMARY_SQL",
    "TIED",
    "account_table",
    "enrolled_table",
    "finish_summary",
    "not_blank",
    "spark_sql",
    "summary_sql",
]

#: ``intervention_id`` of summary rows that stand for bookings tied to measures.
TIED = "*"

#: The ledger's text columns (read as text whatever their stored type: ids may be stored as
#: numbers), and those of them a ledger may lack (read as missing values), as the pandas
#: loader reads them.
LEDGER_TEXT = ("municipality_code", "account", "person_id", "intervention_id")
LEDGER_OPTIONAL = ("person_id", "intervention_id")


def not_blank(column: str) -> str:
    """SQL for "``column`` is not NULL and not blank after trimming", without trimming the
    values that begin with a printable ASCII character (nearly all of them; trimming 18
    million ids is a tenth of the summary's time).

    >>> not_blank("id")
    "CASE WHEN id IS NULL THEN FALSE WHEN id >= '!' AND id < '~' THEN TRUE ELSE TRIM(id) <> '' END"
    """
    return (
        f"CASE WHEN {column} IS NULL THEN FALSE WHEN {column} >= '!' AND {column} < '~' "
        f"THEN TRUE ELSE TRIM({column}) <> '' END"
    )


def summary_sql(by_municipality: bool, tied_by: str = "intervention_id") -> str:
    """The summary query over relations ``ledger``, ``accounts`` (account, budget_line,
    rep_account, rep_key) and ``enrolled`` (person_id [, municipality_code], person_key).

    A booking is tied to a measure by the rule FP5 applies to a raw ledger: its
    ``intervention_id`` is given — or, for a ledger without that column (``tied_by``
    ``"person_id"``), its ``person_id``; without either (``"all"``), every booking.

    It groups by the small integer keys of the two relations (a representative account, an
    enrolled person) rather than by their strings, which DuckDB groups and sorts about a third
    faster; :func:`finish_summary` turns the keys back into strings. The keys are ranks of
    the strings, so ordering by key is ordering by string."""
    code = "l.municipality_code, " if by_municipality else ""
    code_group = "municipality_code, " if by_municipality else ""
    enrolled_join = (
        "e.person_id = l.person_id AND e.municipality_code = l.municipality_code"
        if by_municipality
        else "e.person_id = l.person_id"
    )
    return f"""
WITH booked AS (
    SELECT
        {code}
        l.posting_date,
        a.rep_key,
        CAST(ROUND(l.amount * 100) AS BIGINT) AS amount_ore,
        e.person_key,
        {"TRUE" if tied_by == "all" else not_blank(f"l.{tied_by}")} AS tied,
        CASE
            WHEN e.person_key IS NOT NULL THEN CAST(l.posting_date AS DATE)
            ELSE CAST(DATE_TRUNC('month', l.posting_date) AS DATE)
        END AS bucket
    FROM ledger AS l
    LEFT JOIN accounts AS a ON a.account = l.account
    LEFT JOIN enrolled AS e ON {enrolled_join}
)
SELECT
    {code_group}
    MAX(posting_date) AS posting_date,
    rep_key,
    CAST(SUM(amount_ore) AS BIGINT) AS amount_ore,
    person_key,
    tied,
    COUNT(*) AS bookings
FROM booked
GROUP BY {code_group}bucket, rep_key, person_key, tied
ORDER BY {code_group}rep_key, bucket, person_key, tied
"""


SUMMARY_SQL = summary_sql(by_municipality=False)


def spark_sql(sql: str) -> str:
    """The same query in Spark SQL (transpiled by sqlglot from DuckDB's dialect)."""
    import sqlglot

    return sqlglot.transpile(sql, read="duckdb", write="spark", pretty=True)[0]


def _ranks(values: pd.Series) -> np.ndarray:
    """Each value's rank among the distinct values in sorted (code-point) order."""
    return np.unique(values.to_numpy(dtype=object), return_inverse=True)[1].astype("int64")


def account_table(accounts: pd.Series, budget_lines: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct account: its budget line, the representative account the
    summary uses for it (the line's first prefix; unmapped accounts keep their own) and that
    representative's rank (``rep_key``, what the summary groups by).

    >>> lines = pd.DataFrame({"budget_line": ["A"], "accounts": ["5.28.20;5.28.22"]})
    >>> table = account_table(pd.Series(["5.28.22.001", "6.1", "5.28.20"]), lines)
    >>> table["rep_account"].tolist(), table["budget_line"].tolist(), table["rep_key"].tolist()
    (['5.28.20', '6.1', '5.28.20'], ['A', None, 'A'], [0, 1, 0])
    """
    distinct = pd.Series(pd.unique(accounts.dropna().astype(str)))
    line = map_accounts(distinct, budget_lines)
    first_prefix = {
        budget_line: split_list(cell)[0]
        for budget_line, cell in zip(
            budget_lines["budget_line"], budget_lines["accounts"], strict=True
        )
    }
    rep = pd.Series(
        [first_prefix[b] if isinstance(b, str) else a for a, b in zip(distinct, line, strict=True)],
        dtype=object,
    )
    return pd.DataFrame(
        {
            "account": distinct.to_numpy(dtype=object),
            "budget_line": pd.Series(
                [b if isinstance(b, str) else None for b in line], dtype=object
            ),
            "rep_account": rep,
            "rep_key": _ranks(rep),
        }
    )


def enrolled_table(persons: pd.DataFrame) -> pd.DataFrame:
    """The enrolled persons with each one's rank (``person_key``, what the summary groups
    by; the same person in two municipalities has one key).

    >>> enrolled_table(pd.DataFrame({"person_id": ["P2", "P1", "P2"]}))["person_key"].tolist()
    [1, 0, 1]
    """
    return persons.assign(person_key=_ranks(persons["person_id"]))


def _taken(values: np.ndarray, keys: np.ndarray, missing: np.ndarray | None = None) -> pd.Series:
    """``values[keys]`` as a ``str`` column, missing where ``missing`` is true; built in
    Arrow, a fifth of the time of turning a million Python strings into Arrow ones.

    >>> _taken(np.array(["a", "b"], dtype=object), np.array([1, 0, 1]), np.array([0, 0, 1], bool))
    0      b
    1      a
    2    NaN
    dtype: str
    """
    import pyarrow as pa

    taken = pa.array(values, type=pa.large_string()).take(pa.array(keys, mask=missing))
    return pd.Series(taken, dtype="str")


def finish_summary(
    frame: pd.DataFrame, accounts: pd.DataFrame, enrolled: pd.DataFrame
) -> pd.DataFrame:
    """The summary as a ledger-shaped frame (the columns of the ``ledger`` table), its keys
    turned back into the strings of ``accounts`` and ``enrolled`` (the query's relations)."""
    if frame["rep_key"].isna().any():  # the account table is built from the ledger's accounts
        raise ValueError("the ledger summary has an account missing from its account table")
    reps = np.unique(accounts["rep_account"].to_numpy(dtype=object))
    persons = np.unique(enrolled["person_id"].to_numpy(dtype=object))
    person_key = frame["person_key"]
    untied = ~frame["tied"].to_numpy(bool)
    out = pd.DataFrame(
        {
            "posting_date": pd.to_datetime(frame["posting_date"]).astype("datetime64[ns]"),
            "account": _taken(reps, frame["rep_key"].to_numpy(dtype="int64")),
            "amount": frame["amount_ore"].astype("int64") / 100.0,
            "person_id": _taken(
                persons,
                person_key.fillna(0).to_numpy(dtype="int64"),
                person_key.isna().to_numpy(),
            ),
            "intervention_id": _taken(
                np.array([TIED], dtype=object), np.zeros(len(frame), dtype="int64"), untied
            ),
        }
    )
    if "municipality_code" in frame:
        out.insert(0, "municipality_code", frame["municipality_code"].astype("str"))
    return out.reset_index(drop=True)
