"""`make bench`: measure what matters, write benchmarks/results.json and the table in
benchmarks/README.md.

Every figure is measured in this one run, each command in a fresh process: wall time and the
peak resident memory of the largest process. For the all-municipality runs, which fork worker
processes, the command runs once more to sample the whole process tree's memory every 0.1 s
(proportional set size: pages the workers share with the parent counted once); the peak is the
higher of the two. Sampling runs separately because it slows the timed run by about a tenth:

(a) every indicator for one municipality and one period (the example, CSV);
(b) every indicator for all municipalities × one period at 10 %, 50 % and 100 % of national
    scale (the synthetic 98-municipality set, DuckDB engine), so the growth curve shows — each
    timed three times, the median reported and every run listed (the VM's speed drifts);
(c) the floor: the time DuckDB takes just to scan the columns the indicators read;
(d) rendering the three reports cold, and again with unchanged inputs (render cache);
(e) peak memory.

The national data set is generated on first use into benchmarks/data/ (git-ignored).
Usage: python benchmarks/run.py [--quick]   (--quick: 10 % scale only, for a smoke test)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks"
DATA = BENCH / "data"
NATIONAL = DATA / "national"
EXAMPLE = ROOT / "data" / "example"
CLI = [sys.executable, "-m", "noegletal"]
PERIOD = "2025"

MEASURE = r"""
import json, os, resource, subprocess, sys, tempfile, time

SAMPLE = os.environ.get("NOEGLETAL_BENCH_SAMPLE") == "1"

def tree(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            kids = handle.read().split()
    except OSError:
        kids = []
    return [pid, *(p for kid in kids for p in tree(int(kid)))]

def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            return next((int(l.split()[1]) for l in handle if l.startswith("Pss:")), 0)
    except OSError:
        return 0

with tempfile.TemporaryFile("w+") as err:
    start = time.perf_counter()
    proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=err, text=True)
    peak_pss = 0
    while SAMPLE and proc.poll() is None:  # the process tree, shared pages counted once
        peak_pss = max(peak_pss, sum(pss_kb(p) for p in tree(proc.pid)))
        time.sleep(0.1)
    proc.wait()
    seconds = time.perf_counter() - start
    err.seek(0)
    stderr = err.read()
largest = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_kb": max(peak_pss, largest), "rc": proc.returncode,
                  "stderr": stderr[-2000:]}))
"""


def _run_measured(command: list[str], env: dict[str, str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, *command],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        check=True,
    )
    record = json.loads(result.stdout.strip().splitlines()[-1])
    if record["rc"] != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}\n{record['stderr']}")
    return record


def measure(
    command: list[str],
    env: dict[str, str] | None = None,
    *,
    process_tree: bool = False,
    repeat: int = 1,
) -> dict:
    """Run ``command`` in a fresh measuring process: wall seconds and peak memory (MB), the
    largest single process's resident size. With ``repeat`` the command is timed that many
    times and ``seconds`` is the median (``each_run`` lists them all): this virtual machine's
    speed drifts with the host's load. With ``process_tree`` the command runs once more to
    sample the whole process tree's memory (PSS, shared pages counted once: worker processes
    share the parent's tables), since sampling would slow a timed run."""
    env = env or {}
    records = [_run_measured(command, env) for _ in range(repeat)]
    peak_kb = max(r["peak_kb"] for r in records)
    if process_tree:
        sampled = _run_measured(command, {**env, "NOEGLETAL_BENCH_SAMPLE": "1"})
        peak_kb = max(peak_kb, sampled["peak_kb"])
    each = [round(r["seconds"], 2) for r in records]
    return {
        "seconds": round(statistics.median(r["seconds"] for r in records), 2),
        "each_run": each,
        "peak_memory_mb": round(peak_kb / 1024),
    }


def national_data() -> tuple[Path, dict]:
    """The full national set, generated afresh in this run (its time and memory are figures
    too); the subsets are rebuilt from it."""
    if DATA.exists():
        shutil.rmtree(DATA)
    DATA.mkdir(parents=True)
    run = measure([*CLI, "example-data", str(NATIONAL), "--municipalities", "98", "--years", "10"])
    return NATIONAL, run


def subset(source: Path, fraction: float) -> tuple[Path, int, int]:
    """A copy of the national set with municipalities whose ledgers hold about ``fraction``
    of all ledger rows (every k-th municipality in code order, deterministic)."""
    import duckdb
    import yaml

    target = DATA / f"national-{round(fraction * 100)}pct"
    config = yaml.safe_load((source / "municipality.yml").read_text(encoding="utf-8"))
    con = duckdb.connect()
    rows = dict(
        con.execute(
            f"SELECT municipality_code, COUNT(*) FROM read_parquet('{source}/ledger.parquet') "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
    )
    total = sum(rows.values())
    chosen: list[str] = []
    taken = 0
    for i, code in enumerate(sorted(rows)):
        # Spread the choice over the list: take a municipality when we are behind the target.
        if taken < fraction * total * (i + 1) / len(rows):
            chosen.append(code)
            taken += rows[code]
    if not (target / "ledger.parquet").exists():
        target.mkdir(parents=True, exist_ok=True)
        codes = ", ".join(f"'{c}'" for c in chosen)
        for path in sorted(source.glob("*.parquet")):
            columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]
            where = (
                f"WHERE municipality_code IN ({codes})" if "municipality_code" in columns else ""
            )
            con.execute(
                f"COPY (SELECT * FROM read_parquet('{path}') {where}) TO '{target / path.name}' "
                "(FORMAT PARQUET, COMPRESSION ZSTD)"
            )
        listed = [m for m in config["municipalities"] if str(m["code"]).zfill(3) in chosen]
        (target / "municipality.yml").write_text(
            yaml.safe_dump(
                {**config, "municipalities": listed}, allow_unicode=True, sort_keys=False
            ),
            encoding="utf-8",
        )
    con.close()
    return target, len(chosen), taken


def scan_floor(source: Path) -> float:
    """Seconds for DuckDB to scan every column the indicators read (best of 3)."""
    import duckdb

    con = duckdb.connect()
    queries = []
    for path in sorted(source.glob("*.parquet")):
        columns = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()]
        parts = ", ".join(f"SUM(hash({c}))" for c in columns)  # reads every value
        queries.append(f"SELECT {parts} FROM read_parquet('{path}')")
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for query in queries:
            con.execute(query).fetchall()
        best = min(best, time.perf_counter() - start)
    con.close()
    return round(best, 2)


def single_compute_seconds() -> float:
    """Seconds to compute every indicator for the example, data already loaded (best of 3)."""
    code = (
        "import time; from noegletal.data.load import load_tables; "
        "from noegletal.indicators import compute; t = load_tables('data/example'); "
        "best = min((lambda s: (compute(t, '2025'), time.perf_counter() - s)[1])"
        "(time.perf_counter()) for _ in range(3)); print(best)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return round(float(out.stdout.strip().splitlines()[-1]), 3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 % national scale only")
    args = parser.parse_args()
    results: dict[str, object] = {}

    # (a) one municipality, one period
    single = measure(
        [*CLI, "indicators", "--data", str(EXAMPLE), "--period", PERIOD, "--format", "none"]
    )
    results["single_municipality_all_indicators_cli_seconds"] = single["seconds"]
    results["single_municipality_all_indicators_compute_seconds"] = single_compute_seconds()
    results["single_municipality_peak_memory_mb"] = single["peak_memory_mb"]

    # (b), (c), (e) national scale
    national, generated = national_data()
    results["national_generation_98x10_seconds"] = generated["seconds"]
    results["national_generation_98x10_peak_memory_mb"] = generated["peak_memory_mb"]
    fractions = [0.1] if args.quick else [0.1, 0.5, 1.0]
    for fraction in fractions:
        label = f"national_{round(fraction * 100)}pct"
        folder, count, ledger_rows = (
            (national, 98, None) if fraction == 1.0 else subset(national, fraction)
        )
        if ledger_rows is None:
            import duckdb

            con = duckdb.connect()
            ledger_rows = con.execute(
                f"SELECT COUNT(*) FROM read_parquet('{folder}/ledger.parquet')"
            ).fetchone()[0]
            con.close()
        run = measure(
            [*CLI, "indicators", "--data", str(folder), "--period", PERIOD, "--by", "municipality",
             "--engine", "duckdb", "--format", "none"],
            process_tree=True,
            repeat=3,
        )  # fmt: skip
        results[f"{label}_municipalities"] = count
        results[f"{label}_ledger_rows"] = ledger_rows
        results[f"{label}_all_municipalities_seconds"] = run["seconds"]
        results[f"{label}_all_municipalities_seconds_each_run"] = run["each_run"]
        results[f"{label}_peak_memory_mb"] = run["peak_memory_mb"]
        floor = scan_floor(folder)
        results[f"{label}_floor_duckdb_scan_seconds"] = floor
        results[f"{label}_to_floor_ratio"] = round(run["seconds"] / floor, 1)
    if not args.quick:
        folder, _, _ = subset(national, 0.1)
        pandas_run = measure(
            [*CLI, "indicators", "--data", str(folder), "--period", PERIOD, "--by", "municipality",
             "--engine", "pandas", "--format", "none"],
            process_tree=True,
        )  # fmt: skip
        results["national_10pct_pandas_engine_seconds"] = pandas_run["seconds"]
        results["national_10pct_pandas_engine_peak_memory_mb"] = pandas_run["peak_memory_mb"]

    # (d) rendering, cold and unchanged
    with tempfile.TemporaryDirectory(prefix="noegletal-bench-") as tmp:
        env = {"NOEGLETAL_CACHE_DIR": str(Path(tmp) / "cache")}
        render = [*CLI, "render", "all", "--data", str(EXAMPLE), "--period", "2026-H1",
                  "--out", str(Path(tmp) / "out"), "--date", "2026-08-15"]  # fmt: skip
        cold = measure(render, env)
        warm = measure(render, env)
    results["render_three_reports_cold_seconds"] = cold["seconds"]
    results["render_three_reports_cold_peak_memory_mb"] = cold["peak_memory_mb"]
    results["render_three_reports_unchanged_seconds"] = warm["seconds"]

    results["machine"] = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    (BENCH / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    write_readme(results)
    print(json.dumps(results, indent=1))


TARGETS = [
    ("national_generation_98x10_seconds", "< 120 s", lambda v: v < 120),
    ("single_municipality_all_indicators_compute_seconds", "< 1 s", lambda v: v < 1),
    ("national_100pct_all_municipalities_seconds", "< 60 s", lambda v: v < 60),
    ("national_100pct_peak_memory_mb", "< 6 GB", lambda v: v < 6144),
    ("national_100pct_to_floor_ratio", "≤ 5× floor", lambda v: v <= 5),
    ("render_three_reports_cold_seconds", "< 60 s", lambda v: v < 60),
    ("render_three_reports_unchanged_seconds", "< 2 s", lambda v: v < 2),
]


def write_readme(results: dict[str, object]) -> None:
    """Replace the generated table in benchmarks/README.md."""
    lines = ["| figure | value |", "|---|---:|"]
    for key, value in results.items():
        if key != "machine":
            lines.append(f"| `{key}` | {value} |")
    lines += ["", "| target | value | met |", "|---|---:|:---:|"]
    for key, target, check in TARGETS:
        if key in results:
            value = results[key]
            lines.append(f"| `{key}` {target} | {value} | {'yes' if check(value) else 'no'} |")
    machine = results["machine"]
    lines += ["", f"Measured {machine['measured_at']} on {machine['cpus']} CPUs, "
              f"Python {machine['python']}."]  # fmt: skip
    readme = BENCH / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- results:start -->\n", "<!-- results:end -->"
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    readme.write_text(head + start + "\n".join(lines) + "\n" + end + tail, encoding="utf-8")


if __name__ == "__main__":
    main()
