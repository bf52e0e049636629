"""Statistical disclosure control (diskretionering): exact results → publishable results.

Rules (``INDICATORS.md``, *Small counts*; threshold ``t`` from ``municipality.yml``, default 5):

1. **Small counts.** A published count (persons, measures, full-year persons …) with
   ``0 < count < t`` is shown as ``"<t"`` (``"<5"``). Zero is shown as 0. A net flow (a
   difference of counts) is small when its size is: −3 is shown as ``"<5"`` too.
2. **Small bases.** A share, rate, average or amount computed from fewer than ``t`` persons
   (its ``basis``) is suppressed (shown as ``None``, printed "–" with a footnote).
3. **No recovery by subtraction.** Within a breakdown whose cells add up to a published
   total, the hidden cells' sum is known (total − shown cells). While that sum pins down a
   hidden small count — one hidden cell; every hidden cell at the smallest possible count
   (sum = n); or at the largest (sum = n × (t − 1)) — the smallest shown non-zero cell is
   hidden as well (*complementary suppression*, shown as "–"). Only when no cell is left to
   hide is the **total** suppressed: a total that would reveal a suppressed cell by
   subtraction is never published. Amounts (kr.) of small groups follow the same idea: the
   hidden cells must together cover at least ``t`` persons. A distribution of shares (whose
   total, 1, is always known) uses complementary suppression only.

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
    "publish_amounts",
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


def hidden_cells_recoverable(
    hidden_counts: list[float],
    threshold: int,
    *,
    complement_cells: int = 0,
    complement_sum: float = 0.0,
) -> bool:
    """True if the known sum of the hidden cells pins down a hidden small count.

    Each hidden small count lies in ``1..t-1``; each of the ``complement_cells`` hidden cells
    that are not small (together ``complement_sum``) lies in ``t..∞``. With ``n`` small cells
    and ``m`` complement cells summing to ``S`` in all, a small cell's feasible range is
    ``[lo, hi]`` with ``hi = min(t-1, S-(n-1)-m·t)`` and ``lo = max(1, S-(n-1)(t-1))`` without
    complement cells (``1`` with them, since those are unbounded above); it is pinned when
    ``lo = hi``.

    >>> hidden_cells_recoverable([3], 5), hidden_cells_recoverable([1, 1], 5)
    (True, True)
    >>> hidden_cells_recoverable([2, 3], 5), hidden_cells_recoverable([4, 4], 5)
    (False, True)
    >>> hidden_cells_recoverable([3], 5, complement_cells=1, complement_sum=12)  # 3 + ≥5
    False
    >>> hidden_cells_recoverable([1], 5, complement_cells=1, complement_sum=5)  # 6 = 1 + 5
    True
    """
    n = len(hidden_counts)
    if n == 0:
        return False
    total = sum(hidden_counts) + complement_sum
    hi = min(threshold - 1, total - (n - 1) - complement_cells * threshold)
    lo = 1 if complement_cells else max(1, total - (n - 1) * (threshold - 1))
    return lo >= hi


def publish_counts(
    cells: Mapping[str, float | None],
    threshold: int,
    *,
    total_known: bool = True,
    complement: bool = True,
    total_hideable: bool = True,
) -> tuple[set[str], bool]:
    """Which cells of a breakdown to hide, and whether the total must be hidden.

    ``cells`` maps each key to its count (``None``: unknown, never hidden by this rule).
    Primary: every small count is hidden. Secondary (when the total is known): while the
    hidden cells could be recovered from the total, hide the smallest shown non-zero cell
    (complementary suppression, ``complement=True``); when no cell is left to hide, or with
    ``complement=False``, hide the total instead (unless ``total_hideable`` is false, as for
    shares that always add up to 1).
    """
    hidden = {k for k, c in cells.items() if _is_small(c, threshold)}
    hide_total = False
    if not (total_known and hidden):
        return hidden, hide_total

    def recoverable() -> bool:
        small = [k for k in hidden if _is_small(cells[k], threshold)]
        others = [k for k in hidden if k not in small]
        # The attacker knows the sum of all hidden cells; feed the complement cells' amounts
        # into it (they are part of what total − shown reveals).
        return hidden_cells_recoverable(
            [float(cells[k] or 0) for k in small],
            threshold,
            complement_cells=len(others),
            complement_sum=sum(float(cells[k] or 0) for k in others),
        )

    while recoverable():
        shown = sorted((c, k) for k, c in cells.items() if k not in hidden and c and c > 0)
        if complement and shown:
            hidden.add(shown[0][1])
            continue
        hide_total = total_hideable
        break
    return hidden, hide_total


def publish_amounts(
    bases: Mapping[str, float | None], threshold: int, *, total_known: bool = True
) -> tuple[set[str], bool]:
    """Cells of amounts (kr., averages) to hide by their basis (persons behind each cell).

    A cell of fewer than ``t`` persons is hidden. When amounts add up to a known total, the
    hidden cells' sum is revealed by subtraction: more cells (smallest basis first) are hidden
    until the hidden cells together cover at least ``t`` persons; if that is impossible the
    total is hidden.
    """
    hidden = {k for k, b in bases.items() if _is_small(b, threshold)}
    if not (total_known and hidden):
        return hidden, False
    while sum(float(bases[k] or 0) for k in hidden) < threshold:
        shown = sorted((b, k) for k, b in bases.items() if k not in hidden and b and b > 0)
        if not shown:
            return hidden, True
        hidden.add(shown[0][1])
    return hidden, False


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
    persons; amounts add up to the total, so the hidden ones must together cover ``t``
    persons (:func:`publish_amounts`).
    """
    if unit in COUNT_UNITS or distribution:
        counts = {k: (bases or values).get(k) for k in values}
        hidden, hide_total = publish_counts(
            counts, threshold, total_known=total_known, total_hideable=not distribution
        )
    else:
        basis = {k: (bases or {}).get(k) for k in values}
        hidden, hide_total = publish_amounts(
            basis, threshold, total_known=total_known and unit in ADDITIVE_UNITS
        )
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


def _protect_small_rows(
    result: Result, breakdown: dict[str, Any], threshold: int, total_shown: bool
) -> tuple[bool, bool]:
    """Amounts in two dimensions (e.g. solution → sector) next to their one-dimensional
    totals (sector): a row of fewer than ``t`` persons would be revealed by subtracting the
    shown rows from the totals (or from the result's total). Hide such rows whole, plus the
    smallest other rows until the hidden rows cover ``t`` persons; if no rows are left to hide,
    hide the totals. Changes ``breakdown`` in place; returns (anything hidden, hide total)."""
    changed = False
    hide_total = False
    bases = result.breakdown_basis or {}
    for dim, cells in (result.breakdown or {}).items():
        if not _is_nested(cells):
            continue
        inner_dims = {next(iter(inner)) for inner in cells.values()}
        row_basis: dict[str, float] = {}
        for key, inner in cells.items():
            inner_dim = next(iter(inner))
            values = ((bases.get(dim) or {}).get(key) or {}).get(inner_dim) or {}
            row_basis[key] = max((v for v in values.values() if v is not None), default=0)
        hidden_rows = {
            key
            for key, inner in breakdown[dim].items()
            if all(v is None for v in next(iter(inner.values())).values())
            or _is_small(row_basis[key], threshold)
        }
        totals_known = total_shown or any(d in breakdown for d in inner_dims if d != dim)
        if not hidden_rows or not totals_known:
            continue
        while sum(row_basis[k] for k in hidden_rows) < threshold:
            shown = sorted((b, k) for k, b in row_basis.items() if k not in hidden_rows and b)
            if not shown:
                hide_total = True
                for flat in inner_dims:
                    if flat in breakdown and flat != dim:
                        breakdown[flat] = dict.fromkeys(breakdown[flat])
                break
            hidden_rows.add(shown[0][1])
        for key in hidden_rows:
            inner_dim = next(iter(breakdown[dim][key]))
            cells_out = breakdown[dim][key][inner_dim]
            if any(v is not None for v in cells_out.values()):
                changed = True
            breakdown[dim][key] = {inner_dim: dict.fromkeys(cells_out)}
        changed = changed or hide_total
    return changed, hide_total


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
        if result.unit in ADDITIVE_UNITS and result.unit not in COUNT_UNITS:
            protected, hide_total = _protect_small_rows(result, breakdown, threshold, total_shown)
            hidden_any |= protected
            if hide_total and total_shown:
                value, total_shown = None, False
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
    than ``t`` → ``None``). With a ``total`` row, each column is checked like a breakdown
    against its total (complementary suppression first, the total only as a last resort).

    >>> rows = [{"k": "a", "n": 12}, {"k": "b", "n": 3}, {"k": "c", "n": 20}]
    >>> publish_table(rows, counts=("n",), total={"k": "I alt", "n": 35})[0]
    [{'k': 'a', 'n': None}, {'k': 'b', 'n': '<5'}, {'k': 'c', 'n': 20}]
    """
    basis = dict(basis or {})
    out = [dict(row) for row in rows]
    total_out = dict(total) if total is not None else None
    for col in counts:
        cells = {str(i): row.get(col) for i, row in enumerate(rows)}
        known = total is not None and total.get(col) is not None
        hidden, hide_total = publish_counts(cells, threshold, total_known=known)
        for i in hidden:
            small = _is_small(rows[int(i)].get(col), threshold)
            out[int(i)][col] = small_label(threshold) if small else None
        if total_out is not None:
            if hide_total:
                total_out[col] = None
            elif _is_small(total_out.get(col), threshold):
                total_out[col] = small_label(threshold)
    for col, basis_col in basis.items():
        bases = {str(i): row.get(basis_col) for i, row in enumerate(rows)}
        known = total_out is not None and total_out.get(col) is not None
        hidden, hide_total = publish_amounts(bases, threshold, total_known=known)
        for i in hidden:
            out[int(i)][col] = None
        small_total = total_out is not None and _is_small(total_out.get(basis_col), threshold)
        if total_out is not None and col in total_out and (hide_total or small_total):
            total_out[col] = None
    return out, total_out


def discretion_note(threshold: int = 5) -> str:
    """The Danish footnote explaining ``<5`` and ``–`` in a report."""
    return (
        f"«{small_label(threshold)}» angiver 1–{threshold - 1} personer eller sager. «–» angiver "
        f"et tal, der ikke kan beregnes, eller som er udeladt, fordi det bygger på færre end "
        f"{threshold} personer eller ville afsløre et udeladt tal (diskretionering)."
    )
