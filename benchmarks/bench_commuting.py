"""Commuting: indicators, page update for a new commune, od_matrix at 20 M records.

Prints (no asserts), medians of 3 unless said:
1. all commune indicators from the database (``commuting.indicators``) vs a naive baseline
   that reads the whole flow table into pandas and groups there;
2. server time of the Commuting page for a newly selected commune (the page rendered into
   a Bokeh document, so model updates are included), vs a full map redraw;
3. ``od_matrix(level="ept")`` on the synthetic 20 M-record table (workers = 1 per record):
   DuckDB engine vs Dask engine (partitions reduce in DuckDB, Dask combines).

Run: ``SMARTIDF_DB=/tmp/real.duckdb python benchmarks/bench_commuting.py [n_records]``
(the database of parts 1-2 is SMARTIDF_DB, the real one when built from the mirror).
"""

from __future__ import annotations

import os
import statistics
import sys
import time

import pandas as pd
from common import bench_database, peak_rss_mib, report, timed

from smartidf_analysis import commuting as cm
from smartidf_analysis import config
from smartidf_analysis.data import db


def naive_indicators() -> pd.DataFrame:
    """Baseline: every flow row into pandas, then the same indicator function."""
    flows = db.read_table("commuting_flows", ["home_code", "work_code", "mode", "workers"])
    communes = db.read_table("communes", ["commune_code", "commune_name", "department_code",
                                          "centroid_x_l93", "centroid_y_l93", "area_km2"])
    flows = cm.add_distances(flows, communes)
    return cm.commune_indicators(flows, communes[communes["commune_code"] != cm.PARIS_CODE])


def bench_indicators() -> None:
    cm.indicators()  # warm the connection and caches
    t_api, table = timed(cm.indicators)
    t_naive, _ = timed(naive_indicators)
    report(f"All commune indicators ({len(table):,} communes) from {config.db_path().name}",
           [("naive: all rows to pandas", t_naive, ""),
            ("commuting.indicators (DuckDB group-by)", t_api, "target < 0.5 s")],
           baseline="naive: all rows to pandas")


def bench_page() -> None:
    import panel as pn
    from bokeh.document import Document

    from smartidf_analysis.apps.commuting import CommutingPage
    from smartidf_analysis.apps.shell import setup

    setup()
    page = CommutingPage(lang="fr")
    page.__panel__().server_doc(Document())
    [select] = [w for w in page.__panel__().select(pn.widgets.Select)
                if w.name == page.tr("cm_commune")]
    codes = [c for c in select.values if c][::97][:12]
    page.state.commune = codes[0]  # first selection renders the line glyphs once
    times = []
    for code in codes[1:]:
        start = time.perf_counter()
        page.state.commune = code
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    page.state.modes = ["TC", "VP"]
    t_recolour = time.perf_counter() - start
    start = time.perf_counter()
    page.state.indicator = "relative_balance"
    t_redraw = time.perf_counter() - start
    report("Commuting page, server time per update (Bokeh models included; one run each)",
           [("full map redraw (indicator change)", t_redraw, "cached indicators, 1,285 polygons"),
            ("recolour in place (mode filter change)", t_recolour,
             "new indicators + flows computed, values sent"),
            ("new commune, median of 11", statistics.median(times), "target < 0.3 s"),
            ("new commune, slowest of 11", max(times), "")],
           baseline="full map redraw (indicator change)")


def bench_od_matrix(n_records: int) -> None:
    path = bench_database(n_records)
    cm.od_matrix("ept", path=path)  # warm: file pages in the OS cache, connection opened
    rows = []
    t_duck, od = timed(lambda: cm.od_matrix("ept", path=path))
    rows.append(("DuckDB engine (one GROUP BY)", t_duck, f"{len(od)} EPT pairs"))
    t_dask, od_dask = timed(lambda: cm.od_matrix("ept", engine="dask", path=path))
    rows.append(("Dask engine (8 partitions, threads)", t_dask,
                 f"{od_dask['workers'].sum():,.0f} workers"))
    t_mode, _ = timed(lambda: cm.od_matrix("ept", by=("mode",), path=path))
    rows.append(("DuckDB engine, by mode", t_mode, ""))
    same = (od["workers"].to_numpy() == od_dask["workers"].to_numpy()).all()
    report(f"od_matrix(level='ept') on {n_records:,} records (totals equal: {same})", rows,
           baseline="DuckDB engine (one GROUP BY)")


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000_000
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    bench_indicators()
    bench_page()
    bench_od_matrix(n)
    print(f"\npeak RSS: {peak_rss_mib():,.0f} MiB")
