"""Synthetic region, the other layers: rail stations and their daily validations, the hourly
irradiance year, buildings and solar cadastre roofs, incomes, Grand Paris Express stations
and census counts, each drawn over the commune table of
:mod:`smartidf_analysis.data.synthetic.communes` (models in
:mod:`smartidf_analysis.data.synthetic.region`).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import shapely
import shapely.affinity

from smartidf_analysis.data.synthetic import geo
from smartidf_analysis.data.synthetic.communes import affluence, schema_frame


def stations_table(rng, com: pd.DataFrame, units: pd.DataFrame, geoms: dict) -> pd.DataFrame:
    """The ``stations`` table: stops of synthetic rail lines, grouped in zones within ~600 m.

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``stations`` stream.
    com : pandas.DataFrame
        The ``communes`` table.
    units : pandas.DataFrame
        The commuting units (:func:`~smartidf_analysis.data.synthetic.communes.commuting_units`).
    geoms : dict of str to shapely.Geometry
        Commune code -> outline [m, Lambert-93].

    Returns
    -------
    pandas.DataFrame
        The ``stations`` table (``lon``/``lat`` [deg], ``x_l93``/``y_l93`` [m]).
    """
    outline = shapely.union_all(np.asarray([geoms[c] for c in com["commune_code"][com["kind"] == "COM"]]))
    lines = geo.rail_lines(rng, outline)
    pts = np.vstack([p for *_x, p in lines])
    meta = np.array([(nm, md, op) for nm, md, op, p in lines for _ in range(len(p))], dtype=object)
    keys = [f"{a}_{b}" for a, b in np.rint(pts / 600).astype(int)]  # stops within ~600 m share a zone
    first: dict[str, int] = {}
    zone = np.array([first.setdefault(k, len(first)) for k in keys])
    zdc = np.array([f"{71000 + z}" for z in zone])
    code = geo.locate(np.asarray([geoms[c] for c in units["commune_code"]]),
                      units["commune_code"].to_numpy(str), pts[:, 0], pts[:, 1])
    lon, lat = geo.lonlat(pts[:, 0], pts[:, 1])
    return schema_frame("stations", dict(
        station_id=[f"SYN{i:05d}" for i in range(len(pts))], station_name=[f"Gare Synthèse {z}" for z in zdc],
        line=meta[:, 0], mode=meta[:, 1], operator=meta[:, 2], zdc_id=zdc, lon=lon, lat=lat,
        x_l93=pts[:, 0], y_l93=pts[:, 1], commune_code=code))


WEEKDAY = np.array([0.92, 1.0, 0.97, 1.0, 0.88, 0.55, 0.38])  # Monday..Sunday
HOLIDAYS = ("2024-07-14", "2024-08-15", "2024-11-01", "2024-11-11", "2024-12-25", "2025-01-01",
            "2025-04-21", "2025-05-01", "2025-05-08", "2025-05-29", "2025-06-09")
SCHOOL_BREAKS = (("2024-07-06", "2024-09-01", 0.8), ("2024-08-01", "2024-08-20", 0.85),
                 ("2024-10-19", "2024-11-03", 0.92), ("2024-12-21", "2025-01-05", 0.75),
                 ("2025-02-15", "2025-03-02", 0.92), ("2025-04-12", "2025-04-27", 0.92))
TICKETS = (("Forfait Navigo", 0.62), ("Imagine R", 0.12), ("Forfaits courts", 0.16), ("Autres titres", 0.10))


def validations_table(rng, stations: pd.DataFrame, scale: float) -> pd.DataFrame:
    """Daily validations 2024-07-01..2025-06-30 per rail zone and ticket category.

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``validations`` stream.
    stations : pandas.DataFrame
        :func:`stations_table`.
    scale : float
        Multiplier of the counts [-].

    Returns
    -------
    pandas.DataFrame
        The ``station_validations`` table (``validations`` [validations/day]).
    """
    rail = stations[stations["mode"] != "TRAMWAY"]
    zones = rail.groupby("zdc_id", sort=True).agg(
        name=("station_name", "first"), x=("x_l93", "mean"), y=("y_l93", "mean"), lines=("line", "size"))
    r = np.hypot(zones["x"] - geo.CX, zones["y"] - geo.CY).to_numpy() / 1000
    base = (300 + 20_000 * np.exp(-r / 8) * zones["lines"].to_numpy()) * rng.lognormal(0, 0.5, len(zones))
    days = pd.date_range("2024-07-01", periods=365, freq="D")
    day_f = WEEKDAY[days.day_of_week]
    day_f[days.isin(pd.to_datetime(HOLIDAYS))] = 0.4
    school = np.ones(len(days))
    for a, b, f in SCHOOL_BREAKS:
        m = (days >= a) & (days <= b)
        day_f[m] *= f
        school[m] = 0.5
    share = np.array([s for _t, s in TICKETS])
    vol = (base[None, :, None] * day_f[:, None, None] * share[None, None]
           * rng.lognormal(0, 0.08, (len(days), len(zones), len(share))))
    vol[:, :, 1] *= school[:, None]
    shape = vol.shape
    return schema_frame("station_validations", dict(
        day=np.repeat(days.to_numpy(), shape[1] * shape[2]),
        zdc_id=np.tile(np.repeat(zones.index.to_numpy(str), shape[2]), shape[0]),
        stop_name=np.tile(np.repeat(zones["name"].to_numpy(str), shape[2]), shape[0]),
        ticket_category=np.tile([t for t, _s in TICKETS], shape[0] * shape[1]),
        validations=np.rint(vol.ravel() * scale)))


def irradiance_table(rng) -> pd.DataFrame:
    """A plausible hourly year at 48.85N 2.34E: clear sky × AR(1) clear-sky index, Erbs split.

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``sun`` stream.

    Returns
    -------
    pandas.DataFrame
        The ``irradiance_hourly`` table (irradiances [W/m²], temperature [°C], wind [m/s],
        pressure [hPa], zenith [deg]).
    """
    import pvlib

    times = pd.date_range("2019-01-01 00:30", periods=8760, freq="h", tz="UTC")
    loc = pvlib.location.Location(48.85, 2.34, altitude=49)
    with warnings.catch_warnings():  # pvlib 0.16 still calls pandas accessors deprecated in pandas 3.1
        warnings.filterwarnings("ignore", message=".* is deprecated")
        cs = loc.get_clearsky(times)
        zen = loc.get_solarposition(times)["apparent_zenith"].to_numpy()
    doy = times.day_of_year.to_numpy()
    seasonal = 0.6 + 0.12 * np.cos(2 * np.pi * (doy - 190) / 365)

    def ar1(n, phi, sd):
        e = rng.normal(0, sd, n)
        out = np.empty(n)
        out[0] = e[0]
        for i in range(1, n):
            out[i] = phi * out[i - 1] + e[i]
        return out

    day_noise = np.repeat(ar1(365, 0.6, 0.22), 24)
    kc = np.clip(seasonal + day_noise + ar1(8760, 0.7, 0.08), 0.08, 1.05)
    ghi = cs["ghi"].to_numpy() * kc
    split = pvlib.irradiance.erbs(ghi, zen, doy)
    dni = np.nan_to_num(np.asarray(split["dni"], float)).clip(0, None)
    dhi = np.nan_to_num(np.asarray(split["dhi"], float)).clip(0, None)
    hour = times.hour.to_numpy() + 0.5
    temp = (12 - 7.5 * np.cos(2 * np.pi * (doy - 20) / 365) + 3.5 * np.sin(2 * np.pi * (hour - 9) / 24)
            + day_noise * 8 + ar1(8760, 0.9, 0.4))
    return schema_frame("irradiance_hourly", dict(
        time_utc=times.tz_localize(None), ghi_w_m2=ghi, dni_w_m2=dni, dhi_w_m2=dhi,
        clearsky_ghi_w_m2=cs["ghi"], clearsky_dni_w_m2=cs["dni"], clearsky_dhi_w_m2=cs["dhi"],
        temp_air_c=np.round(temp, 1), wind_speed_m_s=np.round(rng.weibull(2.0, 8760) * 4.2, 1),
        albedo=np.full(8760, 0.2), pressure_hpa=np.round(1010 + 8 * np.tanh(ar1(8760, 0.98, 0.15)), 1),
        solar_zenith_deg=zen))


def buildings_and_roofs(rng, com: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Footprints on a 70 m grid: 150 in 75113 (floors only) and 250 in an inner 93 commune (heights).

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``buildings`` stream.
    com : pandas.DataFrame
        The ``communes`` table.

    Returns
    -------
    buildings : pandas.DataFrame
        The ``buildings`` table (``footprint_m2`` [m²], ``height_m`` [m]).
    roofs : pandas.DataFrame
        The ``solar_cadastre_roofs`` table of the 93 buildings (``usable_area_m2`` [m²],
        ``mean_irradiation_kwh_m2`` [kWh/m²/yr], ``production_kwh`` [kWh/yr]).
    """
    c93 = com[com["department_code"] == "93"]
    d = np.hypot(c93["centroid_x_l93"] - geo.CX, c93["centroid_y_l93"] - geo.CY - 10_000)
    sites = (("apur_volumes_paris13", "75113", 150),
             ("dfg_saint_denis_buildings", c93["commune_code"].iloc[int(np.argmin(d))], 250))
    parts = []
    for src, code, n in sites:
        row = com[com["commune_code"] == code].iloc[0]
        side = int(np.ceil(np.sqrt(n)))
        g = np.arange(side * side)[:n]
        x = row["centroid_x_l93"] + 70 * (g % side - side / 2) + rng.uniform(-3, 3, n)
        y = row["centroid_y_l93"] + 70 * (g // side - side / 2) + rng.uniform(-3, 3, n)
        area = np.clip(rng.lognormal(np.log(350), 0.6, n), 60, 1200)
        apur = src.startswith("apur")
        floors = rng.integers(1, 13, n).astype(float) if apur else None
        height = np.round(rng.uniform(3, 25, n), 1) if not apur else np.full(n, np.nan)
        lon, lat = geo.lonlat(x, y)
        parts.append(dict(
            building_id=[f"{'APUR' if apur else 'BDTOPO'}-SYN-{i:05d}" for i in range(n)], source=[src] * n,
            commune_code=[code] * n, footprint_m2=area,
            floors=floors if apur else np.maximum(1, np.round(height / 3)), height_m=height,
            roof_material=[None] * n if apur else rng.choice(["Tuiles", "Zinc", "Béton", "Ardoises"], n),
            usage=[None] * n if apur else rng.choice(["Résidentiel", "Enseignement", "Commerce"], n),
            lon=lon, lat=lat, geometry=geo.rectangles(rng, x, y, area)))
    bld = {k: np.concatenate([np.asarray(p[k], dtype=object if k in ("roof_material", "usage") else None)
                              for p in parts]) for k in parts[0]}
    geoms = bld.pop("geometry")
    bld["geometry_wkb"] = shapely.to_wkb(geo.to_wgs84(geoms))
    buildings = schema_frame("buildings", bld)
    roofs_idx = np.flatnonzero(buildings["source"].to_numpy(str) == "dfg_saint_denis_buildings")
    n = len(roofs_idx)
    usable = np.round(bld["footprint_m2"][roofs_idx].astype(float) * rng.uniform(0.3, 0.8, n), 1)
    irr = np.round(rng.uniform(550, 1080, n), 1)
    shrunk = np.array([shapely.affinity.scale(g, 0.95, 0.95) for g in geoms[roofs_idx]], dtype=object)
    roofs = schema_frame("solar_cadastre_roofs", dict(
        roof_id=[f"ROOF-SYN-{i:05d}" for i in range(n)], usable_area_m2=usable,
        solar_class=np.select([irr >= 900, irr >= 700], ["important", "intermédiaire"], "Non favorable"),
        production_kwh=np.round(usable * irr * 0.15, 1), mean_irradiation_kwh_m2=irr,
        roof_shape=rng.choice(["plat", "2 pans", "Npans"], n, p=[0.6, 0.25, 0.15]),
        lon=bld["lon"][roofs_idx], lat=bld["lat"][roofs_idx],
        geometry_wkb=shapely.to_wkb(geo.to_wgs84(shrunk))))
    return buildings, roofs


def incomes_table(rng, com: pd.DataFrame) -> pd.DataFrame:
    """Median income per consumption unit [EUR]: 2021 declared and 2012 disposable, by affluence.

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``misc`` stream.
    com : pandas.DataFrame
        The ``communes`` table.

    Returns
    -------
    pandas.DataFrame
        The ``incomes`` table: two rows per commune (2012 disposable, 2021 declared),
        ``median_income_eur`` [EUR], ``households``.
    """
    aff = affluence(com["centroid_x_l93"].to_numpy(), com["centroid_y_l93"].to_numpy())
    n, pop = len(com), com["population"].to_numpy(float)
    dec = 24_500 * np.exp(0.35 * aff) * rng.lognormal(0, 0.06, n)
    disp = 21_000 * np.exp(0.25 * aff) * rng.lognormal(0, 0.05, n)
    arm, paris = com["kind"].eq("ARM").to_numpy(), com["commune_code"].eq("75056").to_numpy()
    for v in (dec, disp):
        v[paris] = np.average(v[arm], weights=pop[arm])
    order = np.argsort(com["commune_code"].to_numpy(str), kind="stable")
    return schema_frame("incomes", dict(
        commune_code=np.repeat(com["commune_code"].to_numpy(str)[order], 2), year=np.tile([2012, 2021], n),
        measure=np.tile(["disposable", "declared"], n),
        median_income_eur=np.round(np.column_stack([disp, dec])[order].ravel(), -1),
        households=np.repeat(np.round(pop[order] / 2.2), 2)))


def gpe_table(rng, units: pd.DataFrame, geoms: dict) -> pd.DataFrame:
    """About 20 Grand-Paris-Express-like stations on a ring at 9-13 km and two radial branches.

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``gpe`` stream.
    units : pandas.DataFrame
        The commuting units.
    geoms : dict of str to shapely.Geometry
        Commune code -> outline [m, Lambert-93].

    Returns
    -------
    pandas.DataFrame
        The ``gpe_stations`` table (22 stations).
    """
    a = np.radians(np.sort(rng.uniform(0, 360, 16)))
    r = rng.uniform(9_000, 13_000, 16)
    b = np.radians(np.repeat(rng.uniform(0, 360, 2), 3))
    rb = np.tile([16_000, 19_000, 22_000], 2)
    x = np.concatenate([geo.CX + r * np.cos(a), geo.CX + rb * np.cos(b)])
    y = np.concatenate([geo.CY + r * np.sin(a), geo.CY + rb * np.sin(b)])
    lines = ["15"] * 16 + ["16 17"] * 3 + ["18"] * 3
    code = geo.locate(np.asarray([geoms[c] for c in units["commune_code"]]),
                      units["commune_code"].to_numpy(str), x, y)
    lon, lat = geo.lonlat(x, y)
    return schema_frame("gpe_stations", dict(
        station_code=[f"GPE-SYN-{i + 1:02d}" for i in range(len(x))],
        station_name=[f"Gare GPE Synthèse {i + 1:02d}" for i in range(len(x))], lines=lines,
        interconnection=rng.uniform(size=len(x)) < 0.4, commune_code=code, lon=lon, lat=lat,
        x_l93=x, y_l93=y))


def census_table(rng, com: pd.DataFrame) -> pd.DataFrame:
    """Census-2021-like counts derived from the synthetic population (Paris = sum of arrondissements).

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``misc`` stream.
    com : pandas.DataFrame
        The ``communes`` table.

    Returns
    -------
    pandas.DataFrame
        The ``commune_census_2021`` table (counts [persons or households], ``area_km2_insee``
        [km²]).
    """
    n, pop = len(com), com["population"].to_numpy(float)
    dep = com["department_code"].to_numpy(str)
    cols = {
        "population_2021": pop * rng.uniform(0.97, 1.0, n),
        "population_2015": pop * rng.uniform(0.92, 1.0, n),
        "households_2021": pop / rng.uniform(1.9, 2.5, n),
        "active_15_64_2021": pop * rng.uniform(0.46, 0.53, n),
    }
    cols = {k: np.rint(v).astype(np.int64) for k, v in cols.items()}
    cols["unemployed_15_64_2021"] = np.rint(
        cols["active_15_64_2021"] * (rng.uniform(0.06, 0.12, n) + 0.05 * (dep == "93"))).astype(np.int64)
    arm, paris = com["kind"].eq("ARM").to_numpy(), com["commune_code"].eq("75056").to_numpy()
    for v in cols.values():
        v[paris] = v[arm].sum()
    return schema_frame("commune_census_2021", dict(
        commune_code=com["commune_code"], kind=com["kind"], **cols,
        employed_15_64_approx=cols["active_15_64_2021"] - cols["unemployed_15_64_2021"],
        area_km2_insee=np.round(com["area_km2"].to_numpy() * rng.uniform(0.99, 1.01, n), 2)))
