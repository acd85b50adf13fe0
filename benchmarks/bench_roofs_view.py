"""Rasterised regional roof map (Datashader): server time of a pan or zoom on 2.5 M roofs.

The map is :func:`smartidf_analysis.plots.solar.roof_points_raster` (``datashade`` with a
categorical count per solar class, then ``dynspread``), the one the buildings and solar pages
serve. A Bokeh plot of it is made once, as the server does for a session; then each pan or
zoom is replayed as the browser reports it (a ``RangeXY`` stream event with the new ranges)
and timed until the plot's Bokeh models hold the new image: re-aggregation, shading,
spreading and the model update, i.e. the server time of one re-render (the browser then
draws one image). Baseline: the first render of the whole region.

Prints (no asserts): median and worst time per move over a sequence of zooms and pans, and
the 2.5D page's deck.gl specification build for the real roof sets.

Run: ``SMARTIDF_DB=data/smartidf.duckdb python benchmarks/bench_roofs_view.py``
(points: the imported BD TOPO roofs when there are some, else the synthetic stock)
"""

from __future__ import annotations

import statistics
import sys
import time

import holoviews as hv
import numpy as np
from common import report  # noqa: F401 - puts the repository on sys.path

from smartidf_analysis.plots import roofs3d
from smartidf_analysis.plots import solar as ps
from smartidf_analysis.solar import io as sd


def main() -> None:
    from holoviews.streams import RangeXY

    hv.extension("bokeh")
    start = time.perf_counter()
    regional = sd.regional_roof_set()
    if regional == sd.IMPORTED_SET:
        points = sd.real_set_production(sd.IMPORTED_SET)[["lon", "lat", "solar_class"]]
    else:
        points = sd.stock_points()
    print(f"{len(points):,} roofs ({regional}) loaded in {time.perf_counter() - start:.1f} s")
    dmap = ps.roof_points_raster(points, title="bench")
    start = time.perf_counter()
    plot = hv.renderer("bokeh").get_plot(dmap)
    first = time.perf_counter() - start
    streams = [s for s in plot.streams if isinstance(s, RangeXY)]  # the plot's own (linked) streams
    assert streams, "no RangeXY stream on the plot"
    x, y = ps.to_mercator(points["lon"].to_numpy(), points["lat"].to_numpy())
    x0, x1, y0, y1 = float(np.nanmin(x)), float(np.nanmax(x)), float(np.nanmin(y)), float(np.nanmax(y))
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    moves = []
    for zoom in (1, 2, 4, 8, 16, 32, 64):  # zoom in on Paris, then pan at each level
        half_w, half_h = (x1 - x0) / 2 / zoom, (y1 - y0) / 2 / zoom
        for dx in (0.0, 0.3, -0.3):
            moves.append(((cx + dx * half_w - half_w, cx + dx * half_w + half_w),
                          (cy - half_h, cy + half_h)))
    image = None
    for label in ("cold (first time each zoom level is seen: numba compiles)", "warm (same moves again)"):
        times, sums = [], []
        for x_range, y_range in moves:
            start = time.perf_counter()
            for stream in streams:
                stream.update(x_range=x_range, y_range=y_range)
            hv.streams.Stream.trigger(streams)  # what the browser's range change makes the server do
            image = next(r.data_source.data["image"][0] for r in plot.state.renderers
                         if "image" in r.data_source.data)
            times.append(time.perf_counter() - start)
            sums.append(int(np.asarray(image).sum() % 1_000_003))
        print(f"\n== Pan / zoom on the raster map, {len(points):,} roofs, {len(moves)} moves, {label} ==")
        print(f"distinct images: {len(set(sums))} of {len(moves)}; last {image.shape}, "
              f"{int((np.asarray(image) != 0).sum()):,} painted pixels")
        print("per move [s]: " + " ".join(f"{t:.3f}" for t in times))
        print(f"re-render per move: median {statistics.median(times):.3f} s, 90th percentile "
              f"{np.percentile(times, 90):.3f} s, worst {max(times):.3f} s (server time); "
              f"first render (plot made) {first:.3f} s")

    for roof_set in ("saint_denis_buildings", "paris13_volumes"):
        prod = sd.real_set_production(roof_set)
        start = time.perf_counter()
        spec = roofs3d.deck_spec(prod)
        print(f"deck.gl spec, {roof_set}: {len(spec['layers'][0]['data'])} buildings in "
              f"{time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
    sys.exit(0)
