"""Foundation benchmark: the database build, and an origin-destination aggregation on a
synthetic 20 M-record commuting table through the project's API vs raw DuckDB SQL vs pandas.

Each case runs in its own process so that its peak memory is its own. Prints times, ratios
against raw DuckDB measured in the same run, and peak resident memory.

    .venv/bin/python benchmarks/bench_foundation.py [--records 20000000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO, bench_database, peak_rss_mib, timed

SQL = "SELECT home_code, work_code, sum(workers) AS workers FROM commuting_flows GROUP BY ALL"


def case_api(db_path: str) -> float:
    from smartidf_analysis.data import db

    seconds, result = timed(lambda: db.aggregate("commuting_flows", ["home_code", "work_code"],
                                                 ["workers"], path=db_path, order=False))
    assert len(result) > 0
    return seconds


def case_duckdb(db_path: str) -> float:
    import duckdb

    con = duckdb.connect(db_path, read_only=True)
    seconds, result = timed(lambda: con.execute(SQL).df())
    assert len(result) > 0
    return seconds


def case_pandas(db_path: str) -> float:
    import duckdb

    con = duckdb.connect(db_path, read_only=True)
    frame = con.execute("SELECT home_code, work_code, workers FROM commuting_flows").df()
    con.close()
    seconds, result = timed(lambda: frame.groupby(["home_code", "work_code"], observed=True)
                            ["workers"].sum().reset_index())
    assert len(result) > 0
    return seconds


def case_dask_pushdown(db_path: str) -> float:
    import dask

    from smartidf_analysis.data import db

    with dask.config.set(scheduler="threads"):
        seconds, result = timed(lambda: db.read_dask_grouped(
            "commuting_flows", ["home_code", "work_code"], ["workers"], npartitions=8,
            path=db_path).compute())
    assert len(result) > 0
    return seconds


CASES = {"project API (db.aggregate)": case_api, "raw DuckDB SQL": case_duckdb,
         "pandas groupby (in memory)": case_pandas,
         "Dask push-down (db.read_dask_grouped)": case_dask_pushdown}


def run_case(name: str, db_path: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--case", name, "--db", db_path],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def build_times() -> tuple[float, float]:
    """Seconds for a forced real-data build (mirror) and a no-op rebuild; NaN without mirror."""
    from smartidf_analysis import config
    from smartidf_analysis.data import build

    if config.mirror_dir() is None:
        return float("nan"), float("nan")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "smartidf.duckdb"
        start = time.perf_counter()
        build.build(path=path, progress=False)
        full = time.perf_counter() - start
        start = time.perf_counter()
        result = build.build(path=path, progress=False)
        assert not result.changed
        return full, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=20_000_000)
    parser.add_argument("--case")
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.case:
        seconds = CASES[args.case](args.db)
        print(json.dumps({"seconds": seconds, "peak_mib": peak_rss_mib()}))
        return
    os.chdir(REPO)
    full, noop = build_times()
    print(f"real-data build: {full:.2f} s; no-op rebuild: {noop:.2f} s")
    start = time.perf_counter()
    db_path = str(bench_database(args.records))
    print(f"synthetic {args.records:,}-record database ready in {time.perf_counter() - start:.1f} s"
          f" ({db_path})")
    results = {name: run_case(name, db_path) for name in CASES}
    base = results["raw DuckDB SQL"]["seconds"]
    print(f"\n== OD aggregation home x work, {args.records:,} records, median of 3 "
          "(ratio vs raw DuckDB) ==")
    for name, r in results.items():
        print(f"{name:<40} {r['seconds']:7.3f} s  x{r['seconds'] / base:5.2f}   "
              f"peak {r['peak_mib']:7.0f} MiB")
    pandas_s = results["pandas groupby (in memory)"]["seconds"]
    api_s = results["project API (db.aggregate)"]["seconds"]
    print(f"project API vs raw DuckDB: x{api_s / base:.2f}; pandas / project API: "
          f"x{pandas_s / api_s:.2f}")


if __name__ == "__main__":
    main()
