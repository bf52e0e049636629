"""The indicator registry: every indicator of ``INDICATORS.md`` under its spec id.

An indicator is a small pure function ``f(ctx) -> Result`` of the validated tables and a
period (both held by :class:`~noegletal.indicators.context.Context`), registered with
:func:`indicator`. The CLI, the reports and the tests share this one list.

A function raises :class:`MissingInput` when its inputs are absent (an optional table, a
population year, a budget column); :func:`compute` then reports ``null`` with the reason, so
every id is always present in the output.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from noegletal.data.tables import Tables
from noegletal.periods import Period, parse_period

__all__ = [
    "REGISTRY",
    "IndicatorSpec",
    "MissingInput",
    "Result",
    "compute",
    "compute_one",
    "indicator",
    "indicator_ids",
]

log = logging.getLogger(__name__)

Unit = Literal[
    "persons",  # distinct persons
    "count",  # measures, notifications, follow-ups … (a count of things)
    "full_year_persons",
    "share",  # a fraction 0..1
    "rate",  # a relative deviation or error as a fraction: may be negative or above 1
    "per_1000",  # persons per 1,000 inhabitants
    "ratio",
    "kr",
    "kr_per_person",  # average kr. per person / full-year person / inhabitant
    "days",
    "persons_per_fte",
]

#: Units whose values are counts of persons or things (the small-count rule applies).
COUNT_UNITS = frozenset({"persons", "count", "full_year_persons"})

GROUP_MODULES = (
    "strategy",
    "casework",
    "frame",
    "assumptions",
    "forecast",
    "keyfigures",
    "adults",
    "cross_sector",
)

Breakdown = dict[str, Any]


class MissingInput(Exception):
    """The inputs an indicator needs are absent; the message is the reason shown."""


@dataclass
class Result:
    """Exact value of one indicator for one period (and one municipality).

    ``value`` is the total; ``breakdown`` maps a dimension name to ``{key: value}`` (nested
    for two dimensions). ``basis`` is the number of persons a share, rate or average is
    computed from (``None`` for counts and for amounts not tied to persons);
    ``breakdown_basis`` mirrors ``breakdown`` with the number of persons in each cell.
    ``note`` explains a choice the reader must know (e.g. which year a full-year indicator
    refers to). ``distribution`` marks a breakdown of shares that add up to 1 (each cell's
    basis is then the persons *in* the cell). ``table`` holds the rows of a multi-column
    indicator (``fp6.key_figures``).
    ``extra`` carries intermediate numbers for reports and tests; it is not written to JSON.
    """

    id: str
    value: float | int | None
    unit: Unit
    breakdown: Breakdown | None = None
    basis: int | None = None
    breakdown_basis: Breakdown | None = None
    reason: str | None = None
    note: str | None = None
    label_da: str = ""
    distribution: bool = False
    suppressed_in_publication: bool = False
    table: list[dict[str, Any]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IndicatorSpec:
    """A registered indicator."""

    id: str
    func: Callable[..., Result | float | int | None]
    unit: Unit
    label_da: str
    needs: tuple[str, ...] = ()
    group: str = ""

    @property
    def definition(self) -> str:
        """The definition quoted in the function's docstring (first paragraph)."""
        doc = (self.func.__doc__ or "").strip()
        return doc.split("\n\n", 1)[0].replace("\n", " ")


REGISTRY: dict[str, IndicatorSpec] = {}


def indicator(
    indicator_id: str, *, unit: Unit, label_da: str, needs: Iterable[str] = ()
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``func`` under ``indicator_id``.

    ``needs`` names optional tables the indicator cannot do without; when one is absent the
    indicator is reported as ``null`` with a reason naming the table.
    """

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        if indicator_id in REGISTRY:
            raise ValueError(f"indicator {indicator_id} registered twice")
        REGISTRY[indicator_id] = IndicatorSpec(
            indicator_id,
            func,
            unit,
            label_da,
            tuple(needs),
            group=indicator_id.split(".", 1)[0],
        )
        return func

    return register


_GROUP_ORDER = ("fp1", "fp2", "fp3", "fp4", "fp5", "fp6", "adults", "xs")


def _load_groups() -> None:
    """Import every group module and order the registry as ``INDICATORS.md`` does (whatever
    order the modules happened to be imported in)."""
    for name in GROUP_MODULES:
        importlib.import_module(f"noegletal.indicators.{name}")
    rank = {group: i for i, group in enumerate(_GROUP_ORDER)}
    ordered = sorted(
        enumerate(REGISTRY.items()), key=lambda item: (rank.get(item[1][1].group, 99), item[0])
    )
    if [key for _, (key, _) in ordered] != list(REGISTRY):
        items = [pair for _, pair in ordered]
        REGISTRY.clear()
        REGISTRY.update(items)


def indicator_ids(group: str | None = None) -> list[str]:
    """Every registered id (or those of ``group``, e.g. ``fp2``), in registry order (the
    order of ``INDICATORS.md``)."""
    _load_groups()
    return [i for i in REGISTRY if group is None or i.split(".", 1)[0] == group]


def _as_result(spec: IndicatorSpec, produced: Result | float | int | None) -> Result:
    result = produced if isinstance(produced, Result) else Result(spec.id, produced, spec.unit)
    result.id = spec.id
    result.unit = result.unit or spec.unit
    result.label_da = result.label_da or spec.label_da
    if result.value is None and result.breakdown is None and result.reason is None:
        result.reason = "no data in the period"
    return result


def compute_one(spec: IndicatorSpec, ctx: Any) -> Result:
    """Compute one indicator; absent inputs give a ``null`` result with the reason."""
    missing = [name for name in spec.needs if not ctx.tables.has(name)]
    if missing:
        reason = f"needs the optional table {', '.join(missing)}, which is absent"
        return Result(spec.id, None, spec.unit, reason=reason, label_da=spec.label_da)
    try:
        return _as_result(spec, spec.func(ctx))
    except MissingInput as exc:
        return Result(spec.id, None, spec.unit, reason=str(exc), label_da=spec.label_da)


def compute(tables: Tables, period: Period | str, ids: Iterable[str] | None = None) -> list[Result]:
    """Compute every indicator (or those in ``ids``) for ``period``, in registry order."""
    from noegletal.indicators.context import Context

    _load_groups()
    ctx = Context(tables, parse_period(period))
    wanted = list(REGISTRY) if ids is None else list(ids)
    results = []
    for indicator_id in wanted:
        started = time.perf_counter()
        results.append(compute_one(REGISTRY[indicator_id], ctx))
        log.debug("%s: %.3f s", indicator_id, time.perf_counter() - started)
    return results


GROUP_TITLES = {
    "fp1": "FP1 — shared professional and financial strategy (the intervention staircase)",
    "fp2": "FP2 — guidelines that support efficient casework",
    "fp3": "FP3 — firm, data-based frame budgeting",
    "fp4": "FP4 — budget assumptions on volume and average cost",
    "fp5": "FP5 — person-level commitment accounts and year-end forecasts",
    "fp6": "FP6 — professional and financial key figures",
    "adults": "Adults — the semiannual key-figure report to the social committee",
    "xs": "Cross-sector baselines",
}


def catalog_markdown() -> str:
    """Every registered indicator as Markdown: id, Danish label, unit, optional tables it
    needs and its docstring (the quoted definition, then the choices made). Pasted into
    ``docs/indicators.md`` between markers by ``make docs``; a test keeps it current."""
    import inspect

    _load_groups()
    out: list[str] = []
    group = None
    for spec in REGISTRY.values():
        if spec.group != group:
            group = spec.group
            out += [f"## {GROUP_TITLES.get(group, group)}", ""]
        doc = inspect.cleandoc(spec.func.__doc__ or "")
        needs = f"; needs {', '.join(f'`{n}`' for n in spec.needs)}" if spec.needs else ""
        out += [
            f"### `{spec.id}`",
            "",
            f"*{spec.label_da}* — unit `{spec.unit}`{needs}",
            "",
            doc,
            "",
        ]
    return "\n".join(out)
