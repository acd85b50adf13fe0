"""Scaling benchmark (issue 21): the France-like synthetic region at 1x, 4x and 16x (16x:
35,200 communes, 30.4 M commute records, 20 M roofs), computed three ways:

* ``duckdb``: one process on the DuckDB file (SQL in DuckDB with its threads; the solar
  stock's roof pass on Dask's local threads);
* ``dask-1`` / ``dask-2``: a real cluster (``dask scheduler`` + 1 or 2 ``dask worker``
  processes of one thread each, ``SMARTIDF_DUCKDB_THREADS=1``) reading the Parquet export,
  through ``SMARTIDF_DASK_ADDRESS`` and ``SMARTIDF_PARQUET``.

Per case and scale: wall time of ``od_matrix("department")``, ``indicators()`` and
``stock_summary(n=roofs)`` (each the first call in a fresh process whose imports, and its
workers', are done before timing), and peak memory: the
client process's peak RSS plus each worker's (``VmHWM``). Databases and exports are cached under
``data/bench/``. Prints a table and where Dask starts to pay; asserts nothing on time.

    .venv/bin/python benchmarks/bench_cluster.py [--scales 1 4 16] [--cases duckdb dask-1 dask-2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import BENCH_DIR, REPO

sys.path.insert(0, str(REPO / "tests"))


def prepare(scale: float) -> tuple[Path, Path, dict]:
    """The France-like database and its Parquet export at ``scale`` (built once)."""
    from smartidf_analysis.data import parquet
    from smartidf_analysis.data.export import export
    from smartidf_analysis.data.synthetic import france

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    path, out = BENCH_DIR / f"france_{scale:g}.duckdb", BENCH_DIR / f"france_{scale:g}_export"
    built = {}
    if not path.exists():
        start = time.perf_counter()
        france.build_france(path, scale=scale)
        built["build_s"] = time.perf_counter() - start
    if not (out / parquet.MANIFEST).exists():
        start = time.perf_counter()
        export(str(out), path=path)
        built["export_s"] = time.perf_counter() - start
    return path, out, {**france.sizes(scale), **built}


def run_case(engine: str, roofs: int) -> dict:
    """In a fresh process: the three studies, timed; the client's and workers' peak RSS."""
    import dask.dataframe  # noqa: F401 - imports are warm-up, not study time

    from smartidf_analysis.commuting import io as commuting
    from smartidf_analysis.data import compute
    from smartidf_analysis.solar import io as solar

    start = time.perf_counter()
    client = compute.client()
    if client is not None:  # a cluster in service has imported the package already
        client.run(_warm_up)
    from smartidf_analysis.data import db

    compute.compute(db.read_dask_grouped("communes", ["department_code"], ["population"]))
    times = {"warm_up_s": time.perf_counter() - start}
    for name, call in (("od_matrix_s", lambda: commuting.od_matrix("department", engine=engine)),
                       ("indicators_s", lambda: commuting.indicators(engine=engine)),
                       ("stock_s", lambda: solar.stock_summary(n=roofs, top=100))):
        start = time.perf_counter()
        call()
        times[name] = time.perf_counter() - start
    workers = 0.0
    if client is not None:
        workers = sum(client.run(high_water_mib).values())
    return {**times, "client_mib": high_water_mib(), "workers_mib": workers}


def high_water_mib() -> float:
    """Peak resident memory of this process [MiB]: ``VmHWM``, which (unlike ``ru_maxrss``)
    does not carry the parent's peak over a fork and exec."""
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(t for t in status if t.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def _warm_up() -> None:
    """Import what the partitions use (run on each worker before timing)."""
    import dask.dataframe  # noqa: F401

    import smartidf_analysis.data.db  # noqa: F401
    import smartidf_analysis.solar.io  # noqa: F401


def case(name: str, scale: float, path: Path, out: Path, roofs: int) -> dict:
    """Run one case in a subprocess (with its cluster for ``dask-N``)."""
    from dask_processes import dask_cluster

    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for key in ("SMARTIDF_DASK_ADDRESS", "SMARTIDF_PARQUET"):
        env.pop(key, None)
    command = [sys.executable, __file__, "--run", "duckdb" if name == "duckdb" else "dask",
               "--roofs", str(roofs)]
    if name == "duckdb":
        env["SMARTIDF_DB"] = str(path)
        return _child(command, env)
    workers = int(name.split("-")[1])
    with dask_cluster(workers, BENCH_DIR / f"cluster-{name}-{scale:g}",
                      env={"SMARTIDF_DUCKDB_THREADS": "1"}, memory_limit="10GB") as address:
        env.update(SMARTIDF_DASK_ADDRESS=address, SMARTIDF_PARQUET=str(out),
                   SMARTIDF_DB=str(path.with_name("not-read.duckdb")))
        return _child(command, env)


def _child(command: list[str], env: dict) -> dict:
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=REPO)
    if done.returncode:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--scales", type=float, nargs="+", default=[1, 4, 16])
    p.add_argument("--cases", nargs="+", default=["duckdb", "dask-1", "dask-2"])
    p.add_argument("--run", choices=["duckdb", "dask"], help=argparse.SUPPRESS)
    p.add_argument("--roofs", type=int, default=0, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.run:
        print(json.dumps(run_case(args.run, args.roofs)))
        return
    rows = []
    for scale in args.scales:
        path, out, info = prepare(scale)
        print(f"\nscale {scale:g}: {info['communes']:,} communes, {info['records']:,} commute "
              f"records, {info['roofs']:,} roofs"
              + "".join(f"; {k} {v:.1f} s" for k, v in info.items() if k.endswith("_s")),
              flush=True)
        for name in args.cases:
            load = os.getloadavg()[0]
            result = case(name, scale, path, out, info["roofs"])
            result["load"] = (load + os.getloadavg()[0]) / 2  # the machine is shared
            total = result["od_matrix_s"] + result["indicators_s"] + result["stock_s"]
            rows.append((scale, name, total, result))
            print(f"  {name:<7} od_matrix {result['od_matrix_s']:6.2f} s  indicators "
                  f"{result['indicators_s']:6.2f} s  stock {result['stock_s']:7.2f} s  total "
                  f"{total:7.2f} s  peak {result['client_mib'] + result['workers_mib']:,.0f} MiB "
                  f"(client {result['client_mib']:,.0f}, workers {result['workers_mib']:,.0f}); "
                  f"load {result['load']:.1f}",
                  flush=True)
    print("\n| scale | case | od_matrix | indicators | solar stock | total | vs duckdb | peak MiB | load |")
    print("|---|---|---|---|---|---|---|---|---|")
    base = {s: t for s, n, t, _r in rows if n == "duckdb"}
    for scale, name, total, r in rows:
        ratio = f"x{total / base[scale]:.2f}" if scale in base else "-"
        print(f"| {scale:g}x | {name} | {r['od_matrix_s']:.2f} s | {r['indicators_s']:.2f} s | "
              f"{r['stock_s']:.2f} s | {total:.2f} s | {ratio} | "
              f"{r['client_mib'] + r['workers_mib']:,.0f} | {r['load']:.1f} |")


if __name__ == "__main__":
    main()
