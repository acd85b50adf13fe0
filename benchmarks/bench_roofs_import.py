"""BD TOPO import at regional scale: a 2.5 M-building synthetic ``batiment`` GeoPackage ->
``imported_roofs``, then the 2.5 M imported roofs -> kWh and class.

The GeoPackage has IGN's schema (layer ``batiment``, ``MultiPolygon Z`` in Lambert-93, fields
``cleabs``, ``nature``, ``usage_1``, ``nombre_d_etages``, ``materiaux_de_la_toiture``,
``hauteur``, ``date_modification``): buildings placed in the communes of the database in
proportion to their dwellings, rectangles of 6-40 m, heights 3-40 m, a third with a material
code. It is written once and cached under ``data/bench/``. The import runs into a copy of the
database (``data/bench/roofs_import.duckdb``), so the working database is not touched.

Prints (no asserts): generation time; the import split into its steps (read + areas and
reprojection, communes by point-in-polygon, roofs, atomic write) with rows/s; the regional
estimate of the imported roofs (``estimate_roof_production``: kWh and class) against the same
estimate on the synthetic stock of the same size (the page's baseline, about 1 s).

Run: ``SMARTIDF_DB=data/smartidf.duckdb python benchmarks/bench_roofs_import.py [n_buildings]``
"""

from __future__ import annotations

import os
import shutil
import sys
import time

import numpy as np
import pandas as pd
from common import BENCH_DIR, peak_rss_mib, report

from smartidf_analysis import config
from smartidf_analysis.data.sources.bdtopo import read_bdtopo_buildings
from smartidf_analysis.solar import buildings_import
from smartidf_analysis.solar import io as sd
from smartidf_analysis.solar.roofs import class_totals, estimate_roof_production
from smartidf_analysis.solar.stock import StockAssumptions, synthetic_roof_stock

MATERIALS = np.array(["01", "10", "20", "40", "00"], dtype=object)


def synthetic_geopackage(n: int, seed: int = 0):
    """The cached 2.5 M-building GeoPackage (see the module docstring)."""
    import geopandas as gpd
    import pyogrio
    import shapely
    from pyproj import Transformer

    path = BENCH_DIR / f"bdtopo_batiment_synthetic_{n}_{seed}.gpkg"
    if path.exists():
        return path
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    units = sd.stock_communes()
    weight = units["dwellings"].fillna(0).to_numpy(float) + 1.0
    pick = rng.choice(len(units), size=n, p=weight / weight.sum())
    to_l93 = Transformer.from_crs(4326, 2154, always_xy=True)
    x0, y0 = to_l93.transform(units["centroid_lon"].to_numpy(), units["centroid_lat"].to_numpy())
    spread = np.sqrt(units["area_km2"].fillna(1.0).to_numpy(float)) * 250.0  # [m]
    x = np.asarray(x0)[pick] + rng.normal(0, 1, n) * spread[pick]
    y = np.asarray(y0)[pick] + rng.normal(0, 1, n) * spread[pick]
    w, h = rng.uniform(6, 40, n), rng.uniform(6, 30, n)
    height = np.round(rng.gamma(2.0, 4.5, n) + 3.0, 1)
    boxes = shapely.force_3d(shapely.box(x, y, x + w, y + h), 35.0)
    geometry = shapely.multipolygons(boxes, indices=np.arange(n))
    material = np.where(rng.random(n) < 0.33, MATERIALS[rng.integers(0, len(MATERIALS), n)], None)
    frame = gpd.GeoDataFrame({
        "cleabs": np.char.add("BATIMENT", np.char.zfill(np.arange(n).astype(str), 16)).astype(object),
        "nature": "Indifférenciée",
        "usage_1": np.where(rng.random(n) < 0.7, "Résidentiel", "Commercial et services").astype(object),
        "nombre_d_etages": np.where(rng.random(n) < 0.8, np.maximum(1, np.round(height / 3.0)), np.nan),
        "materiaux_de_la_toiture": material,
        "hauteur": height,
        "date_modification": "2024-10-14",
    }, geometry=geometry, crs=2154)
    tmp = path.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    pyogrio.write_dataframe(frame, tmp, layer="batiment", driver="GPKG", use_arrow=True)
    os.replace(tmp, path)
    return path


def main(n: int) -> None:
    source_db = config.db_path()
    start = time.perf_counter()
    gpkg = synthetic_geopackage(n)
    print(f"GeoPackage {gpkg.name}: {gpkg.stat().st_size / 2**20:,.0f} MiB "
          f"(generated or found in {time.perf_counter() - start:.1f} s)")
    work = BENCH_DIR / "roofs_import.duckdb"
    shutil.copyfile(source_db, work)
    os.environ["SMARTIDF_DB"] = str(work)

    t0 = time.perf_counter()
    read = read_bdtopo_buildings(gpkg)
    t1 = time.perf_counter()
    codes = buildings_import.assign_communes(read.buildings["lon"], read.buildings["lat"],
                                             sd.commune_geometries())
    t2 = time.perf_counter()
    roofs = buildings_import.roofs_table(read.buildings.assign(commune_code=codes), "bench")
    t3 = time.perf_counter()
    del read, roofs
    start = time.perf_counter()
    result = buildings_import.import_buildings(gpkg)
    total = time.perf_counter() - start
    print(result.message)
    rows = [("import-buildings, whole (CLI path)", total, f"{n / total:,.0f} rows/s"),
            ("  read layer, areas, reprojection", t1 - t0, f"{n / (t1 - t0):,.0f} rows/s"),
            ("  communes (point in polygon)", t2 - t1, ""),
            ("  roofs (flat/pitched rule)", t3 - t2, ""),
            ("  hashing + atomic write (rest)", total - (t3 - t0), "copy, insert, rename")]
    report(f"Import of {n:,} BD TOPO buildings", rows, "import-buildings, whole (CLI path)")

    cube, field = sd.paris_yield_cube(), sd.regional_field()
    start = time.perf_counter()
    imported = sd.imported_roofs(["roof_id", "commune_code", "usable_area_m2", "tilt_deg", "azimuth_deg",
                                  "lat", "lon", "shading_factor"])  # no polygons: not needed for kWh
    t_read = time.perf_counter() - start
    times = []
    for _ in range(3):
        start = time.perf_counter()
        est = estimate_roof_production(imported, cube, field=field)
        classes = class_totals(est)
        times.append(time.perf_counter() - start)
    t_est = float(np.median(times))
    stock = synthetic_roof_stock(n, sd.stock_communes(), StockAssumptions(seed=0, weight="dwellings"))
    times = []
    for _ in range(3):
        start = time.perf_counter()
        base = estimate_roof_production(stock, cube, field=field)
        class_totals(base)
        times.append(time.perf_counter() - start)
    report(f"Regional estimate, {len(imported):,} roofs -> kWh and class (median of 3)", [
        ("synthetic stock (baseline)", float(np.median(times)), ""),
        ("imported BD TOPO roofs", t_est, f"{est['annual_kwh'].sum() / 1e9:,.2f} TWh/yr"),
        ("read imported_roofs from DuckDB", t_read, "8 columns, once per database"),
    ], "synthetic stock (baseline)")
    print(pd.DataFrame(classes).to_string())
    print(f"peak memory {peak_rss_mib():,.0f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2_500_000)
