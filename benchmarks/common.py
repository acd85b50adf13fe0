"""Shared helpers of the benchmarks: a synthetic database with a large commuting table,
peak-memory measurement, and result printing.

Benchmarks print times and ratios against a baseline measured in the same run; they never
assert on time (see benchmarks/README.md).
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BENCH_DIR = REPO / "data" / "bench"
FLOW_COLUMNS = {"home_code": "VARCHAR", "work_code": "VARCHAR", "home_code_2014": "VARCHAR",
                "work_code_2014": "VARCHAR", "mode": "VARCHAR", "csp": "TINYINT",
                "workers": "DOUBLE"}


def bench_database(n_records: int = 20_000_000, seed: int = 0) -> Path:
    """A synthetic-region database whose ``commuting_flows`` holds ``n_records`` individual
    commute records (workers = 1 each), built once and cached under data/bench/."""
    from smartidf_analysis.data import build
    from smartidf_analysis.data import db as project_db
    from smartidf_analysis.data.synthetic import region as synthetic

    path = BENCH_DIR / f"synthetic_{n_records}_{seed}.duckdb"
    if path.exists():
        return path
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    build.build(synthetic=True, seed=seed, path=tmp, progress=False, force=True)

    def batches():
        for batch in synthetic.iter_commute_records(n_records, seed=seed):
            import pyarrow as pa

            table = pa.Table.from_batches([batch])
            table = table.append_column("home_code_2014", table.column("home_code"))
            table = table.append_column("work_code_2014", table.column("work_code"))
            yield table.select(list(FLOW_COLUMNS))

    project_db.write_arrow_table(tmp, "commuting_flows", batches(), FLOW_COLUMNS)
    os.replace(tmp, path)
    return path


def timed(func: Callable, repeat: int = 3) -> tuple[float, object]:
    """Median wall time [s] of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far [MiB] (Linux ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(title: str, rows: list[tuple[str, float, str]], baseline: str) -> None:
    """Print a table of (case, seconds, note) with ratios against the ``baseline`` case."""
    base = dict((r[0], r[1]) for r in rows)[baseline]
    print(f"\n== {title} (ratios vs {baseline}) ==")
    for name, seconds, note in rows:
        print(f"{name:<40} {seconds:8.3f} s  x{seconds / base:5.2f}  {note}")
