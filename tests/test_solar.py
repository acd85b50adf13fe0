"""Tests of the solar theme: cube and field (solar), roofs (solar_roofs), roof sources and the
synthetic stock (solar_stock), shading (solar_shading), cadastre comparison (solar_cadastre) and
the database layer (solar_data). Pure functions get hand-made tables; real data come from the
mirror (``mirror`` fixture) or the database built from it (``real_db``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib
import pytest
import xarray as xr

from smartidf_analysis import solar
from smartidf_analysis.data.sources.apur import read_saint_denis_solar_roofs
from smartidf_analysis.data.sources.nsrdb import read_tmy
from smartidf_analysis.solar import roofs as roofs_mod
from smartidf_analysis.solar.cadastre import compare_with_cadastre, ratio_by_shape, system_factors
from smartidf_analysis.solar.shading import horizon_profile, horizon_shading
from smartidf_analysis.solar.stock import (
    StockAssumptions,
    roof_shape,
    roofs_from_buildings,
    roofs_from_cadastre,
    stock_totals,
    synthetic_roof_stock,
    synthetic_roof_stock_dask,
)

TMY = "nsrdb_paris_48.85N_2.34E_hourly.csv"
GPKG = "dfg_saint-denis_ecoles_bdtopo-batiments_cadastre-solaire.gpkg"


@pytest.fixture(scope="module")
def irradiance(mirror):
    return read_tmy(mirror / TMY)


@pytest.fixture(scope="module")
def cube(irradiance):
    return solar.yield_cube(irradiance)


@pytest.fixture(scope="module")
def field(irradiance):
    """The regional field, computed once (it is lazy: every use would recompute it)."""
    return solar.irradiance_field(irradiance).compute()


@pytest.fixture(scope="module")
def toy_cube():
    """A hand-made cube (no data needed): irradiation peaks south, yield = 0.8 x irradiation."""
    tilt, az = solar.DEFAULT_TILTS, solar.DEFAULT_AZIMUTHS
    irr = 1150 + 300 * np.sin(np.radians(tilt))[:, None] * np.cos(np.radians(az - 180))[None, :]
    return xr.Dataset(
        {"irradiation_kwh_m2": (("tilt", "azimuth"), irr),
         "specific_yield_kwh_kwp": (("tilt", "azimuth"), 0.8 * irr)},
        coords={"tilt": tilt, "azimuth": az},
        attrs={"system_losses_pct": 14.0, "inverter_efficiency": 0.96},
    )


def roofs_frame(n=6, **overrides):
    base = dict(usable_area_m2=100.0, tilt_deg=35.0, azimuth_deg=180.0, lat=48.85, lon=2.34)
    base.update(overrides)
    return pd.DataFrame({k: np.broadcast_to(v, n).copy() for k, v in base.items()})


def _communes():
    return pd.DataFrame({
        "commune_code": ["75113", "93066", "77288", "95127"],
        "centroid_lon": [2.362, 2.358, 2.655, 2.071],
        "centroid_lat": [48.828, 48.936, 48.540, 49.036],
        "population": [177_000, 113_000, 15_000, 29_000],
    })


def direct_pvlib_yield(irr: pd.DataFrame, tilt: float, azimuth: float) -> tuple[float, float]:
    """Plane irradiation [kWh/m2] and AC yield [kWh/kWp] by a plain pandas pvlib chain, one orientation."""
    loc = pvlib.location.Location(solar.PARIS_LATITUDE, solar.PARIS_LONGITUDE,
                                  altitude=solar.PARIS_ALTITUDE_M)
    times = solar.reference_year_times(irr["time_utc"])
    sp = loc.get_solarposition(times)
    w = irr.set_index(times)
    poa = pvlib.irradiance.get_total_irradiance(
        tilt, azimuth, sp["apparent_zenith"], sp["azimuth"], w["dni_w_m2"], w["ghi_w_m2"], w["dhi_w_m2"],
        dni_extra=pvlib.irradiance.get_extra_radiation(times.day_of_year.to_numpy().astype(float)),
        airmass=pvlib.atmosphere.get_relative_airmass(sp["apparent_zenith"]),
        albedo=w["albedo"], model="perez").fillna(0)
    aoi = pvlib.irradiance.aoi(tilt, azimuth, sp["apparent_zenith"], sp["azimuth"])
    eff = poa["poa_direct"] * pvlib.iam.physical(aoi).fillna(0) + poa["poa_diffuse"]
    tcell = pvlib.temperature.faiman(poa["poa_global"], w["temp_air_c"], w["wind_speed_m_s"])
    pdc = pvlib.pvsystem.pvwatts_dc(eff, tcell, pdc0=1.0, gamma_pdc=-0.0037) * (1 - 0.14)
    pac = pvlib.inverter.pvwatts(pdc, pdc0=1 / (1.1 * 0.96), eta_inv_nom=0.96).fillna(0)
    return poa["poa_global"].sum() / 1000, pac.sum()


# ---------------------------------------------------------------------------------------------- cube


def test_reference_year_times_maps_mixed_years_and_feb29():
    t = pd.to_datetime(["2020-02-29 12:30", "2017-07-01 00:30", "2021-12-31 23:30"]).tz_localize("UTC")
    out = solar.reference_year_times(t)
    assert (out.year == solar.REFERENCE_YEAR).all()
    assert list(out.strftime("%m-%d %H:%M")) == ["02-28 12:30", "07-01 00:30", "12-31 23:30"]


def test_cube_matches_direct_pvlib(irradiance, cube):
    diffs = []
    for tilt, az in [(35, 180), (20, 90), (50, 250), (0, 0)]:
        poa, ac = direct_pvlib_yield(irradiance, tilt, az)
        c = cube.sel(tilt=tilt, azimuth=az)
        diffs += [abs(c.irradiation_kwh_m2.item() / poa - 1), abs(c.specific_yield_kwh_kwp.item() / ac - 1)]
    assert max(diffs) <= 0.01, max(diffs)
    # off-grid points go through the roof interpolation
    roofs = pd.DataFrame({"usable_area_m2": [50.0, 50.0], "tilt_deg": [27.5, 41.0],
                          "azimuth_deg": [205.0, 133.0], "lat": 48.85, "lon": 2.34})
    est = roofs_mod.estimate_roof_production(roofs, cube, module_efficiency=0.2)
    for (_, r), (tilt, az) in zip(est.iterrows(), [(27.5, 205.0), (41.0, 133.0)], strict=True):
        poa, ac = direct_pvlib_yield(irradiance, tilt, az)
        assert r.irradiation_kwh_m2 == pytest.approx(poa, rel=0.01)
        assert r.specific_yield_kwh_kwp == pytest.approx(ac, rel=0.01)


def test_cube_shape_units_and_paris_yield(cube, irradiance):
    assert set(cube.dims) == {"tilt", "azimuth", "month"}
    assert cube.irradiation_kwh_m2.attrs["units"] == "kWh/m2/yr"
    np.testing.assert_allclose(cube.irradiation_monthly_kwh_m2.sum("month"), cube.irradiation_kwh_m2)
    ghi = irradiance["ghi_w_m2"].sum() / 1000  # horizontal plane = observed GHI
    assert cube.irradiation_kwh_m2.sel(tilt=0).values == pytest.approx(ghi, rel=1e-3)
    from smartidf_analysis.solar.study import PVGIS_PARIS_KWH_KWP, paris_reference_yield

    ref = paris_reference_yield(cube).iloc[0]
    assert ref["within_10pct"]
    assert PVGIS_PARIS_KWH_KWP[0] * 0.9 <= ref["specific_yield_kwh_kwp"] <= PVGIS_PARIS_KWH_KWP[1] * 1.1
    best = cube.specific_yield_kwh_kwp.where(cube.azimuth.isin([90, 180, 270])).argmax(...)
    assert 25 <= float(cube.tilt[best["tilt"]]) <= 40  # optimum near 30-40 deg south
    ew = cube.specific_yield_kwh_kwp.sel(tilt=30)
    assert ew.sel(azimuth=90).item() == pytest.approx(ew.sel(azimuth=270).item(), rel=0.05)


def test_cube_higher_losses_less_yield(irradiance):
    lo = solar.yield_cube(irradiance, tilts=[35.0], azimuths=[180.0], system_losses_pct=10.0)
    hi = solar.yield_cube(irradiance, tilts=[35.0], azimuths=[180.0], system_losses_pct=20.0)
    assert hi.specific_yield_kwh_kwp.item() < lo.specific_yield_kwh_kwp.item() * 0.92
    assert hi.irradiation_kwh_m2.item() == pytest.approx(lo.irradiation_kwh_m2.item())


def test_field_is_modelled_chunked_and_matches_paris(irradiance):
    field = solar.irradiance_field(irradiance)
    assert field.attrs["data_kind"] == "modelled" and "Linke" in field.attrs["method"]
    assert field["ghi_kwh_m2"].chunks is not None  # dask-backed
    assert field["ghi_kwh_m2"].dims == ("lat", "lon", "month")
    at_paris = field["ghi_kwh_m2"].interp(lat=solar.PARIS_LATITUDE, lon=solar.PARIS_LONGITUDE).compute()
    assert float(at_paris.sum()) == pytest.approx(irradiance["ghi_w_m2"].sum() / 1000, rel=0.01)
    lat, lon, fac = solar.spatial_factor_grid(field)
    assert 0.93 < fac.min() <= 1.0 <= fac.max() < 1.07
    assert fac.max() - fac.min() > 0.005


def test_reexports_from_solar():
    assert solar.estimate_roof_production is roofs_mod.estimate_roof_production
    with pytest.raises(AttributeError):
        solar.no_such_function  # noqa: B018


# ---------------------------------------------------------------------------------------------- roofs


def test_bilinear_matches_scipy():
    from scipy.interpolate import RegularGridInterpolator

    rng = np.random.default_rng(0)
    xg, yg = np.arange(0.0, 91.0, 5.0), np.array([0.0, 10, 25, 40, 90, 200, 360])  # regular / not
    planes = rng.random((len(xg), len(yg), 2))
    x, y = rng.uniform(-5, 95, 500), rng.uniform(-1, 361, 500)
    ours = roofs_mod.bilinear(xg, yg, planes, x, y)
    ref = RegularGridInterpolator((xg, yg), planes)(np.column_stack([np.clip(x, 0, 90), np.clip(y, 0, 360)]))
    np.testing.assert_allclose(ours, ref, atol=1e-12)


def test_more_area_more_kwh_and_losses_reduce(toy_cube):
    roofs = roofs_frame(3, usable_area_m2=np.array([10.0, 100.0, 1000.0]))
    out = roofs_mod.estimate_roof_production(roofs, toy_cube)
    assert np.all(np.diff(out["annual_kwh"]) > 0)
    assert out["annual_kwh"].iloc[1] == pytest.approx(100 * 0.2 * 0.8 * out["irradiation_kwh_m2"].iloc[1])
    lossy = roofs_mod.estimate_roof_production(roofs, toy_cube, system_losses_pct=24.0)
    assert np.all(lossy["annual_kwh"] < out["annual_kwh"])
    eff = roofs_mod.estimate_roof_production(roofs, toy_cube, module_efficiency=0.22)
    assert np.all(eff["annual_kwh"] > out["annual_kwh"])


def test_south_beats_north(cube):
    out = roofs_mod.estimate_roof_production(roofs_frame(3, azimuth_deg=np.array([180.0, 0.0, 90.0])), cube)
    south, north, east = out["annual_kwh"]
    assert south > east > north
    assert north < 0.75 * south


def test_classes_at_thresholds():
    cls = roofs_mod.solar_class([699.99, 700.0, 899.99, 900.0, 1500.0, np.nan])
    assert list(cls.astype(object)[:5]) == ["blue", "yellow", "yellow", "red", "red"]
    assert pd.isna(cls[5])
    other = roofs_mod.solar_class([799.0, 800.0], thresholds=(600, 800))
    assert list(other.astype(object)) == ["yellow", "red"]


def test_bad_roofs_reported_with_row_ids_and_left_out(toy_cube):
    roofs = roofs_frame(7)
    roofs.index = [f"r{i}" for i in range(7)]
    roofs.loc["r1", "usable_area_m2"] = -5.0
    roofs.loc["r2", "tilt_deg"] = 95.0
    roofs.loc["r3", "lat"] = np.nan
    roofs.loc["r4", "azimuth_deg"] = 400.0
    roofs.loc["r5", "tilt_deg"] = -1.0
    roofs["commune_code"] = "75113"
    out = roofs_mod.estimate_roof_production(roofs, toy_cube)
    bad = roofs_mod.bad_roofs(out).set_index("row_id")["reason"]
    assert list(bad.index) == ["r1", "r2", "r3", "r4", "r5"]
    assert "negative usable_area_m2" in bad["r1"]
    assert "tilt_deg outside 0-90" in bad["r2"] and "tilt_deg outside 0-90" in bad["r5"]
    assert "missing coordinates" in bad["r3"]
    assert "azimuth_deg outside 0-360" in bad["r4"]
    assert list(out.index) == ["r0", "r6"]  # left out, not zeroed
    assert (out["annual_kwh"] > 0).all()
    tot = roofs_mod.production_totals(out)
    assert tot.loc["75113", "roofs"] == 2
    assert tot.loc["75113", "annual_gwh"] == pytest.approx(out["annual_kwh"].sum() / 1e6)
    assert list(roofs_mod.validate_roofs(roofs)["row_id"]) == ["r1", "r2", "r3", "r4", "r5"]
    assert out.nlargest(1, "annual_kwh").shape[0] == 1  # attrs do not break pandas operations
    with pytest.raises(KeyError, match="tilt_deg"):
        roofs_mod.estimate_roof_production(roofs.drop(columns="tilt_deg"), toy_cube)


def test_monthly_production_sums_to_annual(cube, field):
    roof = dict(usable_area_m2=80.0, tilt_deg=27.0, azimuth_deg=150.0, lat=48.9, lon=2.2, shading_factor=0.1)
    annual = roofs_mod.estimate_roof_production(pd.DataFrame([roof]), cube, field=field).iloc[0]
    months = roofs_mod.monthly_roof_production(roof, cube, field=field)
    assert len(months) == 12
    assert months["production_kwh"].sum() == pytest.approx(annual["annual_kwh"], rel=1e-9)
    assert months["irradiation_kwh_m2"].sum() == pytest.approx(annual["irradiation_kwh_m2"], rel=1e-9)
    assert months.loc[months["month"] == 6, "production_kwh"].item() > 3 * months.loc[
        months["month"] == 12, "production_kwh"].item()
    with pytest.raises(ValueError, match="negative"):
        roofs_mod.monthly_roof_production({**roof, "usable_area_m2": -1.0}, cube)


def test_dask_partitions_give_same_result(toy_cube):
    import dask.dataframe as dd

    roofs = synthetic_roof_stock(20_000, _communes(), StockAssumptions(seed=3, block_size=7_000))
    roofs.loc[[5, 17], "tilt_deg"] = 120.0
    one = roofs_mod.estimate_roof_production(roofs, toy_cube)
    parts = roofs_mod.estimate_roof_production(roofs, toy_cube, npartitions=4)
    pd.testing.assert_frame_equal(one, parts)
    assert list(roofs_mod.bad_roofs(parts)["row_id"]) == [5, 17]
    lazy = roofs_mod.estimate_roof_production(dd.from_pandas(roofs, npartitions=3), toy_cube)
    assert "bad_reason" in lazy.columns
    pd.testing.assert_frame_equal(roofs_mod.production_totals(lazy), roofs_mod.production_totals(one))


def test_totals_same_on_distributed_cluster(toy_cube):
    import distributed
    local = roofs_mod.production_totals(roofs_mod.estimate_roof_production(
        synthetic_roof_stock(60_000, _communes(), StockAssumptions(seed=1, block_size=15_000)), toy_cube))
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        lazy = synthetic_roof_stock_dask(60_000, _communes(),  # made on workers
                                         StockAssumptions(seed=1, block_size=15_000))
        remote = roofs_mod.production_totals(roofs_mod.estimate_roof_production(lazy, toy_cube))
        workers_used = client.run(lambda dask_worker: len(dask_worker.data))
    pd.testing.assert_frame_equal(local, remote)
    assert len(workers_used) == 2


def test_totals_per_commune_and_class(toy_cube):
    roofs = roofs_frame(4, usable_area_m2=np.array([10.0, 20.0, 30.0, 40.0]),
                        azimuth_deg=np.array([180.0, 180.0, 0.0, 180.0]),
                        shading_factor=np.array([0.0, 0.0, 0.0, 0.5]))
    roofs["commune_code"] = ["75113", "75113", "93066", "93066"]
    out = roofs_mod.estimate_roof_production(roofs, toy_cube, thresholds=(700, 1200))
    assert list(out["solar_class"].astype(object)) == ["red", "red", "yellow", "blue"]
    tot = roofs_mod.production_totals(out)
    assert tot["roofs"].tolist() == [2, 2]
    assert tot["annual_gwh"].sum() == pytest.approx(out["annual_kwh"].sum() / 1e6)
    cls = roofs_mod.class_totals(out)
    assert list(cls.index.astype(str)) == ["blue", "yellow", "red"]
    assert cls.loc["red", "roofs"] == 2 and cls["energy_share"].sum() == pytest.approx(1.0)
    only_red = roofs_mod.class_totals(out.iloc[:2])  # absent classes listed with 0 roofs
    assert only_red.loc["blue", "roofs"] == 0 and only_red.loc["red", "roof_share"] == 1.0


def test_stock_totals_equal_the_totals_of_the_same_roofs(toy_cube):
    from smartidf_analysis.solar.io import set_totals

    stock = synthetic_roof_stock(5_000, _communes(), StockAssumptions(seed=2))
    stock.loc[[1, 7], "usable_area_m2"] = -1.0  # left out of both
    est = roofs_mod.estimate_roof_production(stock, toy_cube)
    by_commune = roofs_mod.production_totals(est)
    totals = stock_totals(by_commune)
    pd.testing.assert_frame_equal(totals, set_totals(est), rtol=1e-12)
    assert totals["roofs"].item() == 4_998 and len(by_commune) == 4
    with pytest.raises(ValueError, match="annual_gwh"):
        stock_totals(by_commune.drop(columns="annual_gwh"))


def test_field_factor_applied(cube, field):
    roofs = roofs_frame(2, lat=np.array([48.85, 49.2]), lon=np.array([2.34, 2.34]))
    out = roofs_mod.estimate_roof_production(roofs, cube, field=field)
    flat = roofs_mod.estimate_roof_production(roofs, cube)
    assert out["annual_kwh"].iloc[0] == pytest.approx(flat["annual_kwh"].iloc[0], rel=0.01)
    assert out["annual_kwh"].iloc[1] != pytest.approx(flat["annual_kwh"].iloc[1], rel=1e-4)


# ---------------------------------------------------------------------------------------------- roof sources


def test_synthetic_stock_is_deterministic_weighted_and_labelled():
    a = synthetic_roof_stock(100_000, _communes(), StockAssumptions(seed=7))
    pd.testing.assert_frame_equal(a, synthetic_roof_stock(100_000, _communes(), StockAssumptions(seed=7)))
    assert not a.equals(synthetic_roof_stock(100_000, _communes(), StockAssumptions(seed=8)))
    assert a.attrs["synthetic"] is True and (a["source"] == "synthetic").all()
    share = a["commune_code"].value_counts(normalize=True)
    assert share["75113"] == pytest.approx(177 / 334, abs=0.01)
    assert roofs_mod.validate_roofs(a).empty
    assert a["tilt_deg"].between(0, 90).all() and a["azimuth_deg"].between(90, 270).all()
    assert a["roof_id"].is_unique and list(a.index) == list(range(100_000))


def test_synthetic_stock_dask_equals_pandas():
    eager = synthetic_roof_stock(45_000, _communes(), StockAssumptions(seed=2, block_size=10_000))
    lazy = synthetic_roof_stock_dask(45_000, _communes(), StockAssumptions(seed=2, block_size=10_000))
    assert lazy.npartitions == 5
    pd.testing.assert_frame_equal(lazy.compute(), eager, check_categorical=False)


def test_roofs_from_buildings_assumptions():
    b = pd.DataFrame({
        "building_id": ["a", "b", "c", "d", "e"], "source": "x", "commune_code": "93066",
        "footprint_m2": [200.0, 200.0, 200.0, 200.0, np.nan],
        "floors": [6.0, 1.0, np.nan, np.nan, 2.0], "height_m": [np.nan, np.nan, 15.0, 6.0, 6.0],
        "roof_material": [None, None, None, "10", None], "lon": 2.36, "lat": 48.93,
    })
    assert roof_shape(b).tolist() == ["flat", "pitched", "flat", "pitched", "pitched"]
    r = roofs_from_buildings(b)
    assert r.loc[0, "usable_area_m2"] == pytest.approx(100.0)
    assert r.loc[1, "usable_area_m2"] == pytest.approx(200 / 2 / np.cos(np.radians(35)) * 0.8)
    assert r.loc[0, "tilt_deg"] == 10 and r.loc[1, "tilt_deg"] == 35
    bad = roofs_mod.validate_roofs(r)
    assert bad["roof_id"].tolist() == ["e"] and "missing usable_area_m2" in bad["reason"].iloc[0]


def test_horizon_shading_from_neighbours(irradiance):
    dlat = 0.0002  # ~22 m
    # roof 0, a 20 m tower 22 m to its south, roof 2 44 m north of the tower, roof 3 without height
    b = pd.DataFrame({"lon": 2.35, "lat": [48.85, 48.85 - dlat, 48.85 + dlat, 48.90],
                      "footprint_m2": 100.0, "height_m": [6.0, 20.0, 6.0, np.nan], "floors": np.nan})
    profile = horizon_profile(b)
    assert profile[0, 4] > 30 and profile[0].sum() == profile[0, 4]  # due south: sector 180-225
    assert profile[1].sum() == 0  # the tower itself sees nothing taller
    roofs = pd.DataFrame({"tilt_deg": 35.0, "azimuth_deg": 180.0}, index=b.index)
    shade = horizon_shading(b, roofs, irradiance)
    assert shade[0] > shade[2] > 0  # the nearer the tower, the more shade
    assert shade[1] == 0 and shade[3] == 0 and shade.attrs["unknown_height"] == 1
    higher = horizon_shading(b.assign(height_m=[6.0, 30.0, 6.0, np.nan]), roofs, irradiance)
    assert higher[0] > shade[0]
    north = horizon_shading(b.assign(lat=[48.85, 48.85 + dlat, 48.85 - dlat, 48.90]), roofs, irradiance)
    assert north[0] < shade[0] / 3  # the same tower due north shades far less


def test_compare_with_saint_denis_cadastre(mirror, cube, field):
    cad = read_saint_denis_solar_roofs(mirror / GPKG)
    k = system_factors(cad)
    assert k.loc["plat", "k_median"] < k.loc["Npans", "k_median"]  # the cadastre's two system factors
    assert (k["k_max"] - k["k_min"]).max() < 1e-6  # production = area x irradiation x k, exactly
    est = roofs_mod.estimate_roof_production(roofs_from_cadastre(cad), cube, field=field,
                                             module_efficiency=0.17)
    summary, pairs = compare_with_cadastre(est, cad)
    assert summary["roofs"] > 200 and summary["cadastre_zero_roofs"] > 0
    assert summary["roofs"] + summary["cadastre_zero_roofs"] == len(cad)
    assert 0.5 < summary["median_ratio"] < 2.0 and summary["pearson_r"] > 0.8
    np.testing.assert_allclose(pairs["ratio"], pairs["irradiation_ratio"] * pairs["system_ratio"])
    assert 0.9 < summary["median_ratio_same_system"] < 1.2  # irradiation alone: within ~10 %
    by_shape = ratio_by_shape(pairs)
    assert by_shape.loc["flat", "median_system_ratio"] > by_shape.loc["pitched", "median_system_ratio"]


# ---------------------------------------------------------------------------------------------- database


def test_stock_communes_keep_every_dwelling(solar_db):
    from smartidf_analysis.data import db
    from smartidf_analysis.solar import io as solar_data

    units = solar_data.stock_communes()
    unplaced = solar_data.unplaced_dwellings()
    total = db.read_table("premises")["dwellings"].sum()
    assert units["dwellings"].sum() + unplaced["dwellings"].sum() == pytest.approx(total)
    assert set(unplaced["commune_code"]) <= {"77028", "77149", "78503", "91182", "95259", "95282"}
    arr = units[units["kind"] == "ARM"]
    assert len(arr) == 20 and "75056" not in set(units["commune_code"])
    assert (arr["dwellings_method"] == "paris_split_by_population").all()


def test_cached_cube_and_real_sets(solar_db):
    from smartidf_analysis.solar import io as solar_data

    a = solar_data.paris_yield_cube()
    assert solar_data.paris_yield_cube() is a  # cached
    lossy = solar_data.paris_yield_cube(system_losses_pct=20.0)
    assert (lossy["specific_yield_kwh_kwp"] < a["specific_yield_kwh_kwp"]).all()
    inputs = {"saint_denis_buildings": len(solar_data.buildings("dfg_saint_denis_buildings")),
              "paris13_volumes": len(solar_data.buildings("apur_volumes_paris13")),
              "saint_denis_cadastre": len(solar_data.cadastre())}
    for roof_set, n in inputs.items():
        prod = solar_data.real_set_production(roof_set)
        assert n > 0 and len(prod) + prod.attrs["n_bad"] == n  # every roof estimated or reported
        assert prod["geometry_wkb"].notna().all()
    paris = solar_data.roofs_for_set("paris13_volumes")
    assert paris["shading_factor"].max() > 0.2  # dense block: some roofs are shaded
    lower = solar_data.real_set_production("paris13_volumes", system_losses_pct=25.0)
    assert solar_data.set_totals(lower)["annual_gwh"].item() < solar_data.set_totals(
        solar_data.real_set_production("paris13_volumes"))["annual_gwh"].item()


def test_stock_summary_matches_pandas(solar_db):
    from smartidf_analysis.solar import io as solar_data

    s = solar_data.stock_summary(n=40_000, top=10)
    stock = synthetic_roof_stock(40_000, solar_data.stock_communes(), StockAssumptions(weight="dwellings"))
    est = roofs_mod.estimate_roof_production(stock, solar_data.paris_yield_cube(),
                                             field=solar_data.regional_field())
    ref = roofs_mod.production_totals(est)
    ref.index = ref.index.astype(str)
    pd.testing.assert_frame_equal(s.commune_totals, ref, check_names=False)
    pd.testing.assert_frame_equal(stock_totals(s.commune_totals), solar_data.set_totals(est),
                                  rtol=1e-9)
    assert s.class_totals["roofs"].sum() == 40_000
    assert s.top_roofs["annual_kwh"].iloc[0] == pytest.approx(est["annual_kwh"].max())
    pts = solar_data.stock_points(n=40_000)
    assert len(pts) == 40_000 and pts["solar_class"].dtype == "category"


def test_roof_set_results_and_roof_table(solar_db):
    from smartidf_analysis.solar import io as solar_data
    from smartidf_analysis.solar import results as solar_results

    r = solar_results.roof_set_results("paris13_volumes", "cadastre", 0.2, 20.0, 0.8)
    prod = solar_data.real_set_production("paris13_volumes", convention="cadastre",
                                          system_losses_pct=20.0, usable_fraction=0.8)
    pd.testing.assert_frame_equal(r.totals, solar_data.set_totals(prod))
    assert not r.synthetic and len(r.bad) == prod.attrs["n_bad"]
    assert r.classes["roofs"].sum() == r.totals["roofs"].item() == len(prod)
    table = solar_results.roof_table(r.roofs)
    assert list(table.columns) == [c for c in solar_results.ROOF_TABLE_COLUMNS if c in prod.columns]
    assert table["annual_kwh"].is_monotonic_decreasing and len(table) == len(prod)
    row = r.roofs.loc[r.roofs["annual_kwh"].idxmax()]
    months = solar_results.roof_months(row, False, 0.2, 20.0, 0.8)
    assert months["production_kwh"].sum() == pytest.approx(row["annual_kwh"], rel=1e-6)
    yields = solar_results.commune_indicator("yield_kwh_kwp", 0.2, 20.0, 0.8)
    lossless = solar_results.commune_indicator("yield_kwh_kwp", 0.2, 5.0, 0.8)
    assert (yields["yield_kwh_kwp"] < lossless["yield_kwh_kwp"]).all()
    with pytest.raises(ValueError, match="unknown roof set"):
        solar_results.roof_set_results("atlantis", "modules", 0.2, 14.0, 1.0)
    with pytest.raises(ValueError, match="unknown commune indicator"):
        solar_results.commune_indicator("'; drop table", 0.2, 14.0, 1.0)


def test_electrical_half_reuses_the_optical_half(irradiance):
    kw = dict(tilts=[0.0, 30.0, 60.0], azimuths=[90.0, 180.0, 270.0])
    plane = solar.plane_arrays(irradiance, **kw)
    for losses in (8.0, 20.0):
        direct = solar.yield_cube(irradiance, system_losses_pct=losses, **kw)
        split = solar.cube_from_plane(plane, system_losses_pct=losses)
        np.testing.assert_allclose(split["specific_yield_kwh_kwp"], direct["specific_yield_kwh_kwp"],
                                   rtol=1e-5)
        assert split.attrs["system_losses_pct"] == losses


def test_orientation_weights_give_exact_totals(cube, field):
    import dask.dataframe as dd

    from smartidf_analysis.solar.weights import orientation_weights, totals_from_weights

    stock = synthetic_roof_stock(30_000, _communes(), StockAssumptions(seed=4))
    stock.loc[[3, 9], "usable_area_m2"] = -1.0  # bad roofs: left out of both
    other = cube.copy()
    other["specific_yield_kwh_kwp"] = cube["specific_yield_kwh_kwp"] * (1 + cube["tilt"] / 300)  # any cube
    for by in ("commune_code", "solar_class"):
        weights = orientation_weights(stock, cube, field=field, by=by)
        lazy = orientation_weights(dd.from_pandas(stock, npartitions=3), cube, field=field, by=by)
        np.testing.assert_allclose(lazy["weight_m2"], weights["weight_m2"], rtol=1e-12)
        fast = totals_from_weights(weights, other, module_efficiency=0.18, usable_fraction=0.7)
        ref = roofs_mod.production_totals(roofs_mod.estimate_roof_production(
            stock, other, field=field, module_efficiency=0.18, usable_fraction=0.7), by=by)
        ref.index = ref.index.astype(str)
        pd.testing.assert_frame_equal(fast, ref, check_names=False, check_index_type=False, rtol=1e-9)
    with pytest.raises(ValueError, match="grid"):
        totals_from_weights(weights, cube.isel(tilt=slice(0, 5)))


def test_study_tables(irradiance, cube):
    from smartidf_analysis.solar import study as solar_study

    climate = solar_study.monthly_climate(irradiance)
    assert list(climate.index) == [str(m) for m in range(1, 13)] + ["year"]
    assert climate.loc["year", "ghi_kwh_m2"] == pytest.approx(climate.drop(index="year")["ghi_kwh_m2"].sum())
    assert climate.loc["year", "ghi_kwh_m2"] == pytest.approx(irradiance["ghi_w_m2"].sum() / 1000)
    table = solar_study.cube_table(cube)
    assert table.loc[35, "azimuth_180"] == table.max().max()  # 35 deg south is the best cell


def test_plots_build_and_rasterise_large_sets(cube):
    import holoviews as hv
    import shapely

    from smartidf_analysis.plots import solar as splots

    hv.extension("bokeh")
    classes = list(roofs_mod.SOLAR_CLASSES)
    square = shapely.to_wkb(shapely.box(2.30, 48.80, 2.31, 48.81))
    other = shapely.to_wkb(shapely.box(2.32, 48.80, 2.33, 48.81))
    small = pd.DataFrame({"roof_id": ["a", "b", "c"], "annual_kwh": [1.0, 2.0, 3.0],
                          "irradiation_kwh_m2": [950.0, 650.0, 800.0],
                          "geometry_wkb": [square, other, square],
                          "solar_class": pd.Categorical(["red", "blue", None], categories=classes)})
    roof_map = splots.roof_class_map(small)  # the page's and the notebook's roof map
    values = splots.show_roof_classes(roof_map, small.iloc[::-1], title="roofs")
    # class index in the map's order whatever the rows' order; an unknown class is no data
    assert roof_map.codes == ["a", "b", "c"]
    np.testing.assert_array_equal(values[:2], [2.0, 0.0])
    assert np.isnan(values[2])
    hover = list(roof_map.source.data["display"])
    assert hover[0].startswith("red · 1 kWh/yr") and hover[2].startswith("—")
    assert roof_map.figure.title.text == "roofs"
    many = pd.DataFrame({"lon": np.linspace(2, 3, 60_000), "lat": 48.8,
                         "solar_class": pd.Categorical(["red"] * 60_000, categories=classes)})
    assert isinstance(splots.roof_points_raster(many), hv.DynamicMap)  # datashaded
    monthly = roofs_mod.monthly_roof_production(roofs_frame(1).iloc[0], cube)
    for element in (splots.cube_heatmap(cube), splots.monthly_bars(monthly)):
        hv.render(element)


def test_commune_map_colours_each_commune_and_greys_missing_ones():
    import shapely

    from smartidf_analysis.plots import solar as splots

    communes = pd.DataFrame({"commune_code": ["93066", "75113", "77288"],
                             "commune_name": ["Saint-Denis", "Paris 13e", "Melun"],
                             "geometry_wkb": [shapely.to_wkb(shapely.box(x, 48.8, x + 0.01, 48.81))
                                              for x in (2.30, 2.35, 2.65)]})
    commune_map = splots.commune_map(communes)
    table = pd.DataFrame({"commune_code": ["77288", "93066"], "annual_gwh": [12.5, 40.0]})
    values = splots.show_commune_values(commune_map, table, "annual_gwh", label="GWh/yr")
    np.testing.assert_array_equal(values[[0, 2]], [40.0, 12.5])
    assert np.isnan(values[1])  # no row: no data (grey), not zero
    assert commune_map.mapper.low == 12.5 and commune_map.mapper.high == 40.0
    assert commune_map.source.data["display"][1] == "no data"
    assert commune_map.figure.title.text == "GWh/yr"


def test_page_reacts_to_its_parameters(solar_db):
    from page_view import PageView, monthly_bars, solar_roofs_shown

    from smartidf_analysis.apps.solar import SolarPage

    page = SolarPage(lang="en")
    view = PageView(page)
    before = solar_roofs_shown(view)
    assert "GWh/yr" in view.text("solar-totals") and not view.visible("solar-synthetic-alert")
    assert monthly_bars(view) is None and view.alerts("danger") == []
    page.state.system_losses_pct = 25.0
    after = solar_roofs_shown(view)
    assert view.alerts("danger") == []
    assert after["annual_kwh"].is_monotonic_decreasing  # largest producer first
    energy = before.set_index("roof_id")["annual_kwh"]  # same roofs, each producing less
    assert sorted(after["roof_id"]) == sorted(energy.index)
    assert (after.set_index("roof_id")["annual_kwh"] < energy.reindex(after["roof_id"])).all()
    [table] = view.tables()
    first = table.iloc[0]
    assert first["roof_id"] == after["roof_id"].iloc[0]  # the table: largest producer first
    page.state.roof_id = first["roof_id"]
    assert first["roof_id"] in view.text("solar-inspector")
    # the inspector's months sum to the roof's annual figure
    assert monthly_bars(view).iloc[:, 1].sum() == pytest.approx(first["annual_kwh"], rel=1e-3)
    page.state.roof_set = "paris13_volumes"
    assert "Paris 13e" in view.text("solar-totals") and page.state.roof_id == ""
    paris = solar_roofs_shown(view)
    assert set(paris["roof_id"]).isdisjoint(after["roof_id"]) and monthly_bars(view) is None


def test_losses_change_recolours_the_maps_in_place(solar_db):
    """A parameter change patches the values of the Bokeh maps (same data sources, same
    figures); the geometries are not rebuilt, and a roof tap or table row selects the roof."""
    import panel as pn
    from bokeh.models import ColorBar
    from page_view import PageView, solar_roofs_shown

    from smartidf_analysis.apps.solar import SolarPage

    page = SolarPage(lang="fr")
    view = PageView(page)
    roofs_figure, communes_figure = view.figures()  # the roof map above the communes'
    roof_source = roofs_figure.renderers[0].data_source
    commune_source = communes_figure.renderers[0].data_source
    commune_xs, roof_xs = communes_figure.renderers[0].glyph.xs, roofs_figure.renderers[0].glyph.xs
    commune_values = np.array(commune_source.data["value"], dtype=float)
    roof_display = list(roof_source.data["display"])
    # each roof coloured by its class in the roofs CSV: blue 0, yellow 1, red 2
    roofs = solar_roofs_shown(view).set_index("roof_id")
    classes = roofs["solar_class"].reindex(roof_source.data["code"])
    codes = {"blue": 0.0, "yellow": 1.0, "red": 2.0}
    assert np.array_equal(np.asarray(roof_source.data["value"], dtype=float),
                          classes.map(codes).to_numpy(dtype=float))
    [colorbar] = roofs_figure.select(ColorBar)
    assert colorbar.major_label_overrides == {0.0: "bleu", 1.0: "jaune", 2.0: "rouge"}
    page.state.system_losses_pct = 25.0
    assert view.figures() == [roofs_figure, communes_figure]
    assert roofs_figure.renderers[0].data_source is roof_source
    assert communes_figure.renderers[0].data_source is commune_source
    assert communes_figure.renderers[0].glyph.xs is commune_xs
    assert roofs_figure.renderers[0].glyph.xs is roof_xs
    changed = np.isfinite(commune_values)
    assert (np.asarray(commune_source.data["value"])[changed] < commune_values[changed]).all()
    assert roof_source.data["display"] != roof_display  # same classes, less energy
    code3 = roof_source.data["code"][3]
    roof_source.selected.indices = [3]  # a tap on the map
    assert page.state.roof_id == code3 and code3 in view.text("solar-inspector")
    page.state.roof_id = roof_source.data["code"][7]  # a table row or the URL
    assert roof_source.selected.indices == [7]
    page.state.roof_set = "synthetic_stock"  # the raster, and no roof polygons
    assert view.figures() == [communes_figure] and len(view.shown(pn.pane.HoloViews)) == 1
    page.state.roof_set = "saint_denis_buildings"
    assert view.figures() == [roofs_figure, communes_figure]  # the same map, kept
    assert view.shown(pn.pane.HoloViews) == []
