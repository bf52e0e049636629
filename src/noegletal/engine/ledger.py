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
import sqlglot

from noegletal.data.accounts import map_accounts, split_list

__all__ = [
    "SUMMARY_SQL",
    "TIED",
    "account_table",
    "finish_summary",
    "spark_sql",
    "summary_sql",
]

#: ``intervention_id`` of summary rows that stand for bookings tied to measures.
TIED = "*"


def summary_sql(by_municipality: bool) -> str:
    """The summary query over relations ``ledger``, ``accounts`` (account, budget_line,
    rep_account) and ``enrolled`` (person_id [, municipality_code])."""
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
        COALESCE(a.rep_account, l.account) AS account,
        CAST(ROUND(l.amount * 100) AS BIGINT) AS amount_ore,
        CASE WHEN e.person_id IS NOT NULL THEN l.person_id END AS person_id,
        CASE  -- TRIM(id) <> '', without trimming ids that begin with a printable character
            WHEN l.intervention_id IS NULL THEN FALSE
            WHEN l.intervention_id >= '!' AND l.intervention_id < '~' THEN TRUE
            ELSE TRIM(l.intervention_id) <> ''
        END AS tied,
        CASE
            WHEN e.person_id IS NOT NULL THEN CAST(l.posting_date AS DATE)
            ELSE CAST(DATE_TRUNC('month', l.posting_date) AS DATE)
        END AS bucket
    FROM ledger AS l
    LEFT JOIN accounts AS a ON a.account = l.account
    LEFT JOIN enrolled AS e ON {enrolled_join}
)
SELECT
    {code_group}
    MAX(posting_date) AS posting_date,
    account,
    SUM(amount_ore) AS amount_ore,
    person_id,
    tied,
    COUNT(*) AS bookings
FROM booked
GROUP BY {code_group}bucket, account, person_id, tied
ORDER BY {code_group}account, bucket, person_id, tied
"""


SUMMARY_SQL = summary_sql(by_municipality=False)


def spark_sql(sql: str) -> str:
    """The same query in Spark SQL (transpiled by sqlglot from DuckDB's dialect)."""
    return sqlglot.transpile(sql, read="duckdb", write="spark", pretty=True)[0]


def account_table(accounts: pd.Series, budget_lines: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct account: its budget line and the representative account the
    summary uses for it (the line's first prefix; unmapped accounts keep their own).

    >>> lines = pd.DataFrame({"budget_line": ["A"], "accounts": ["5.28.20;5.28.22"]})
    >>> table = account_table(pd.Series(["5.28.22.001", "6.1"]), lines)
    >>> table["rep_account"].tolist(), table["budget_line"].tolist()
    (['5.28.20', '6.1'], ['A', None])
    """
    distinct = pd.Series(pd.unique(accounts.dropna().astype(str)))
    line = map_accounts(distinct, budget_lines)
    first_prefix = {
        budget_line: split_list(cell)[0]
        for budget_line, cell in zip(
            budget_lines["budget_line"], budget_lines["accounts"], strict=True
        )
    }
    rep = [
        first_prefix[b] if isinstance(b, str) else a for a, b in zip(distinct, line, strict=True)
    ]
    return pd.DataFrame(
        {
            "account": distinct.to_numpy(dtype=object),
            "budget_line": pd.Series(
                [b if isinstance(b, str) else None for b in line], dtype=object
            ),
            "rep_account": rep,
        }
    )


def finish_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """The summary as a ledger-shaped frame (the columns of the ``ledger`` table)."""
    out = pd.DataFrame(
        {
            "posting_date": pd.to_datetime(frame["posting_date"]).astype("datetime64[ns]"),
            "account": frame["account"].astype("str"),
            "amount": frame["amount_ore"].astype("int64") / 100.0,
            "person_id": frame["person_id"].astype("str"),
            "intervention_id": pd.Series(
                np.where(frame["tied"].to_numpy(bool), TIED, None), dtype="str"
            ),
        }
    )
    if "municipality_code" in frame:
        out.insert(0, "municipality_code", frame["municipality_code"].astype("str"))
    return out.reset_index(drop=True)
