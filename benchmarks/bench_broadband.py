"""Broadband: every indicator for all communes and quarters, and the quarter-slider redraw.

Prints (no asserts; ratios against baselines measured in the same run):

1. reading the broadband tables from DuckDB (``broadband.load``);
2. ``compute_indicators`` — rates, classes, growth, department/EPCI/EPT/region aggregates,
   zoning, reconciliation, projections, department trajectory, backtest — against a naive
   pandas baseline that loops over communes (rates, growth and a ``np.polyfit`` pace each);
3. server time of one quarter-slider move on the page: the watchers' work (values, hover
   texts, caption, gap table) plus building the PATCH-DOC message Bokeh sends, against the
   baseline of re-rendering a HoloViews choropleth (``holoviews_redraw``, the former
   ``plots.choropleth``).

Run: ``SMARTIDF_DB=/tmp/real.duckdb python benchmarks/bench_broadband.py`` (any built
database; the real one has 1,271 communes x 3 quarters).
"""

from __future__ import annotations

import itertools
import os
import time

import numpy as np
import pandas as pd
from common import report, timed

from smartidf_analysis import broadband as bb
from smartidf_analysis import config
from smartidf_analysis.broadband import indicators as bi
from smartidf_analysis.data import db


def naive_indicators(data: bb.BroadbandData) -> pd.DataFrame:
    """Baseline: the same core numbers computed one commune at a time."""
    com = data.fibre[data.fibre["geo_level"] == "COM"]
    den = (data.premises.set_index("commune_code_2018")["dwellings"]
           + data.premises.set_index("commune_code_2018")["establishments"])
    rows = []
    for code in sorted(set(com["commune_code_2018"])):
        part = com[com["commune_code_2018"] == code].sort_values("quarter")
        d = float(den.get(code, np.nan))
        rates = part["connectable_premises"].to_numpy(float) / d if d > 0 else None
        x = np.arange(len(part), dtype=float)
        pace = np.polyfit(x, part["connectable_premises"].to_numpy(float), 1)[0]
        for i, q in enumerate(part["quarter"]):
            rows.append({"code": code, "quarter": q,
                         "rate": rates[i] if rates is not None else np.nan,
                         "growth": (rates[i] - rates[i - 1]) if (rates is not None and i) else np.nan,
                         "pace": pace, "department": code[:2]})
    out = pd.DataFrame(rows)
    out.groupby(["department", "quarter"])["rate"].mean()
    return out


def slider_server_time(moves: int = 12) -> tuple[float, float, float]:
    """Median server time of a quarter change on the page [s]: total, watchers only, and the
    PATCH-DOC message build."""
    from bokeh.document import Document
    from bokeh.protocol import Protocol

    from smartidf_analysis.apps import broadband as page_mod

    page = page_mod.BroadbandPage(lang="fr")
    doc = Document()
    page.__panel__().server_doc(doc)
    events = []
    doc.callbacks.on_change(events.append)
    protocol = Protocol()
    quarters = itertools.cycle(page.ind.quarters)
    totals, watchers, messages = [], [], []
    for _ in range(moves):
        events.clear()
        t0 = time.perf_counter()
        page.state.quarter = next(q for q in quarters if q != page.state.quarter)
        t1 = time.perf_counter()
        patch = [e for e in events if hasattr(e, "to_serializable")]
        if patch:
            protocol.create("PATCH-DOC", patch)
        t2 = time.perf_counter()
        totals.append(t2 - t0)
        watchers.append(t1 - t0)
        messages.append(t2 - t1)
    return float(np.median(totals)), float(np.median(watchers)), float(np.median(messages))


def holoviews_redraw(data_quarter: pd.DataFrame) -> None:
    """Baseline: the HoloViews choropleth the page drew before the in-place PolygonMap
    (spatialpandas polygons in Web Mercator, outlines simplified by 0.0003 degrees), rebuilt
    and rendered."""
    import geopandas as gpd
    import holoviews as hv
    import shapely
    import spatialpandas

    geometry = db.query("broadband_map")
    frame = geometry.merge(data_quarter[["commune_code", "coverage_rate"]], on="commune_code",
                           how="left")
    shapes = shapely.simplify(shapely.from_wkb(frame["geometry_wkb"].to_numpy()), 0.0003,
                              preserve_topology=True)
    data = spatialpandas.GeoDataFrame(gpd.GeoDataFrame(
        {"geometry": gpd.GeoSeries(shapes, crs="EPSG:4326").to_crs("EPSG:3857")}))
    data["coverage_rate"] = frame["coverage_rate"].to_numpy()
    data["commune_code"] = frame["commune_code"].to_numpy()
    hv.render(hv.Polygons(data, vdims=["coverage_rate", "commune_code"]).opts(
        color="coverage_rate", colorbar=True, tools=["hover", "tap"], line_color="white",
        responsive=True, min_height=520, data_aspect=1))


def main() -> None:
    print(f"database: {config.db_path()}  (2 cores shared; medians)")
    t_load, data = timed(lambda: bb.load(), repeat=5)
    bi.compute_indicators(data)  # warm imports
    t_all, ind = timed(lambda: bi.compute_indicators(data), repeat=7)
    cpu = []
    for _ in range(7):  # CPU time: less sensitive than wall time to other users of the cores
        start = time.process_time()
        bi.compute_indicators(data)
        cpu.append(time.process_time() - start)
    t_naive, _ = timed(lambda: naive_indicators(data), repeat=3)
    n = ind.coverage["commune_code"].nunique()
    report(f"all indicators, {n} communes x {len(ind.quarters)} quarters",
           [("naive pandas loop over communes", t_naive, "core numbers only"),
            ("broadband.load (DuckDB, 8 queries)", t_load, ""),
            ("compute_indicators (everything)", t_all,
             f"CPU {np.median(cpu):.3f} s; target < 0.3 s")],
           baseline="naive pandas loop over communes")
    total, watchers, message = slider_server_time()
    latest = ind.coverage[ind.coverage["quarter"] == ind.quarters[-1]]
    t_hv, _ = timed(lambda: holoviews_redraw(latest), repeat=3)
    report("quarter slider: server time per move",
           [("HoloViews choropleth rebuild + render", t_hv, "baseline"),
            ("page: watchers + PATCH-DOC message", total,
             f"watchers {watchers * 1000:.0f} ms, message {message * 1000:.0f} ms; "
             "target < 300 ms")],
           baseline="HoloViews choropleth rebuild + render")


if __name__ == "__main__":
    os.environ.setdefault("SMARTIDF_DB", str(config.db_path()))
    main()
