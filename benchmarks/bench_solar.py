"""Rooftop solar at regional scale: 2.5 M synthetic roofs -> kWh and class.

Prints (no asserts):
1. the yield cube and the regional field build times;
2. 2.5 M roofs through ``estimate_roof_production`` (interpolation in the cube) + totals;
3. the baseline: a full pvlib chain per roof, measured on 1,000 roofs, extrapolated;
4. the same 2.5 M roofs on a ``dask.distributed`` LocalCluster with 1 worker vs 2 workers.

Run: ``SMARTIDF_MIRROR=/work/shared/data python benchmarks/bench_solar.py [n_roofs]``
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
import pvlib

from smartidf_analysis import config, solar
from smartidf_analysis.solar_roofs import (
    class_totals,
    estimate_roof_production,
    production_totals,
    synthetic_roof_stock,
)
from smartidf_analysis.sources.nsrdb import read_tmy

TMY = "nsrdb_paris_48.85N_2.34E_hourly.csv"


def communes_table(mirror) -> pd.DataFrame:
    """IDF communes with centroid and population from the mirror (synthetic fallback)."""
    try:
        import geopandas as gpd

        g = gpd.read_file(mirror / "communes-ile-de-france.geojson")
        c = g.geometry.to_crs(2154).centroid.to_crs(4326)
        pop = pd.read_csv(mirror / "insee_populations_legales_2023_communes_idf.csv", sep=";", dtype=str)
        pop = pop.assign(population=pd.to_numeric(pop["PMUN"])).set_index("COM")["population"]
        paris = pop[pop.index.str.startswith("751")].sum()
        pop = pd.concat([pop, pd.Series({"75056": paris})])
        out = pd.DataFrame({"commune_code": g["code"].astype(str), "centroid_lon": c.x, "centroid_lat": c.y,
                            "area_km2": g.geometry.to_crs(2154).area / 1e6})
        out["population"] = out["commune_code"].map(pop).fillna(0)
        return out[out["population"] > 0].reset_index(drop=True)
    except Exception as exc:  # noqa: BLE001 - a benchmark: fall back and say so
        print(f"(communes from the mirror failed: {exc!r}; using 1,276 synthetic communes)")
        rng = np.random.default_rng(0)
        return pd.DataFrame({"commune_code": [f"{i:05d}" for i in range(1276)],
                             "centroid_lon": rng.uniform(1.5, 3.5, 1276),
                             "centroid_lat": rng.uniform(48.2, 49.2, 1276),
                             "population": rng.lognormal(8, 1.2, 1276)})


def pvlib_per_roof(irr: pd.DataFrame, roofs: pd.DataFrame, sp: pd.DataFrame, times) -> np.ndarray:
    """Baseline: the full pvlib chain once per roof (what the cube avoids)."""
    w = irr.set_index(times)
    dni_extra = pvlib.irradiance.get_extra_radiation(times.day_of_year.to_numpy().astype(float))
    am = pvlib.atmosphere.get_relative_airmass(sp["apparent_zenith"])
    out = np.empty(len(roofs))
    for i, r in enumerate(roofs.itertuples()):
        poa = pvlib.irradiance.get_total_irradiance(
            r.tilt_deg, r.azimuth_deg, sp["apparent_zenith"], sp["azimuth"], w["dni_w_m2"], w["ghi_w_m2"],
            w["dhi_w_m2"], dni_extra=dni_extra, airmass=am, albedo=w["albedo"], model="perez").fillna(0)
        aoi = pvlib.irradiance.aoi(r.tilt_deg, r.azimuth_deg, sp["apparent_zenith"], sp["azimuth"])
        eff = poa["poa_direct"] * pvlib.iam.physical(aoi).fillna(0) + poa["poa_diffuse"]
        tcell = pvlib.temperature.faiman(poa["poa_global"], w["temp_air_c"], w["wind_speed_m_s"])
        pdc = pvlib.pvsystem.pvwatts_dc(eff, tcell, pdc0=1.0, gamma_pdc=-0.0037) * 0.86
        pac = pvlib.inverter.pvwatts(pdc, pdc0=1 / (1.1 * 0.96), eta_inv_nom=0.96).fillna(0)
        out[i] = pac.sum() * (1 - r.shading_factor) * r.usable_area_m2 * 0.2  # shading as in the cube path
    return out


def timed(fn, *args, repeat=1, **kw):
    best, result = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn(*args, **kw)
        best = min(best, time.perf_counter() - t)
    return best, result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2_500_000
    mirror = config.mirror_dir()
    if mirror is None:
        sys.exit("set SMARTIDF_MIRROR to the folder holding " + TMY)
    irr = read_tmy(mirror / TMY)

    t_cube, cube = timed(solar.yield_cube, irr, repeat=3)
    t_field, field = timed(lambda: solar.irradiance_field(irr).compute())
    sy = cube.specific_yield_kwh_kwp.sel(tilt=35, azimuth=180).item()
    print(f"yield cube {cube.sizes['tilt']} tilts x {cube.sizes['azimuth']} azimuths x 8760 h: "
          f"{t_cube:.2f} s "
          f"(Paris 35 deg south: {sy:.0f} kWh/kWp)")
    print(f"regional field {field.sizes['lat']} x {field.sizes['lon']} x 12 (Dask, computed): "
          f"{t_field:.2f} s")

    communes = communes_table(mirror)
    t_stock, roofs = timed(synthetic_roof_stock, n, communes, seed=0)
    print(f"synthetic stock: {n:,} roofs over {len(communes):,} communes in {t_stock:.2f} s")

    def run():
        est = estimate_roof_production(roofs, cube, field=field)
        return est, production_totals(est), class_totals(est)

    t_est, (est, per_commune, per_class) = timed(run, repeat=3)
    print(f"estimate_roof_production + totals, {n:,} roofs (pandas, one process): {t_est:.2f} s "
          f"({n / t_est / 1e6:.2f} M roofs/s)")
    print(f"  region: {per_commune['annual_gwh'].sum():,.0f} GWh/yr, "
          f"{per_commune['peak_power_mwp'].sum():,.0f} MWp; "
          f"classes: {per_class['roofs'].to_dict()}")

    sample = roofs.iloc[:1000]
    times = solar.reference_year_times(irr["time_utc"])
    sp = solar.solar_position(irr)
    t_loop, loop_kwh = timed(pvlib_per_roof, irr, sample, sp, times)
    fast = estimate_roof_production(sample, cube)  # same physics, no field
    gap = np.abs(fast["annual_kwh"].to_numpy() / loop_kwh - 1)
    per_roof = t_loop / len(sample)
    print(f"pvlib loop: {per_roof * 1e3:.2f} ms/roof -> {per_roof * n / 60:.1f} min for {n:,} roofs "
          f"(extrapolated); cube is {per_roof * n / t_est:,.0f}x faster; "
          f"max |cube/loop - 1| on 1,000 roofs = {gap.max() * 100:.2f} %")

    from distributed import Client, LocalCluster

    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster):
            estimate_roof_production(roofs.iloc[:10_000], cube, field=field, npartitions=2)  # warm up
            t, _ = timed(lambda: production_totals(  # noqa: B023
                estimate_roof_production(roofs, cube, field=field, npartitions=8)), repeat=2)
        print(f"LocalCluster {workers} worker(s), 8 partitions, {n:,} roofs incl. transfer: {t:.2f} s")
        if workers == 1:
            t1 = t
    print(f"speed-up 2 workers vs 1: {t1 / t:.2f}x")


if __name__ == "__main__":
    main()
