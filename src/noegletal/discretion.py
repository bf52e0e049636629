"""Statistical disclosure control (diskretionering): exact results → publishable results.

Rules (``INDICATORS.md``, *Small counts*; threshold ``t`` from ``municipality.yml``, default 5):

1. **Small counts.** A published count (persons, measures, full-year persons …) with
   ``0 < count < t`` is shown as ``"<t"`` (``"<5"``). Zero is shown as 0. A net flow (a
   difference of counts) is small when its size is: −3 is shown as ``"<5"`` too.
2. **Small bases.** A share, rate, average or amount computed from fewer than ``t`` persons
   (its ``basis``) is suppressed (shown as ``None``, printed "–" with a footnote).
3. **No recovery by subtraction.** Within a breakdown whose cells add up to a published
   total, the hidden cells' sum is known (total − shown cells). When that sum pins down a
   hidden cell — one hidden cell; or every hidden cell at the smallest possible count
   (sum = n); or every hidden cell at the largest (sum = n × (t − 1)) — the **total** is
   suppressed too (counts); for amounts, any hidden cell hides the total, since their sum
   is the amount of a small group. For a distribution of shares, whose total (1) is
   always known, the smallest shown cell is suppressed instead, until no hidden cell can be
   pinned down.

The JSON output keeps exact values and sets ``suppressed_in_publication`` when rule 1, 2 or
3 hides anything of the indicator; :func:`publish` gives the values a report may print.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from noegletal.indicators.registry import COUNT_UNITS, Result

__all__ = [
    "PublishedResult",
    "discretion_note",
    "hidden_cells_recoverable",
    "publish",
    "publish_counts",
    "publish_table",
]

#: Units whose cells add up to the total (so a hidden cell could be recovered from it).
ADDITIVE_UNITS = COUNT_UNITS | {"kr"}


def small_label(threshold: int) -> str:
    """The text shown for a small count: ``<5`` for threshold 5."""
    return f"<{threshold}"


def _is_small(count: float | None, threshold: int) -> bool:
    """A count of 1..t-1 persons/things; a net flow counts by its size (−3 is small too)."""
    return count is not None and 0 < abs(count) < threshold


def hidden_cells_recoverable(hidden_counts: list[float], threshold: int) -> bool:
    """True if a known sum of the hidden cells pins down one of them.

    Each hidden cell lies in ``1..t-1``; with ``n`` cells summing to ``S`` a cell's feasible
    range is ``[max(1, S-(n-1)(t-1)), min(t-1, S-(n-1))]``, a single value exactly when
    ``n = 1``, ``S = n`` or ``S = n (t-1)``.

    >>> hidden_cells_recoverable([3], 5), hidden_cells_recoverable([1, 1], 5)
    (True, True)
    >>> hidden_cells_recoverable([2, 3], 5), hidden_cells_recoverable([4, 4], 5)
    (False, True)
    """
    n = len(hidden_counts)
    if n == 0:
        return False
    total = sum(hidden_counts)
    return n == 1 or total == n or total == n * (threshold - 1)


def publish_counts(
    cells: Mapping[str, float | None],
    threshold: int,
    *,
    total_known: bool = True,
    complement: bool = False,
) -> tuple[set[str], bool]:
    """Which cells of a breakdown to hide, and whether the total must be hidden.

    ``cells`` maps each key to its count (``None``: unknown, never hidden by this rule).
    Primary: every small count is hidden. Secondary (when ``total_known``): if the hidden
    cells could be recovered from the total, hide the total — or, with ``complement``
    (the total cannot be hidden, as for shares that add up to 1), hide the smallest shown
    non-zero cell until they cannot.
    """
    hidden = {k for k, c in cells.items() if _is_small(c, threshold)}
    hide_total = False
    if total_known and hidden:

        def recoverable() -> bool:
            primary = [float(cells[k] or 0) for k in hidden if _is_small(cells[k], threshold)]
            others = [k for k in hidden if not _is_small(cells[k], threshold)]
            # A complement cell hides an unknown amount: the primary ones cannot be pinned.
            return not others and hidden_cells_recoverable(primary, threshold)

        if recoverable():
            if complement:
                while recoverable():
                    shown = sorted(
                        (c, k) for k, c in cells.items() if k not in hidden and c and c > 0
                    )
                    if not shown:
                        break
                    hidden.add(shown[0][1])
            else:
                hide_total = True
    return hidden, hide_total


@dataclass
class PublishedResult:
    """What a report may print for one indicator.

    ``value`` and the breakdown cells are numbers, the small-count label (``"<5"``) or
    ``None`` (suppressed, printed "–"). ``suppressed`` is True when anything was hidden.
    """

    id: str
    label_da: str
    unit: str
    value: float | int | str | None
    breakdown: dict[str, Any] | None
    suppressed: bool
    reason: str | None = None


def _publish_scalar(value: Any, unit: str, basis: int | None, threshold: int) -> tuple[Any, bool]:
    if value is None:
        return None, False
    if unit in COUNT_UNITS:
        if _is_small(value, threshold):
            return small_label(threshold), True
        return value, False
    if basis is not None and basis < threshold:
        return None, True
    return value, False


def _publish_map(
    values: Mapping[str, Any],
    bases: Mapping[str, Any] | None,
    unit: str,
    threshold: int,
    total_known: bool,
    distribution: bool = False,
) -> tuple[dict[str, Any], bool, bool]:
    """Publish one ``{key: value}`` map; returns (cells, hide_total, anything_hidden).

    Counts (or, for a distribution of shares, the persons in each cell) follow the
    small-count rule and the recovery rule. Other cells with a ``basis`` (shares, averages
    and amounts of a group of persons) are hidden when the group has fewer than ``t``
    persons; amounts add up to the total, so a hidden amount hides the total too.
    """
    if unit in COUNT_UNITS or distribution:
        counts = {k: (bases or values).get(k) for k in values}
        hidden, hide_total = publish_counts(
            counts, threshold, total_known=total_known, complement=distribution
        )
    else:
        basis = bases or {}
        hidden = {k for k in values if _is_small(basis.get(k), threshold)}
        # The hidden amounts' sum is total − shown: it is the amount of a group of fewer
        # than t persons whenever anything is hidden, so the total goes too.
        hide_total = total_known and unit in ADDITIVE_UNITS and bool(hidden)
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in hidden:
            small = unit in COUNT_UNITS and _is_small((bases or values).get(key), threshold)
            out[key] = small_label(threshold) if small else None
        else:
            out[key] = value
    return out, hide_total, bool(hidden)


def _is_nested(cells: Mapping[str, Any]) -> bool:
    return any(isinstance(v, Mapping) for v in cells.values())


def publish(result: Result, threshold: int = 5) -> PublishedResult:
    """The publishable view of an exact :class:`Result` (see the module rules)."""
    value, hidden_any = _publish_scalar(result.value, result.unit, result.basis, threshold)
    total_shown = value is not None and not isinstance(value, str)
    breakdown: dict[str, Any] | None = None
    if result.breakdown:
        breakdown = {}
        for dim, cells in result.breakdown.items():
            bases = (result.breakdown_basis or {}).get(dim)
            if _is_nested(cells):
                # Two dimensions: each inner map adds up to its outer cell.
                outer_values = {}
                inner_out = {}
                for key, inner in cells.items():
                    inner_dim, inner_cells = next(iter(inner.items()))
                    inner_bases = (bases or {}).get(key, {}).get(inner_dim) if bases else None
                    published, hide_outer, hid = _publish_map(
                        inner_cells,
                        inner_bases,
                        result.unit,
                        threshold,
                        total_known=True,
                        distribution=result.distribution,
                    )
                    inner_out[key] = {inner_dim: published}
                    outer_values[key] = (
                        None
                        if hide_outer
                        else sum(v for v in inner_cells.values() if v is not None)
                    )
                    hidden_any |= hid or hide_outer
                breakdown[dim] = inner_out
                # An inner map with a hidden total could be recovered as the result's total
                # minus the other outer sums: hide the result's total as well.
                if total_shown and any(v is None for v in outer_values.values()):
                    value, total_shown, hidden_any = None, False, True
                continue
            published, hide_total, hid = _publish_map(
                cells,
                bases,
                result.unit,
                threshold,
                total_known=total_shown,
                distribution=result.distribution,
            )
            breakdown[dim] = published
            hidden_any |= hid
            if hide_total and total_shown:
                value, total_shown, hidden_any = None, False, True
    return PublishedResult(
        result.id,
        result.label_da,
        result.unit,
        value,
        breakdown,
        hidden_any,
        reason=result.reason,
    )


def publish_table(
    rows: list[dict[str, Any]],
    threshold: int = 5,
    *,
    counts: tuple[str, ...] = (),
    basis: Mapping[str, str] | None = None,
    total: dict[str, Any] | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """The publishable view of a table's rows (and of its total row, if it has one).

    ``counts`` are columns of counts (small counts → ``"<t"``); ``basis`` maps a column of
    shares/averages/amounts to the column holding the number of persons behind it (fewer
    than ``t`` → ``None``). With a ``total`` row, each count column is checked like a
    breakdown against its total: if the hidden cells could be recovered, the total's cell is
    hidden as well; an amount column with a hidden cell hides its total.

    >>> rows = [{"k": "a", "n": 12}, {"k": "b", "n": 3}]
    >>> publish_table(rows, counts=("n",), total={"k": "I alt", "n": 15})
    ([{'k': 'a', 'n': 12}, {'k': 'b', 'n': '<5'}], {'k': 'I alt', 'n': None})
    """
    basis = dict(basis or {})
    out = [dict(row) for row in rows]
    total_out = dict(total) if total is not None else None
    for col in counts:
        cells = {str(i): row.get(col) for i, row in enumerate(rows)}
        known = total is not None and total.get(col) is not None
        hidden, hide_total = publish_counts(cells, threshold, total_known=known)
        for i in hidden:
            out[int(i)][col] = small_label(threshold)
        if total_out is not None:
            if hide_total:
                total_out[col] = None
            elif _is_small(total_out.get(col), threshold):
                total_out[col] = small_label(threshold)
    for col, basis_col in basis.items():
        hidden_any = False
        for row, row_out in zip(rows, out, strict=True):
            if _is_small(row.get(basis_col), threshold):
                row_out[col] = None
                hidden_any = True
        if total_out is not None and col in total_out:
            small_total = _is_small(total_out.get(basis_col), threshold)
            if (hidden_any and col not in counts) or small_total:
                total_out[col] = None
    return out, total_out


def discretion_note(threshold: int = 5) -> str:
    """The Danish footnote explaining ``<5`` and ``–`` in a report."""
    return (
        f"«{small_label(threshold)}» angiver 1–{threshold - 1} personer eller sager. «–» angiver "
        f"et tal, der ikke kan beregnes, eller som er udeladt, fordi det bygger på færre end "
        f"{threshold} personer eller ville afsløre et udeladt tal (diskretionering)."
    )
