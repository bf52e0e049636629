"""Synthetic national data set: Denmark's 98 municipalities in one data directory (issue #6).

:func:`generate_national` runs the single-municipality simulation of
:mod:`noegletal.synthetic.example` (:func:`~noegletal.synthetic.example.generate_municipality`)
once per municipality and writes every table of ``DATA.md`` as ``NAME.parquet`` with a
``municipality_code`` column first, plus a ``municipality.yml`` that lists the municipalities.
It is made for benchmarks: the full set (98 municipalities × 10 years) holds about 1.2 million
measures and 18 million ledger rows.

* **Municipalities**: the 98 real municipalities (codes and names; Christiansø left out) with
  populations of about 1 January 2025 (``municipalities.csv``, rounded). ``municipalities=N``
  takes the first N rows of that file, i.e. in code order (København, Frederiksberg,
  Ballerup, …); a sequence of codes takes those municipalities.
* **Window**: 1 January of ``2026 − years`` to the extract date 30 June 2026.
* **Behaviour**: each municipality gets its own :class:`MunicipalityProfile`, drawn from its
  own random stream (:func:`draw_profile`). A latent *need* factor (log-t distributed, wider
  for small municipalities) drives the children's entries, the share entering in placement,
  notifications and examinations and the reference expenditure need, so placed children per
  1,000 0–22-year-olds spread around 5–15 with a few outliers towards 3 and 27 (VIVE table
  1.1: 3–27). Price level, budget bias, caseloads, adults' volumes, growth and age profile
  vary independently. Casework speed (share of notifications assessed within 24 hours,
  share of examinations completed within 4 months) is shifted per municipality after the
  simulation (:func:`_casework_speed`), because the profile has no speed settings.
* **Identifiers** carry the municipality code, so they are unique across municipalities:
  ``I101-0000001`` (measure), ``B101-123456`` (child), ``V101-…`` (adult), ``F101-…``
  (family), ``N``/``U``/``O``/``T`` for notifications, examinations, follow-ups, enrolments.
  No identifier holds a run of more than 7 digits, so none looks like a CPR number.
* **Randomness**: ``np.random.SeedSequence(seed).spawn(98)`` gives one stream per row of
  ``municipalities.csv`` (by position in the full list), so a municipality's data depend only
  on the seed, its position and ``years`` — not on how many municipalities are generated or
  on ``workers``. The same arguments give byte-identical files.
* **Memory**: municipalities are simulated one at a time (in ``workers`` processes) and
  appended, in list order, to one :class:`pyarrow.parquet.ParquetWriter` per table (row
  groups of at most :data:`ROW_GROUP_ROWS` rows), so only a few municipalities are in memory
  at once.

``budget_lines`` is the same for every municipality and is written once, without
``municipality_code``.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import warnings
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from noegletal.data.spec import TABLES
from noegletal.synthetic.example import (
    TABLE_ORDER,
    MunicipalityProfile,
    _add_months,
    generate_municipality,
)

__all__ = [
    "EXTRACT_DATE",
    "ID_COLUMNS",
    "NationalMunicipality",
    "draw_profile",
    "generate_national",
    "national_yaml",
    "read_municipalities",
    "table_schema",
]

#: Extract date (last day of the window) of the national data set.
EXTRACT_DATE = date(2026, 6, 30)
#: Year the populations of ``municipalities.csv`` refer to (1 January).
POPULATION_YEAR = 2025
#: Columns whose values get the municipality code inserted after their one-letter prefix.
ID_COLUMNS = (
    "intervention_id",
    "person_id",
    "family_id",
    "notification_id",
    "examination_id",
    "followup_id",
    "enrolment_id",
)
#: Tables shared by all municipalities: written once, without ``municipality_code``.
SHARED_TABLES = ("budget_lines",)
#: Largest row group written (rows); small tables are batched over municipalities.
ROW_GROUP_ROWS = 1_000_000
#: Municipalities simulated ahead per worker (bounds memory and temporary disk use).
IN_FLIGHT = 3
COMPRESSION = "zstd"
CODE = "municipality_code"
_PARQUET_TYPE = {
    "str": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "date": pa.timestamp("ns"),
    "month_or_date": pa.timestamp("ns"),
    "datetime": pa.timestamp("ns"),
}


@dataclass(frozen=True)
class NationalMunicipality:
    """One row of ``municipalities.csv``: code, name, inhabitants on 1 January 2025, and its
    position in the full list (which picks its random stream)."""

    code: str
    name: str
    population: int
    index: int


def read_municipalities() -> list[NationalMunicipality]:
    """The 98 municipalities of ``municipalities.csv``, in code order."""
    text = resources.files("noegletal.synthetic").joinpath("municipalities.csv").read_text("utf-8")
    rows = [line.split(",") for line in text.strip().splitlines()[1:]]
    return [
        NationalMunicipality(code, name, int(population), i)
        for i, (code, name, population) in enumerate(rows)
    ]


def _select(municipalities: int | Sequence[str]) -> list[NationalMunicipality]:
    known = read_municipalities()
    if isinstance(municipalities, int):
        if not 1 <= municipalities <= len(known):
            raise ValueError(f"municipalities must be 1–{len(known)} (got {municipalities})")
        return known[:municipalities]
    by_code = {m.code: m for m in known}
    wanted = [str(c).zfill(3) for c in municipalities]
    unknown = [c for c in wanted if c not in by_code]
    if unknown or not wanted or len(set(wanted)) != len(wanted):
        raise ValueError(f"unknown, missing or repeated municipality codes: {unknown or wanted}")
    return sorted((by_code[c] for c in wanted), key=lambda m: m.index)


# ---------------------------------------------------------------------------------------------
# Behaviour per municipality
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Extra:
    """Settings the profile does not hold: casework speed shifts and the need factor."""

    need: float  # latent need (median 1): scales the reference expenditure need
    notification_shift: float  # change of the share assessed within 24 hours (+ = faster)
    examination_shift: float  # change of the share completed within 4 months (+ = faster)


def draw_profile(rng: np.random.Generator, population: int) -> tuple[MunicipalityProfile, _Extra]:
    """A plausible behaviour profile for a municipality of ``population`` inhabitants.

    The latent need factor is exp(s · t₄) with s = 0.28 / (1 + 0.5 · max(0, log10(pop/50,000)))
    (large municipalities average over more families, so they lie nearer the middle), capped at
    exp(±1.05). Entries scale with need^0.6 and the share entering in placement with need^0.7,
    which moves the placed children per 1,000 0–22-year-olds roughly in proportion to need.
    """
    size = math.log10(population / 50_000)
    spread = 0.28 / (1 + 0.5 * max(0.0, size))
    cap = 1.05 / (1 + 0.5 * max(0.0, size))
    log_need = float(np.clip(spread * rng.standard_t(4), -cap, cap))
    need = math.exp(log_need)
    adult_need = math.exp(0.5 * log_need + rng.normal(0, 0.15))

    def noise(sd: float) -> float:
        return math.exp(rng.normal(0, sd))

    base = MunicipalityProfile()
    profile = replace(
        base,
        growth=float(np.clip(0.003 + 0.004 * size + rng.normal(0, 0.003), -0.008, 0.015)),
        young_tilt=float(np.clip(1.07 + 0.03 * size + rng.normal(0, 0.04), 0.92, 1.2)),
        child_families_per_1000=base.child_families_per_1000 * need**0.6 * noise(0.08),
        child_trend=float(rng.normal(base.child_trend, 0.01)),
        placement_tilt=need**0.7 * noise(0.12),
        continued_support_share=float(rng.uniform(0.25, 0.45)),
        adult_entries_per_1000=base.adult_entries_per_1000 * adult_need * noise(0.08),
        adult_trend=float(rng.normal(base.adult_trend, 0.008)),
        day_activity_per_1000=base.day_activity_per_1000 * adult_need**0.5 * noise(0.15),
        protected_employment_per_1000=base.protected_employment_per_1000 * noise(0.2),
        contact_person_per_1000=base.contact_person_per_1000 * adult_need * noise(0.2),
        treatment_per_1000=base.treatment_per_1000 * adult_need * noise(0.2),
        other_adult_per_1000=base.other_adult_per_1000 * noise(0.25),
        price_level=float(np.clip((1 + 0.02 * size) * noise(0.07), 0.82, 1.25)),
        notifications_per_1000_0_17=base.notifications_per_1000_0_17 * need**0.5 * noise(0.15),
        examinations_per_1000_0_17=base.examinations_per_1000_0_17 * need**0.6 * noise(0.12),
        appeals_per_50000=base.appeals_per_50000 * adult_need * noise(0.25),
        children_caseload=float(np.clip(rng.normal(base.children_caseload, 2.2), 14, 26)),
        adults_caseload=float(np.clip(rng.normal(base.adults_caseload, 5), 30, 56)),
        family_enrolments_per_50000=base.family_enrolments_per_50000 * noise(0.4),
        person_enrolments_per_50000=base.person_enrolments_per_50000 * noise(0.4),
        budget_volume_bias={
            "children": float(rng.normal(-0.015, 0.025)),
            "adults": float(rng.normal(0.0, 0.02)),
        },
    )
    extra = _Extra(
        need=need,
        notification_shift=float(np.clip(rng.normal(0, 0.06), -0.15, 0.12)),
        examination_shift=float(np.clip(rng.normal(0, 0.08), -0.2, 0.2)),
    )
    return profile, extra


def _casework_speed(
    rng: np.random.Generator, frames: dict[str, pd.DataFrame], extra: _Extra, last_day: date
) -> None:
    """Shift the speed of notification assessments and examinations in place.

    A positive shift turns that share of all rows from late to on time (drawing an on-time
    duration as the generator does), a negative one from on time to late. Rows that were
    never completed stay so; a late completion after the extract date becomes empty.
    """
    end_of_extract = pd.Timestamp(last_day) + pd.Timedelta(days=1)
    notifications = frames["notifications"]
    n = len(notifications)
    if n:
        received = notifications["received_at"].to_numpy(dtype="datetime64[ns]")
        assessed = notifications["assessed_at"].to_numpy(dtype="datetime64[ns]")
        minutes = (assessed - received) / np.timedelta64(1, "m")
        done = ~np.isnat(assessed)
        fast = done & (minutes <= 1440)
        roll = rng.random(n)
        fast_minutes = np.minimum(5 + rng.exponential(300, n), 1439)
        slow_minutes = 1441 + rng.exponential(3 * 1440, n)
        shift = extra.notification_shift
        if shift > 0:
            change = done & ~fast & (roll < shift / max((done & ~fast).mean(), 1e-9))
            new_minutes = fast_minutes
        else:
            change = fast & (roll < -shift / max(fast.mean(), 1e-9))
            new_minutes = slow_minutes
        new = received.astype("datetime64[m]") + new_minutes.astype(np.int64).astype(
            "timedelta64[m]"
        )
        new = new.astype("datetime64[ns]")
        new = np.where(new >= end_of_extract.to_datetime64(), np.datetime64("NaT"), new)
        notifications["assessed_at"] = np.where(change, new, assessed).astype("datetime64[ns]")
    examinations = frames["examinations"]
    m = len(examinations)
    if m:
        started = (
            examinations["started_on"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        )
        completed = (
            examinations["completed_on"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
        )
        start_days = started.astype(np.int64)
        deadline = _add_months(start_days, 4).astype("datetime64[D]")
        done = ~np.isnat(completed)
        on_time = done & (completed <= deadline)
        roll = rng.random(m)
        span = (deadline - started).astype(np.int64)
        quick = started + (rng.uniform(0.3, 1.0, m) * span).astype(np.int64).astype(
            "timedelta64[D]"
        )
        delay = 1 + np.maximum(np.ceil(rng.gamma(1.3, 45 / 1.3, m)), 1).astype(np.int64)
        late = deadline + delay.astype("timedelta64[D]")
        shift = extra.examination_shift
        if shift > 0:
            change = done & ~on_time & (roll < shift / max((done & ~on_time).mean(), 1e-9))
            new = quick
        else:
            change = on_time & (roll < -shift / max(on_time.mean(), 1e-9))
            new = late
        new = np.where(new > np.datetime64(last_day), np.datetime64("NaT"), new)
        examinations["completed_on"] = np.where(change, new, completed).astype("datetime64[ns]")


def _scale_need(frames: dict[str, pd.DataFrame], need: float) -> None:
    """The reference expenditure need follows the municipality's need factor (^0.85)."""
    ref = frames["reference"]
    rows = ref["key"] == "expenditure_need_per_0_22"
    ref.loc[rows, "value"] = (ref.loc[rows, "value"] * need**0.85).round()


# ---------------------------------------------------------------------------------------------
# Arrow conversion
# ---------------------------------------------------------------------------------------------
def table_schema(name: str) -> pa.Schema:
    """The Parquet schema of table ``name``: ``municipality_code`` (except for shared tables),
    then the contract's columns; text as string, whole numbers int64, numbers float64, dates
    and date-times timestamp[ns]."""
    spec = TABLES[name]
    fields = [] if name in SHARED_TABLES else [pa.field(CODE, pa.string(), nullable=False)]
    fields += [pa.field(col.name, _PARQUET_TYPE[col.kind]) for col in spec.columns]
    return pa.schema(fields)


def _to_arrow(name: str, frame: pd.DataFrame, code: str | None) -> pa.Table:
    schema = table_schema(name)
    arrays = []
    for field in schema:
        if field.name == CODE:
            arrays.append(pa.array(np.full(len(frame), code, dtype=object), type=pa.string()))
            continue
        values = frame[field.name]
        if pa.types.is_string(field.type):
            array = pa.array(values, type=pa.string(), from_pandas=True)
            if field.name in ID_COLUMNS and code is not None:
                array = pc.utf8_replace_slice(array, 1, 1, f"{code}-")
        elif pa.types.is_timestamp(field.type):
            array = pa.array(values.to_numpy(dtype="datetime64[ns]"), type=field.type)
        elif pa.types.is_integer(field.type):
            array = pa.array(values.astype("Int64").to_numpy(na_value=None), type=field.type)
        else:
            array = pa.array(values.to_numpy(dtype=float), type=field.type, from_pandas=True)
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=schema)


@contextmanager
def _object_strings() -> Iterator[None]:
    """Let pandas keep text as object arrays while the generator runs.

    The values are the same (a test checks it); pandas 3's default Arrow-backed ``str`` dtype
    costs the generator about half its time in conversions of its many intermediate frames.
    Without the (deprecated) option, e.g. in pandas 4, nothing changes but the speed.
    """
    option = "future.infer_string"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            before = pd.get_option(option)
            pd.set_option(option, False)
    except (KeyError, pd.errors.OptionError):
        yield
        return
    try:
        yield
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pd.set_option(option, before)


def _first_day(years: int) -> date:
    return date(EXTRACT_DATE.year - years, 1, 1)


def _municipality_tables(
    municipality: NationalMunicipality, years: int, seed: int
) -> dict[str, pa.Table]:
    """Simulate one municipality; its tables as Arrow tables with prefixed identifiers."""
    # The same stream as np.random.SeedSequence(seed).spawn(98)[index].
    stream = np.random.SeedSequence(seed, spawn_key=(municipality.index,))
    profile_ss, data_ss, speed_ss = stream.spawn(3)
    profile, extra = draw_profile(np.random.default_rng(profile_ss), municipality.population)
    first = _first_day(years)
    population = round(
        municipality.population / (1 + profile.growth) ** (POPULATION_YEAR - first.year)
    )
    with _object_strings():
        frames = generate_municipality(
            np.random.default_rng(data_ss),
            municipality.code,
            municipality.name,
            population,
            first,
            EXTRACT_DATE,
            profile=profile,
        )
    _casework_speed(np.random.default_rng(speed_ss), frames, extra, EXTRACT_DATE)
    _scale_need(frames, extra.need)
    return {
        name: _to_arrow(name, frames[name], None if name in SHARED_TABLES else municipality.code)
        for name in TABLE_ORDER
    }


Task = tuple[NationalMunicipality, int, int, str]  # municipality, years, seed, part folder


def _work(task: Task) -> dict[str, str]:
    """Worker: simulate one municipality and write its tables as Arrow IPC files to the part
    folder (passing files is much cheaper than pickling hundreds of MB through a pipe)."""
    municipality, years, seed, folder = task
    paths = {}
    for name, table in _municipality_tables(municipality, years, seed).items():
        path = os.path.join(folder, f"{municipality.index:03d}-{name}.arrow")
        with pa.OSFile(path, "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)
        paths[name] = path
    return paths


def _read_parts(paths: dict[str, str]) -> dict[str, pa.Table]:
    """Memory-map the part files of one municipality and remove them (the mapping stays)."""
    tables = {}
    for name, path in paths.items():
        with pa.memory_map(path) as source:
            tables[name] = pa.ipc.open_file(source).read_all()
        os.remove(path)
    return tables


def _ordered_results(
    tasks: list[tuple[NationalMunicipality, int, int]], workers: int, folder: Path
) -> Iterator[dict[str, pa.Table]]:
    """Each municipality's tables, in task order. With several workers, at most
    ``IN_FLIGHT × workers`` municipalities are simulated ahead of the one being written."""
    if workers <= 1:
        for municipality, years, seed in tasks:
            yield _municipality_tables(municipality, years, seed)
        return
    with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn")) as pool:
        pending: deque[Future[dict[str, str]]] = deque()
        todo = iter(tasks)

        def submit_next() -> None:
            for task in todo:
                pending.append(pool.submit(_work, (*task, str(folder))))
                return

        for _ in range(IN_FLIGHT * workers):
            submit_next()
        while pending:
            paths = pending.popleft().result()
            submit_next()
            yield _read_parts(paths)


class _TableWriter:
    """Appends Arrow tables to one Parquet file in row groups of at most ROW_GROUP_ROWS."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.schema = schema
        self.buffer: list[pa.Table] = []
        self.buffered = 0
        self.rows = 0
        self.writer = pq.ParquetWriter(path, schema, compression=COMPRESSION)

    def add(self, table: pa.Table) -> None:
        self.buffer.append(table)
        self.buffered += table.num_rows
        if self.buffered >= ROW_GROUP_ROWS:
            self.flush(whole_groups_only=True)

    def flush(self, *, whole_groups_only: bool = False) -> None:
        """Write the buffer; with ``whole_groups_only`` keep the rows after the last full row
        group for the next write (so every row group but the last has ROW_GROUP_ROWS)."""
        if not self.buffer:
            return
        combined = pa.concat_tables(self.buffer)
        n = combined.num_rows
        if whole_groups_only:
            n -= n % ROW_GROUP_ROWS
        if n:
            self.writer.write_table(combined.slice(0, n), row_group_size=ROW_GROUP_ROWS)
            self.rows += n
        rest = combined.slice(n)
        self.buffer = [rest] if rest.num_rows else []
        self.buffered = rest.num_rows

    def close(self) -> None:
        self.flush()
        if self.rows == 0:  # keep the file readable with its schema
            self.writer.write_table(self.schema.empty_table())
        self.writer.close()


def national_yaml(municipalities: Sequence[NationalMunicipality], seed: int, years: int) -> str:
    """The ``municipality.yml`` of the national data set."""
    lines = [
        "# Synthetic data for Denmark's municipalities, made by noegletal.synthetic.national",
        f"# (seed {seed}, {len(municipalities)} municipalities, {years} years). Codes and names",
        "# are real; every number is simulated.",
        "name: Danmarks kommuner (syntetisk)",
        'code: "000"',
        "currency: DKK",
        "discretion_threshold: 5",
        "language: da",
        f"extract_date: {EXTRACT_DATE.isoformat()}",
        "municipalities:",
    ]
    for m in municipalities:
        name = json.dumps(m.name, ensure_ascii=False)
        lines.append(f'  - {{code: "{m.code}", name: {name}}}')
    return "\n".join(lines) + "\n"


def generate_national(
    out_dir: Path,
    *,
    municipalities: int | Sequence[str] = 98,
    years: int = 10,
    seed: int = 2026,
    workers: int | None = None,
) -> list[Path]:
    """Write the national synthetic data set to ``out_dir`` (see the module docstring).

    Parameters
    ----------
    out_dir
        Folder to write to (created if needed); existing table files are overwritten.
    municipalities
        How many municipalities: the first N of ``municipalities.csv`` (code order), or a
        sequence of 3-digit codes.
    years
        Whole years before 2026 in the window: data run from 1 January ``2026 − years`` to
        the extract date 30 June 2026.
    seed
        Random seed; the same arguments give byte-identical files (whatever ``workers``).
    workers
        Processes simulating municipalities (default 2, at most the number of CPUs); 1 runs
        everything in this process.

    Returns
    -------
    list[Path]
        The written files: ``NAME.parquet`` per table (in the order of ``DATA.md``), then
        ``municipality.yml``.
    """
    if years < 1:
        raise ValueError(f"years must be at least 1 (got {years})")
    selected = _select(municipalities)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if workers is None:
        workers = min(2, os.cpu_count() or 1)
    workers = max(1, min(workers, len(selected)))
    writers = {
        name: _TableWriter(out_dir / f"{name}.parquet", table_schema(name)) for name in TABLE_ORDER
    }
    try:
        with tempfile.TemporaryDirectory(prefix=".parts-", dir=out_dir) as folder:
            tasks = [(m, years, seed) for m in selected]
            for i, tables in enumerate(_ordered_results(tasks, workers, Path(folder))):
                for name, table in tables.items():
                    if name in SHARED_TABLES and i > 0:
                        continue
                    writers[name].add(table)
    finally:
        for writer in writers.values():
            writer.close()
    config = out_dir / "municipality.yml"
    config.write_text(national_yaml(selected, seed, years), encoding="utf-8", newline="\n")
    return [writers[name].path for name in TABLE_ORDER] + [config]
