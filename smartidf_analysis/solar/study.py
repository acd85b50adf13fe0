"""Result tables of the solar study (notebook ``04-solar-potential``), one function each.

Every table the notebook quotes comes from here, so it can be written as a key-result CSV and
compared between runs. Functions taking frames / cubes are pure; the others read through
:mod:`smartidf_analysis.solar.io` (cached).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from smartidf_analysis.solar import clearsky, conventions
from smartidf_analysis.solar import field as solar_field
from smartidf_analysis.solar import io as sd
from smartidf_analysis.solar import irradiance as solar
from smartidf_analysis.solar.cadastre import compare_with_cadastre, ratio_by_shape
from smartidf_analysis.solar.cadastre import system_factors as system_factors  # notebook 04 quotes it
from smartidf_analysis.solar.roofs import bad_roofs, class_totals
from smartidf_analysis.solar.roofs import bilinear as roofs_bilinear
from smartidf_analysis.solar.stock import roofs_from_cadastre

#: PVGIS reference for Paris (JRC Photovoltaic Geographical Information System; Huld, Muller
#: and Gambardella 2012, Solar Energy 86(6), 1803-1815, doi:10.1016/j.solener.2012.03.006):
#: crystalline silicon, 1 kWp, 14 % system loss, about 35-38 deg facing south: yearly AC
#: production about 1,000-1,100 kWh/kWp depending on the radiation database (PVGIS-SARAH2,
#: ERA5). Quoted as a range, not re-queried: ``pvlib.iotools.get_pvgis_*`` needs the network.
PVGIS_PARIS_KWH_KWP = (1000.0, 1100.0)


def monthly_climate(irradiance: pd.DataFrame) -> pd.DataFrame:
    """The typical year per month, with a ``year`` row last.

    Parameters
    ----------
    irradiance : DataFrame
        The hourly ``irradiance_hourly`` table (``time_utc``, ``ghi_w_m2``, ``dni_w_m2``,
        ``dhi_w_m2``, ``clearsky_ghi_w_m2`` [W/m2], ``temp_air_c`` [C]).

    Returns
    -------
    DataFrame
        Indexed by ``month`` ("1" to "12", then "year"): ``ghi_kwh_m2``, ``dni_kwh_m2``,
        ``dhi_kwh_m2``, ``clearsky_ghi_kwh_m2`` [kWh/m2], ``temp_air_c`` (mean) [C] and
        ``clearsky_index`` (GHI / clear-sky GHI) [-].
    """
    t = solar.reference_year_times(irradiance["time_utc"])
    frame = irradiance.assign(month=t.month.to_numpy())
    sums = frame.groupby("month")[["ghi_w_m2", "dni_w_m2", "dhi_w_m2", "clearsky_ghi_w_m2"]].sum() / 1000
    sums.columns = ["ghi_kwh_m2", "dni_kwh_m2", "dhi_kwh_m2", "clearsky_ghi_kwh_m2"]
    sums["temp_air_c"] = frame.groupby("month")["temp_air_c"].mean()
    year = sums.sum().to_frame("year").T
    year["temp_air_c"] = frame["temp_air_c"].mean()
    out = pd.concat([sums, year])
    out["clearsky_index"] = out["ghi_kwh_m2"] / out["clearsky_ghi_kwh_m2"]
    out.index = out.index.astype(str)
    out.index.name = "month"
    return out


def cube_table(cube: xr.Dataset, variable: str = "specific_yield_kwh_kwp",
               tilts: Sequence[float] = (0, 10, 20, 30, 35, 40, 50, 60),
               azimuths: Sequence[float] = (90, 120, 150, 180, 210, 240, 270)) -> pd.DataFrame:
    """A tilt (rows) x azimuth (columns) slice of the cube [units of ``variable``].

    Parameters
    ----------
    cube : xarray.Dataset
        A yield cube (:func:`~smartidf_analysis.solar.irradiance.yield_cube`).
    variable : str
        One of its (tilt, azimuth) variables, e.g. ``specific_yield_kwh_kwp`` [kWh/kWp/yr].
    tilts, azimuths : sequence of float
        Grid nodes to show [deg].

    Returns
    -------
    DataFrame
        Indexed by ``tilt_deg``; one column ``azimuth_<deg>`` per azimuth.
    """
    part = cube[variable].sel(tilt=list(tilts), azimuth=list(azimuths)).transpose("tilt", "azimuth")
    out = pd.DataFrame(part.to_numpy(), index=pd.Index(list(tilts), name="tilt_deg"),
                       columns=[f"azimuth_{int(a)}" for a in azimuths])
    return out


def paris_reference_yield(cube: xr.Dataset, tilt: float = 35.0, azimuth: float = 180.0) -> pd.DataFrame:
    """Our yield of a Paris roof against PVGIS's published range (one-row table).

    Columns: ``tilt_deg``, ``azimuth_deg``, ``plane_irradiation_kwh_m2``,
    ``specific_yield_kwh_kwp``, ``performance_ratio``, ``pvgis_low``, ``pvgis_high``
    [kWh/kWp/yr], ``gap_to_pvgis_mid`` [-] and ``within_10pct`` (bool).

    Parameters
    ----------
    cube : xarray.Dataset
        A yield cube (:func:`~smartidf_analysis.solar.irradiance.yield_cube`).
    tilt, azimuth : float
        The roof's tilt [deg] and azimuth [deg clockwise from north].

    Returns
    -------
    DataFrame
        One row, the columns above (``plane_irradiation_kwh_m2`` [kWh/m2/yr],
        ``performance_ratio`` [-]).
    """
    point = cube.interp(tilt=tilt, azimuth=azimuth)
    sy = float(point["specific_yield_kwh_kwp"])
    mid = sum(PVGIS_PARIS_KWH_KWP) / 2
    return pd.DataFrame([{
        "tilt_deg": tilt, "azimuth_deg": azimuth,
        "plane_irradiation_kwh_m2": float(point["irradiation_kwh_m2"]),
        "specific_yield_kwh_kwp": sy, "performance_ratio": float(point["performance_ratio"]),
        "pvgis_low": PVGIS_PARIS_KWH_KWP[0], "pvgis_high": PVGIS_PARIS_KWH_KWP[1],
        "gap_to_pvgis_mid": sy / mid - 1, "within_10pct": abs(sy / mid - 1) <= 0.10,
    }])


def field_summary(field: xr.Dataset) -> pd.DataFrame:
    """A regional field's annual horizontal irradiation as the roofs see it (cube's GHI x factor)
    [kWh/m2/yr] and its factor [-] at its minimum, maximum and at the reference site (the
    measured field at PVGIS level: the factor there is PVGIS / NSRDB, not 1).

    Parameters
    ----------
    field : xarray.Dataset
        A measured (:func:`~smartidf_analysis.solar.field.measured_field`) or modelled field.

    Returns
    -------
    DataFrame
        Three rows (``point``: minimum, maximum, reference): ``lat``, ``lon`` [deg],
        ``ghi_kwh_m2`` [kWh/m2/yr], ``factor`` [-].
    """
    lat, lon, factor = clearsky.spatial_factor_grid(field)
    ref = (float(field.attrs["reference_ghi_kwh_m2"]) if "factor" in field
           else float(np.asarray(field["reference_ghi_kwh_m2"]).sum()))
    rows = []
    for label, idx in (("minimum", np.unravel_index(np.argmin(factor), factor.shape)),
                       ("maximum", np.unravel_index(np.argmax(factor), factor.shape))):
        rows.append({"point": label, "lat": lat[idx[0]], "lon": lon[idx[1]],
                     "ghi_kwh_m2": factor[idx] * ref, "factor": factor[idx]})
    at_ref = roofs_bilinear(lat, lon, factor, [field.attrs["reference_latitude"]],
                            [field.attrs["reference_longitude"]])[0, 0]
    rows.append({"point": "reference (NSRDB site)", "lat": field.attrs["reference_latitude"],
                 "lon": field.attrs["reference_longitude"], "ghi_kwh_m2": at_ref * ref, "factor": at_ref})
    return pd.DataFrame(rows)


def classified_sets(sets: Sequence[str] = ("saint_denis_buildings", "paris13_volumes",
                                           "saint_denis_cadastre"),
                    convention: str | None = None) -> pd.DataFrame:
    """Roofs, energy and shading per red / yellow / blue class for the real roof sets
    (default parameters, ``convention`` as in
    :func:`~smartidf_analysis.solar.io.real_set_production`): ``roof_set``, ``solar_class``,
    ``roofs``, ``roof_share``, ``peak_power_mwp``, ``annual_gwh``, ``energy_share``,
    ``mean_shading``, ``left_out``.

    Parameters
    ----------
    sets : sequence of str
        Real roof sets of :data:`~smartidf_analysis.solar.io.ROOF_SETS`.
    convention : {"cadastre", "modules"}, optional
        Production convention; None for the plain per-kWp estimate.

    Returns
    -------
    DataFrame
        One row per set and class: ``roofs``, ``roof_share`` [-], ``peak_power_mwp`` [MWp],
        ``annual_gwh`` [GWh/yr], ``energy_share`` [-], ``mean_shading`` (mean shading factor)
        [-], ``left_out`` (roofs of the set that could not be modelled).
    """
    rows = []
    for name in sets:
        prod = sd.real_set_production(name, convention=convention)
        cls = class_totals(prod).reset_index()
        shade = prod.groupby("solar_class", observed=False)["shading_factor"].mean()
        cls["mean_shading"] = cls["solar_class"].map(shade).astype(float)
        cls.insert(0, "roof_set", name)
        cls["left_out"] = len(bad_roofs(prod))
        rows.append(cls)
    out = pd.concat(rows, ignore_index=True)
    out["solar_class"] = out["solar_class"].astype(str)
    return out[["roof_set", "solar_class", "roofs", "roof_share", "peak_power_mwp", "annual_gwh",
                "energy_share", "mean_shading", "left_out"]]


def stock_sensitivity(losses_pct: Sequence[float] = (8.0, 14.0, 20.0),
                      efficiencies: Sequence[float] = (0.17, 0.20, 0.22),
                      usable_fraction: float = 1.0) -> pd.DataFrame:
    """Regional totals of the SYNTHETIC stock for a grid of losses [%] x module efficiencies [-]
    (exact, from the orientation weights).

    Parameters
    ----------
    losses_pct : sequence of float
        DC losses [%].
    efficiencies : sequence of float
        Module efficiencies [-].
    usable_fraction : float
        Share of the usable area covered with modules [-].

    Returns
    -------
    DataFrame
        One row per pair: ``system_losses_pct`` [%], ``module_efficiency`` [-],
        ``peak_power_gwp`` [GWp], ``annual_twh`` [TWh/yr].
    """
    rows = []
    for losses in losses_pct:
        for eff in efficiencies:
            t = sd.stock_summary(module_efficiency=eff, system_losses_pct=losses,
                                 usable_fraction=usable_fraction).commune_totals
            rows.append({"system_losses_pct": losses, "module_efficiency": eff,
                         "peak_power_gwp": t["peak_power_mwp"].sum() / 1e3,
                         "annual_twh": t["annual_gwh"].sum() / 1e3})
    return pd.DataFrame(rows)


def stock_commune_table(summary: sd.StockSummary) -> pd.DataFrame:
    """The synthetic stock's commune totals with names and dwellings, largest first.

    Parameters
    ----------
    summary : StockSummary
        From :func:`~smartidf_analysis.solar.io.stock_summary`.

    Returns
    -------
    DataFrame
        ``commune_code``, ``commune_name``, ``department_code``, ``dwellings``,
        ``dwellings_method``, ``roofs``, ``usable_area_m2`` [m2], ``peak_power_mwp`` [MWp],
        ``annual_gwh`` [GWh/yr], ``kwh_per_dwelling`` [kWh/yr], by ``annual_gwh`` descending.
    """
    units = sd.stock_communes()[["commune_code", "commune_name", "department_code", "dwellings",
                                 "dwellings_method"]]
    out = units.merge(summary.commune_totals.reset_index(), on="commune_code", how="left")
    out["kwh_per_dwelling"] = out["annual_gwh"] * 1e6 / out["dwellings"]
    return out.sort_values(["annual_gwh", "commune_code"], ascending=[False, True]).reset_index(drop=True)


def field_validation(points: pd.DataFrame, modelled: xr.Dataset) -> dict[str, pd.DataFrame]:
    """The measured field's k-fold cross-validation by commune and what it is compared with.

    Parameters
    ----------
    points : DataFrame
        The PVGIS communes (:func:`~smartidf_analysis.solar.io.pvgis_points`).
    modelled : xarray.Dataset
        The MODELLED clear-sky field
        (:func:`~smartidf_analysis.solar.clearsky.irradiance_field`).

    Returns
    -------
    dict of str to DataFrame
        ``communes`` (out-of-fold predictions, :func:`~smartidf_analysis.solar.field.cross_validate`),
        ``scores`` (per variable, relative field: MAPE [%], Pearson r, constant-field MAPE [%],
        RMSE and bias [kWh/m2]), ``baselines`` (annual: the spline out of fold, a constant field and
        the MODELLED clear-sky field, each on the same communes) and ``smoothing`` (the CV curve
        behind :data:`~smartidf_analysis.solar.field.SMOOTHING`).
    """
    cv = solar_field.cross_validate(points)
    lat, lon, factor = clearsky.spatial_factor_grid(modelled)
    at = roofs_bilinear(lat, lon, factor, points["lat"].to_numpy(), points["lon"].to_numpy())[:, 0]
    observed = points["irradiation_kwh_m2"].to_numpy()
    baselines = pd.DataFrame([
        {"field": "thin-plate spline (PVGIS), out of fold",
         **solar_field.relative_scores(observed, cv["irradiation_kwh_m2_cv"])},
        {"field": "constant",
         **solar_field.relative_scores(observed, np.full(len(observed), observed.mean()))},
        {"field": "MODELLED clear sky x Paris clear-sky index",
         **solar_field.relative_scores(observed, at * observed.mean() / at.mean())},
    ])
    return {"communes": cv, "scores": solar_field.cv_summary(cv), "baselines": baselines,
            "smoothing": solar_field.smoothing_curve(points)}


def level_table(points: pd.DataFrame, fields: dict[str, xr.Dataset]) -> pd.DataFrame:
    """Horizontal irradiation the roofs see [kWh/m2/yr] under each level (``{"pvgis": field,
    "nsrdb": field}`` from :func:`~smartidf_analysis.solar.field.measured_field`): at the NSRDB
    site (Paris), and mean / min / max over the calibration communes, with PVGIS's own values.

    Parameters
    ----------
    points : DataFrame
        The PVGIS communes (``commune_code``, ``lat``, ``lon``, ``irradiation_kwh_m2``).
    fields : dict of str to xarray.Dataset
        Level name -> measured field.

    Returns
    -------
    DataFrame
        One row per level and one for the observed values: ``level``, ``paris_kwh_m2``,
        ``communes_mean_kwh_m2``, ``communes_min_kwh_m2``, ``communes_max_kwh_m2`` [kWh/m2/yr].
    """
    rows = []
    for level, field in fields.items():
        lat, lon, factor = clearsky.spatial_factor_grid(field)
        ghi = float(field.attrs["reference_ghi_kwh_m2"])
        at = roofs_bilinear(lat, lon, factor, points["lat"].to_numpy(), points["lon"].to_numpy())[:, 0] * ghi
        paris = roofs_bilinear(lat, lon, factor, [field.attrs["reference_latitude"]],
                               [field.attrs["reference_longitude"]])[0, 0] * ghi
        rows.append({"level": level, "paris_kwh_m2": paris, "communes_mean_kwh_m2": at.mean(),
                     "communes_min_kwh_m2": at.min(), "communes_max_kwh_m2": at.max()})
    obs = points["irradiation_kwh_m2"]
    paris = points.loc[points["commune_code"].str.startswith("751"), "irradiation_kwh_m2"].mean()
    rows.append({"level": "PVGIS communes (observed)", "paris_kwh_m2": paris,
                 "communes_mean_kwh_m2": obs.mean(), "communes_min_kwh_m2": obs.min(),
                 "communes_max_kwh_m2": obs.max()})
    return pd.DataFrame(rows)


def saint_denis_conventions(**parameters) -> dict[str, pd.DataFrame]:
    """Both production conventions on the Saint-Denis cadastre roofs against the cadastre.

    The cadastre gives no orientation: pans get the expected east-to-west yield
    (``unknown_orientation``); today's modules on pans are flush-mounted (``flush_cube``).
    ``parameters`` go to :func:`~smartidf_analysis.solar.conventions.convention_production`
    (e.g. ``module_efficiency``).

    Parameters
    ----------
    **parameters
        Keyword arguments of
        :func:`~smartidf_analysis.solar.conventions.convention_production`.

    Returns
    -------
    dict of str to DataFrame
        ``summary`` (one row per convention, see
        :func:`~smartidf_analysis.solar.cadastre.compare_with_cadastre`), ``by_shape``,
        ``terms`` (the modules / cadastre ratio split by
        :func:`~smartidf_analysis.solar.conventions.explain_ratio`) and ``pairs`` (roof by roof,
        both conventions).
    """
    table = sd.cadastre()
    roofs = roofs_from_cadastre(table)
    kw = dict(field=sd.regional_field(), unknown_orientation=True, **parameters)
    flush = sd.paris_yield_cube(mounting="flush")
    est, summaries, shapes, pairs = {}, [], [], []
    for name in conventions.CONVENTIONS:
        est[name] = conventions.convention_production(roofs, sd.paris_yield_cube(), convention=name,
                                                      flush_cube=flush, **kw)
        summary, p = compare_with_cadastre(est[name], table)
        summaries.append(summary.rename(name))
        shapes.append(ratio_by_shape(p).reset_index().assign(convention=name))
        pairs.append(p.assign(convention=name))
    summary = pd.DataFrame(summaries).rename_axis("convention").reset_index()
    return {"summary": summary, "by_shape": pd.concat(shapes, ignore_index=True),
            "terms": conventions.explain_ratio(est["modules"], est["cadastre"]),
            "pairs": pd.concat(pairs, ignore_index=True)}
