"""Rooftop solar at regional scale: 2.5 M synthetic roofs -> kWh and class.

Prints times and ratios against baselines measured in the same run (no asserts):

1. the yield cube: whole, and its optical / electrical halves (a new losses value re-runs
   only the second);
2. 2.5 M roofs through ``estimate_roof_production`` (interpolation in the cube) + totals per
   commune and class, pandas in one process; the same with the shipped PVGIS-fitted field and
   under each production convention (``solar_conventions.convention_production``);
3. the baseline: a full pvlib chain per roof, measured on 1,000 roofs and extrapolated;
4. ``dask.distributed`` LocalCluster, 1 worker vs 2: (a) the stock generated on the workers
   (``synthetic_roof_stock_dask``), (b) the old way, pandas partitions shipped from the client;
5. a parameter change on 2.5 M roofs: re-estimating every roof vs the orientation weights.

Run: ``SMARTIDF_DB=data/smartidf.duckdb python benchmarks/bench_solar.py [n_roofs]``
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
import pvlib

from smartidf_analysis import solar
from smartidf_analysis.solar import io as solar_data
from smartidf_analysis.solar.conventions import CONVENTIONS, convention_production
from smartidf_analysis.solar.roofs import class_totals, estimate_roof_production, production_totals
from smartidf_analysis.solar.stock import StockAssumptions, synthetic_roof_stock, synthetic_roof_stock_dask
from smartidf_analysis.solar.weights import orientation_weights, totals_from_weights


def pvlib_per_roof(irr: pd.DataFrame, roofs: pd.DataFrame, sp: pd.DataFrame, times) -> np.ndarray:
    """Baseline: the full pvlib chain once per roof (what the cube avoids); no field factor."""
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
    """Best wall time [s] of ``repeat`` calls, and the last result."""
    best, result = np.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn(*args, **kw)
        best = min(best, time.perf_counter() - t)
    return best, result


def bench_cube(irr: pd.DataFrame):
    """Cube, its halves and the field; returns (cube, plane arrays, field)."""
    t_cube, cube = timed(solar.yield_cube, irr, repeat=2)
    t_plane, plane = timed(solar.plane_arrays, irr)
    t_elec, _ = timed(solar.cube_from_plane, plane, system_losses_pct=20.0, repeat=2)
    t_field, field = timed(lambda: solar.irradiance_field(irr).compute())
    print(f"yield cube {cube.sizes['tilt']} x {cube.sizes['azimuth']} orientations x 8760 h: {t_cube:.2f} s "
          f"(optical half {t_plane:.2f} s, electrical half {t_elec:.2f} s: a new losses value costs "
          f"{t_elec / t_cube:.0%} of a cube); Paris 35 deg south "
          f"{cube.specific_yield_kwh_kwp.sel(tilt=35, azimuth=180).item():.0f} kWh/kWp")
    print(f"regional field {field.sizes['lat']} x {field.sizes['lon']} x 12 (Dask, computed): "
          f"{t_field:.2f} s")
    return cube, plane, field


def bench_roofs(irr, communes, cube, plane, field, n: int) -> None:
    """2.5 M roofs in one process, the pvlib-loop baseline, and a parameter change."""
    t_stock, roofs = timed(synthetic_roof_stock, n, communes, StockAssumptions(weight="dwellings"))
    print(f"synthetic stock: {n:,} roofs over {len(communes):,} communes in {t_stock:.2f} s")

    def run():
        est = estimate_roof_production(roofs, cube, field=field)
        return production_totals(est), class_totals(est)

    t_est, (per_commune, per_class) = timed(run, repeat=3)
    print(f"estimate_roof_production + totals per commune and class, {n:,} roofs (pandas, one "
          f"process): {t_est:.2f} s ({n / t_est / 1e6:.2f} M roofs/s; target < 10 s)")
    print(f"  region: {per_commune['annual_gwh'].sum():,.0f} GWh/yr, "
          f"{per_commune['peak_power_mwp'].sum():,.0f} MWp; classes: {per_class['roofs'].to_dict()}")

    measured = solar_data.regional_field()  # the shipped PVGIS-fitted field (default of the page)
    t_meas, _ = timed(lambda: class_totals(estimate_roof_production(roofs, cube, field=measured)), repeat=3)
    print(f"  same, measured field (PVGIS-fitted, {measured.sizes['lat']} x {measured.sizes['lon']}): "
          f"{t_meas:.2f} s ({t_meas / t_est:.2f}x the modelled-field run)")
    flush = solar_data.paris_yield_cube(mounting="flush")  # modules flush-mounted on the pans
    for convention in CONVENTIONS:
        for unknown in (False, True):
            t_conv, prod = timed(lambda c=convention, u=unknown: convention_production(
                roofs, cube, convention=c, field=measured, unknown_orientation=u, flush_cube=flush),
                repeat=2)
            t_tot, _ = timed(lambda p=prod: (production_totals(p), class_totals(p)))
            print(f"  convention {convention!r}{' (expected orientation of pans)' if unknown else ''}: "
                  f"{t_conv + t_tot:.2f} s for kWh, class and totals ({(t_conv + t_tot) / t_est:.2f}x the "
                  f"plain estimate; {prod['annual_kwh'].sum() / 1e9:,.1f} TWh/yr)")

    sample = roofs.iloc[:1000]
    times = solar.reference_year_times(irr["time_utc"])
    t_loop, loop_kwh = timed(pvlib_per_roof, irr, sample, solar.solar_position(irr), times)
    fast = estimate_roof_production(sample, cube)  # same physics, no field
    gap = np.abs(fast["annual_kwh"].to_numpy() / loop_kwh - 1)
    per_roof = t_loop / len(sample)
    print(f"baseline pvlib loop: {per_roof * 1e3:.1f} ms/roof on 1,000 roofs -> "
          f"{per_roof * n / 3600:.1f} h for {n:,} roofs (extrapolated); the cube path is "
          f"{per_roof * n / t_est:,.0f}x faster; max |cube/loop - 1| = {gap.max() * 100:.2f} % "
          f"(bilinear interpolation between 5 x 10 deg nodes)")

    t_pass, weights = timed(orientation_weights, roofs, cube, field=field)
    cube20 = solar.cube_from_plane(plane, system_losses_pct=20.0)
    t_re, _ = timed(lambda: production_totals(estimate_roof_production(roofs, cube20, field=field)))
    t_w, _ = timed(totals_from_weights, weights, cube20, repeat=5)
    print(f"new losses value on {n:,} roofs: re-estimate every roof {t_re:.2f} s vs orientation "
          f"weights {t_w * 1e3:.2f} ms ({t_re / t_w:,.0f}x; the weights take one pass, {t_pass:.2f} s)")


def bench_cluster(communes, cube, field, n: int) -> None:
    """LocalCluster 1 vs 2 workers: partitions made on the workers vs shipped from the client."""
    from distributed import Client, LocalCluster

    def made_on_workers():
        by_dwellings = StockAssumptions(weight="dwellings")  # 250,000 roofs/partition
        lazy = synthetic_roof_stock_dask(n, communes, by_dwellings)
        return production_totals(estimate_roof_production(lazy, cube, field=field))

    def shipped(stock):
        return production_totals(estimate_roof_production(stock, cube, field=field, npartitions=8))

    results = {}
    for workers in (1, 2):
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster):
            small = synthetic_roof_stock_dask(20_000, communes,
                                              StockAssumptions(weight="dwellings", block_size=5_000))
            production_totals(estimate_roof_production(small, cube, field=field))  # warm up
            t_made, tot = timed(made_on_workers, repeat=2)
            eager = synthetic_roof_stock(n, communes, StockAssumptions(weight="dwellings"))
            t_ship, _ = timed(shipped, eager)
        results[workers] = (t_made, t_ship)
        print(f"LocalCluster {workers} worker(s): stock generated on the workers {t_made:.2f} s "
              f"({tot['annual_gwh'].sum():,.0f} GWh/yr); pandas partitions shipped from the client "
              f"{t_ship:.2f} s")
    print(f"speed-up 2 workers vs 1: generated on workers {results[1][0] / results[2][0]:.2f}x, "
          f"shipped from the client {results[1][1] / results[2][1]:.2f}x")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2_500_000
    irr = solar_data.irradiance_table()
    communes = solar_data.stock_communes()
    cube, plane, field = bench_cube(irr)
    bench_roofs(irr, communes, cube, plane, field, n)
    bench_cluster(communes, cube, field, n)


if __name__ == "__main__":
    main()
