"""The computation context: validated tables + one period, with shared intermediate results.

Many indicators need the same intermediate results (who is active on the period end, the
highest staircase step per person, the year-to-date ledger per budget line …). The context
computes each once and caches it. It is a pure function of ``(tables, period)``: indicators
read ``ctx.tables`` and ``ctx.period`` and the cached derivations, never anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import cached_property, lru_cache
from typing import NamedTuple, TypeVar

import numpy as np
import pandas as pd

from noegletal.codes import PLACEMENT_STEPS, PREVENTIVE_STEPS, STEP_OF
from noegletal.data.tables import Tables
from noegletal.indicators.registry import MissingInput
from noegletal.lookup import positions_in
from noegletal.measures import commitment_cost, day_number, price_segments
from noegletal.periods import Period

__all__ = ["Context"]

T = TypeVar("T")


class LedgerArrays(NamedTuple):
    """The ledger's columns as arrays, row for row (cheaper to filter than the frame)."""

    posting_date: np.ndarray  # datetime64[ns]
    amount: np.ndarray  # float64, kr.
    budget_line: np.ndarray  # object: the row's budget line, NaN where no line claims it
    line_code: np.ndarray  # position of the row's budget line in ``budget_lines`` (-1: none)


class Context:
    """Shared derivations for computing indicators of ``tables`` in ``period``."""

    def __init__(self, tables: Tables, period: Period):
        self.tables = tables
        self.period = period
        # lru_cache on bound methods keyed by arguments, one cache per context.
        self.active_on = lru_cache(maxsize=64)(self._active_on)
        self.days_active = lru_cache(maxsize=64)(self._days_active)
        self.commitment = lru_cache(maxsize=64)(self._commitment)
        self.highest_step_on = lru_cache(maxsize=16)(self._highest_step_on)
        self.spend_by_line = lru_cache(maxsize=16)(self._spend_by_line)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()`` once per context: shared derivations of one indicator module (e.g.
        FP4's line volumes, read by seven indicators) are computed a single time."""
        cache = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = compute()
        return cache[key]

    # ---- interventions as arrays ----------------------------------------------------------
    @property
    def interventions(self) -> pd.DataFrame:
        """The interventions table (read-only)."""
        return self.tables.interventions

    @cached_property
    def _start(self) -> np.ndarray:
        return day_number(self.interventions["start_date"])

    @cached_property
    def _end(self) -> np.ndarray:
        return day_number(self.interventions["end_date"], open_end=True)

    @property
    def start_day(self) -> np.ndarray:
        """Each measure's ``start_date`` as a day number (:func:`noegletal.measures.day_number`)."""
        return self._start

    @property
    def end_day(self) -> np.ndarray:
        """Each measure's ``end_date`` as a day number; an open end is far in the future."""
        return self._end

    @cached_property
    def _step(self) -> np.ndarray:
        # From the measure types' codes, which other indicators ask for anyway: one look-up
        # per distinct type instead of one per measure.
        codes, types = self.codes("measure_type")
        steps = np.array([*(STEP_OF.get(t, 0) for t in types), 0], dtype=np.int64)
        return steps[codes]  # code −1 (no type): the appended 0

    @cached_property
    def _person_factors(self) -> tuple[np.ndarray, pd.Index]:
        codes, uniques = pd.factorize(self.interventions["person_id"])
        return codes, pd.Index(uniques)

    def codes(self, column: str) -> tuple[np.ndarray, list[str]]:
        """Integer code of each measure's ``column`` value (``-1`` where missing) and the
        values the codes stand for (in order of first appearance), computed once."""

        def factorize() -> tuple[np.ndarray, list[str]]:
            codes, values = self.interventions[column].factorize()
            return codes, values.tolist()

        return self.memo(f"codes.{column}", factorize)

    def measure_rows(
        self, intervention_ids: pd.Series | pd.api.extensions.ExtensionArray
    ) -> np.ndarray:
        """Position in ``interventions`` of each id (``-1`` where the id is unknown or
        missing; ids are unique, validation guarantees it)."""
        return positions_in(intervention_ids, self.interventions["intervention_id"])

    @property
    def step(self) -> np.ndarray:
        """Staircase step (1–7) of each intervention; 0 for adults' measures."""
        return self._step

    @property
    def person_code(self) -> np.ndarray:
        """Integer code of each intervention's person (``persons[code]`` is the id)."""
        return self._person_factors[0]

    @property
    def persons(self) -> pd.Index:
        """The distinct person ids, in order of first appearance."""
        return self._person_factors[1]

    @cached_property
    def is_children(self) -> np.ndarray:
        """Mask of children's measures."""
        return (self.interventions["area"] == "children").to_numpy()

    @cached_property
    def is_adults(self) -> np.ndarray:
        """Mask of adults' measures."""
        return (self.interventions["area"] == "adults").to_numpy()

    @cached_property
    def _segments(self) -> pd.DataFrame:
        return price_segments(
            self.interventions, self.tables.measure_prices, start=self._start, end=self._end
        )

    @property
    def segments(self) -> pd.DataFrame:
        """The measures' intervals of constant annual cost
        (:func:`noegletal.measures.price_segments`), computed once."""
        return self._segments

    def _active_on(self, day: date) -> np.ndarray:
        d = int(day_number(day))
        return (self._start <= d) & (self._end >= d)

    def _days_active(self, first: date, last: date) -> np.ndarray:
        lo = np.maximum(self._start, int(day_number(first)))
        hi = np.minimum(self._end, int(day_number(last)))
        return np.clip(hi - lo + 1, 0, None)

    def full_year_persons(self, period: Period | None = None) -> np.ndarray:
        """Each measure's full-year persons in ``period`` (default: the context's)."""
        period = period or self.period
        return self.days_active(period.start, period.end) / period.days

    def _commitment(self, first: date, last: date) -> np.ndarray:
        return commitment_cost(
            self.interventions, first, last, self.tables.measure_prices, segments=self._segments
        )

    def distinct_persons(self, mask: np.ndarray) -> int:
        """Number of distinct persons among the measures selected by ``mask``."""
        return self.distinct_codes(self.person_code[mask])

    def distinct_codes(self, person: np.ndarray) -> int:
        """Number of distinct persons among ``person`` codes (``-1``: unknown, not counted)."""
        # Marking the persons seen is linear; np.unique would sort. The last slot takes the -1s.
        seen = np.zeros(len(self.persons) + 1, dtype=bool)
        seen[person] = True
        return int(np.count_nonzero(seen[:-1]))

    def _highest_step_on(self, day: date) -> np.ndarray:
        """Highest staircase step active on ``day`` of each person (by person code; 0 where
        the person has no children's measure active that day)."""
        mask = self.active_on(day) & self.is_children & (self.step > 0)
        highest = np.zeros(len(self.persons), dtype=np.int64)
        np.maximum.at(highest, self.person_code[mask], self.step[mask])
        return highest

    def persons_on_steps(self, day: date, steps: tuple[int, ...]) -> int:
        """Children with an active measure on one of ``steps`` on ``day`` (whatever else)."""
        mask = self.active_on(day) & self.on_steps(steps)
        return self.distinct_persons(mask)

    def on_steps(self, steps: tuple[int, ...]) -> np.ndarray:
        """Mask of the measures on one of ``steps``."""
        # A look-up by step (0–7) is cheaper than np.isin.
        wanted = np.zeros(8, dtype=bool)
        wanted[list(steps)] = True
        return wanted[self.step]

    @property
    def preventive_steps(self) -> tuple[int, ...]:
        """Steps 1–3."""
        return PREVENTIVE_STEPS

    @property
    def placement_steps(self) -> tuple[int, ...]:
        """Steps 4–7."""
        return PLACEMENT_STEPS

    # ---- population -------------------------------------------------------------------------
    def population(self, year: int, lo: int, hi: int) -> int:
        """Inhabitants aged ``lo``–``hi`` (inclusive) on 1 January of ``year``."""
        pop = self.tables.population
        # Plain arrays: the table is small, and pandas' filtering costs more than the sum.
        rows = pop["year"].to_numpy() == year
        if not rows.any():
            years = sorted(pop["year"].unique().tolist())
            raise MissingInput(
                f"population has no rows for {year} (years present: {years[0]}–{years[-1]})"
                if years
                else "population is empty"
            )
        age = pop["age"].to_numpy()[rows]
        persons = pop["persons"].to_numpy()[rows]
        return int(persons[(age >= lo) & (age <= hi)].sum())

    # ---- ledger -------------------------------------------------------------------------------
    @cached_property
    def _ledger_arrays(self) -> LedgerArrays:
        ledger = self.tables.ledger
        return LedgerArrays(
            posting_date=ledger["posting_date"].to_numpy(),
            amount=ledger["amount"].to_numpy(dtype=np.float64),
            budget_line=self.tables.ledger_budget_line.to_numpy(),
            line_code=self.tables.ledger_line_code,
        )

    @property
    def ledger_arrays(self) -> LedgerArrays:
        """The ledger's posting date, amount and budget line as arrays, computed once."""
        return self._ledger_arrays

    def ledger_rows_between(self, first: date, last: date) -> np.ndarray:
        """Mask of the ledger rows posted ``first``..``last`` (both inclusive)."""
        dates = self.ledger_arrays.posting_date
        return (dates >= np.datetime64(first)) & (dates <= np.datetime64(last))

    def ledger_in_area(self, area: str) -> np.ndarray:
        """Mask of the ledger rows whose budget line is of ``area``."""
        of_line = self.tables.budget_lines["area"].to_numpy() == area
        # A sentinel appended answers for the rows without a line (code -1).
        return np.append(of_line, False)[self.ledger_arrays.line_code]

    def _spend_by_line(self, first: date, last: date) -> pd.Series:
        """Actual spend per budget line posted ``first``..``last`` (kr.)."""
        ledger = self.ledger_arrays
        rows = self.ledger_rows_between(first, last)
        amounts = pd.Series(ledger.amount[rows], name="amount")
        return amounts.groupby(pd.Index(ledger.budget_line[rows], name="budget_line")).sum()

    @cached_property
    def line_area(self) -> pd.Series:
        """Area of each budget line."""
        lines = self.tables.budget_lines
        return pd.Series(lines["area"].to_numpy(), index=lines["budget_line"].to_numpy())

    # ---- budget years -------------------------------------------------------------------------
    @cached_property
    def closed_year(self) -> int:
        """The budget year full-year indicators (FP3) refer to: the period's year for a
        calendar-year period, otherwise the latest calendar year ending on or before the
        period end."""
        end = self.period.end
        return end.year if (end.month, end.day) == (12, 31) else end.year - 1
