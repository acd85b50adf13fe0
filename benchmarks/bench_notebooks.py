"""``smartidf notebooks run`` (issue 27: the studies in <= 60 s on this 2-core machine),
measured, never asserted.

Each case is the command in a fresh process against the configured database
(``SMARTIDF_DB``, or the checkout's ``data/smartidf.duckdb``), its wall time and each
notebook's (from the run's ``provenance.json``):

* ``cold``: the build's kept results (``cache/`` beside the database, see
  ``smartidf_analysis/data/stored.py``) removed first, as on the first run after a build;
* ``warm``: the same command again;

with ``--jobs 1`` (the notebooks one after the other, as before) and ``--jobs`` one per core.
Then what a notebook pays before its first cell: a bare ``python3`` kernel started and
stopped (nbclient, one empty cell), and the studies' imports in a fresh interpreter.
``--cells N``: the N slowest cells of each notebook, each notebook run alone in a kernel
(nbclient's own timings), kept results used as they are.

Run from the repository root with the database built (``smartidf data build``)::

    .venv/bin/python benchmarks/bench_notebooks.py [--cases jobs1,jobs2] [--cells 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SMARTIDF = Path(sys.executable).with_name("smartidf")
#: what the studies import in their first cell
IMPORTS = ("import holoviews, panel, pandas, pvlib, xarray, scipy.optimize; "
           "import smartidf_analysis.broadband, smartidf_analysis.commuting, "
           "smartidf_analysis.telecentres, smartidf_analysis.solar.io, "
           "smartidf_analysis.reporting.territory, smartidf_analysis.apps.shell")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min {five:.1f})"


def run(jobs: int, out: Path, cold: bool) -> dict:
    """One ``smartidf notebooks run`` command; its wall time and the notebooks' times."""
    from smartidf_analysis.data import stored

    if cold:
        shutil.rmtree(stored.cache_dir(), ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    before = load()
    start = time.perf_counter()
    done = subprocess.run([str(SMARTIDF), "notebooks", "run", "--out", str(out), "--jobs", str(jobs)],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"smartidf notebooks run failed:\n{done.stderr[-3000:]}")
    runs = json.loads((out / "provenance.json").read_text(encoding="utf-8"))["notebooks"]
    return {"seconds": seconds, "notebooks": {r["stem"]: r["seconds"] for r in runs},
            "load_before": before, "load_after": load()}


def kernel_start(repeat: int = 3) -> list[float]:
    """Seconds to start a ``python3`` kernel, run one empty cell and stop it."""
    import nbformat

    from smartidf_analysis.reporting.notebook_runner import execute_notebook

    folder = Path(tempfile.mkdtemp(prefix="bench-kernel-"))
    path = folder / "empty.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("pass")]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, str(path))
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        execute_notebook(path)
        times.append(time.perf_counter() - start)
    shutil.rmtree(folder, ignore_errors=True)
    return times


def imports(repeat: int = 3) -> list[float]:
    """Seconds of a fresh interpreter importing what the studies import."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", IMPORTS], check=True)
        times.append(time.perf_counter() - start)
    return times


def slowest_cells(n: int) -> None:
    """Each notebook alone in a kernel; its ``n`` slowest cells (nbclient's timings)."""
    from smartidf_analysis.reporting.notebook_runner import execute_notebook, kernel_env
    from smartidf_analysis.reporting.reports import notebook_paths

    for path in notebook_paths():
        report_dir = Path(tempfile.mkdtemp(prefix="bench-cells-"))
        start = time.perf_counter()
        nb = execute_notebook(path, kernel_env(report_dir=report_dir, notebook=path.stem))
        total = time.perf_counter() - start
        shutil.rmtree(report_dir, ignore_errors=True)
        cells = []
        for index, cell in enumerate(nb.cells):
            timing = cell.metadata.get("execution", {})
            if cell.cell_type == "code" and "shell.execute_reply" in timing:
                began = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
                ended = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
                first = next((line for line in cell.source.splitlines()
                              if line.strip() and not line.startswith(("#", "import", "from"))), "")
                cells.append(((ended - began).total_seconds(), index, first[:70]))
        in_cells = sum(c[0] for c in cells)
        print(f"\n{path.stem}: {total:.1f} s ({in_cells:.1f} s in cells, {total - in_cells:.1f} s "
              f"kernel start, messages, shutdown); {load()}")
        for seconds, index, first in sorted(cells, reverse=True)[:n]:
            print(f"  cell {index:>2} {seconds:6.2f} s  {first}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="jobs1,jobs",
                        help="comma-separated: jobs1 (one by one), jobs (one per core)")
    parser.add_argument("--cells", type=int, default=0, help="also print the N slowest cells")
    parser.add_argument("--out", default=None, help="reports folder (default: a temporary one)")
    opts = parser.parse_args()
    from smartidf_analysis import config
    from smartidf_analysis.reporting.notebook_jobs import default_jobs

    out = Path(opts.out or tempfile.mkdtemp(prefix="bench-notebooks-")) / "reports"
    print(f"database {config.db_path()}; {os.cpu_count()} cores; {load()}")
    results = {}
    for case in opts.cases.split(","):
        jobs = 1 if case == "jobs1" else default_jobs()
        for kind in ("cold", "warm"):
            result = run(jobs, out, cold=kind == "cold")
            results[(jobs, kind)] = result
            per = ", ".join(f"{stem[:2]} {s:.1f}" for stem, s in result["notebooks"].items())
            print(f"--jobs {jobs} {kind}: {result['seconds']:6.1f} s  [{per}]  "
                  f"({result['load_before']} before, {result['load_after']} after)")
    base = results.get((1, "cold"))
    if base:
        print("\nratios vs --jobs 1 cold:")
        for (jobs, kind), result in results.items():
            print(f"  --jobs {jobs} {kind}: x{result['seconds'] / base['seconds']:.2f}")
    starts = kernel_start()
    print(f"\nbare kernel start + one empty cell + stop: {min(starts):.2f}-{max(starts):.2f} s")
    times = imports()
    print(f"the studies' imports in a fresh interpreter: {min(times):.2f}-{max(times):.2f} s")
    if opts.cells:
        slowest_cells(opts.cells)


if __name__ == "__main__":
    main()
