"""Rooftop solar: the yield cube over tilt x azimuth at the reference site (Paris).

Pure functions over canonical tables (see :mod:`smartidf_analysis.data.schema`): nothing here opens a
project file, a database connection or a widget. The chain, all in pvlib [1]_:

1. solar position (NREL SPA) for the hourly typical year ``irradiance_hourly``, every timestamp
   mapped to one non-leap reference year (a TMY stitches months from different years);
2. plane-of-array irradiance with the Perez 1990 transposition model [2]_ (``dni_extra`` and
   relative air mass supplied), or Hay-Davies / isotropic on request;
3. angle-of-incidence losses on the beam component (physical / Fresnel model, as PVWatts);
4. cell temperature with the Faiman model [3]_;
5. PVWatts DC power, lumped DC system losses and the PVWatts inverter model [4]_.

:func:`yield_cube` evaluates that chain once for a whole grid of orientations (numpy
broadcasting, the solar position computed once). The rest of the theme:

* :mod:`smartidf_analysis.solar.field` - the irradiation field fitted to PVGIS commune values
  (thin-plate spline, cross-validated by commune), shipped in the package;
* :mod:`smartidf_analysis.solar.clearsky` - the MODELLED regional field from clear-sky
  irradiance (an option: the default spatial factor is the measured field), and the spatial
  factor of either field;
* :mod:`smartidf_analysis.solar.conventions` - the cadastre's and today's-modules conventions
  from roof irradiation to kWh, and the ratio between them term by term;

* :mod:`smartidf_analysis.solar.roofs` - production of many roofs by interpolation in the cube,
  red / yellow / blue classes, totals per commune and class (also importable from here:
  ``solar.estimate_roof_production`` ...);
* :mod:`smartidf_analysis.solar.stock` - roofs from buildings and from the cadastre, and the
  synthetic regional stock (pandas or Dask partitions generated on the workers);
* :mod:`smartidf_analysis.solar.shading` - shading of roofs by taller neighbours;
* :mod:`smartidf_analysis.solar.weights` - exact instant totals for parameter sweeps;
* :mod:`smartidf_analysis.solar.cadastre` - validation against the solar cadastre;
* :mod:`smartidf_analysis.solar.io` - database inputs and caches;
  :mod:`smartidf_analysis.solar.study` - the notebook's result tables.

References
----------
.. [1] Holmgren, W. F., Hansen, C. W. and Mikofski, M. A. (2018). pvlib python: a python
   package for modeling solar energy systems. JOSS 3(29), 884. doi:10.21105/joss.00884
.. [2] Perez, R., Ineichen, P., Seals, R., Michalsky, J. and Stewart, R. (1990). Modeling
   daylight availability and irradiance components from direct and global irradiance. Solar
   Energy 44(5), 271-289. doi:10.1016/0038-092X(90)90055-H
.. [3] Faiman, D. (2008). Assessing the outdoor operating temperature of photovoltaic modules.
   Progress in Photovoltaics 16(4), 307-315. doi:10.1002/pip.813
.. [4] Dobos, A. P. (2014). PVWatts Version 5 Manual. NREL/TP-6A20-62641, National Renewable
   Energy Laboratory. doi:10.2172/1158421
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pvlib
import xarray as xr

PARIS_LATITUDE = 48.85  # NSRDB location 422723 [deg N]
PARIS_LONGITUDE = 2.34  # [deg E]
PARIS_ALTITUDE_M = 49.0  # [m]
REFERENCE_YEAR = 2019  # a non-leap year every TMY timestamp is mapped onto
DEFAULT_TILTS = np.arange(0.0, 91.0, 5.0)  # [deg]
DEFAULT_AZIMUTHS = np.arange(0.0, 361.0, 10.0)  # [deg] clockwise from north

# --------------------------------------------------------------------------------------------
# Time and solar position
# --------------------------------------------------------------------------------------------


def reference_year_times(times, year: int = REFERENCE_YEAR) -> pd.DatetimeIndex:
    """Map timestamps onto one non-leap reference year, keeping month, day and time of day.

    A typical meteorological year stitches months from several years (2017-2021 for Paris);
    the solar position must follow the calendar day, not the source year. 29 February, if
    present, is mapped to 28 February.

    Parameters
    ----------
    times : array-like of datetime
        UTC timestamps (naive timestamps are taken as UTC).
    year : int
        The reference year (must not be a leap year).

    Returns
    -------
    pandas.DatetimeIndex
        tz-aware UTC timestamps in ``year``.
    """
    t = pd.DatetimeIndex(pd.to_datetime(np.asarray(times)))
    t = t.tz_localize("UTC") if t.tz is None else t.tz_convert("UTC")
    day = np.where((t.month == 2) & (t.day == 29), 28, t.day)
    parts = pd.DataFrame(
        {"year": year, "month": t.month, "day": day, "hour": t.hour, "minute": t.minute, "second": t.second}
    )
    return pd.DatetimeIndex(pd.to_datetime(parts, utc=True))


def solar_position(
    irradiance: pd.DataFrame,
    latitude: float = PARIS_LATITUDE,
    longitude: float = PARIS_LONGITUDE,
    altitude: float = PARIS_ALTITUDE_M,
) -> pd.DataFrame:
    """Solar position for each row of ``irradiance_hourly`` (NREL SPA via pvlib).

    Parameters
    ----------
    irradiance : DataFrame
        The canonical ``irradiance_hourly`` table (``time_utc`` at mid-hour).
    latitude, longitude : float
        Site [deg].
    altitude : float
        Site altitude [m].

    Returns
    -------
    DataFrame
        pvlib's columns (``apparent_zenith``, ``azimuth`` ... [deg]) indexed by the
        reference-year timestamps, in the row order of ``irradiance``.
    """
    times = reference_year_times(irradiance["time_utc"])
    return pvlib.solarposition.get_solarposition(times, latitude, longitude, altitude=altitude)


def _hourly_inputs(irradiance, latitude, longitude, altitude, albedo) -> dict[str, np.ndarray]:
    """Arrays of the hourly inputs, day-time rows only (night contributes zero)."""
    sp = solar_position(irradiance, latitude, longitude, altitude)
    zen = sp["apparent_zenith"].to_numpy().astype(float)
    ghi = irradiance["ghi_w_m2"].to_numpy().astype(float)
    day = (zen < 90.0) | (ghi > 0)
    if albedo is None:
        alb = (irradiance["albedo"].to_numpy().astype(float) if "albedo" in irradiance
               else np.full(len(zen), 0.2))
        alb = np.where(np.isfinite(alb), alb, 0.2)
    else:
        alb = np.full(len(zen), float(albedo))
    out = {
        "month": sp.index.month.to_numpy(),
        "zenith": zen,
        "sun_azimuth": sp["azimuth"].to_numpy().astype(float),
        "ghi": ghi,
        "dni": irradiance["dni_w_m2"].to_numpy().astype(float),
        "dhi": irradiance["dhi_w_m2"].to_numpy().astype(float),
        "temp_air": irradiance["temp_air_c"].to_numpy().astype(float),
        "wind_speed": irradiance["wind_speed_m_s"].to_numpy().astype(float),
        "albedo": alb,
        "dni_extra": pvlib.irradiance.get_extra_radiation(sp.index.day_of_year.to_numpy().astype(float)),
    }
    out["airmass"] = pvlib.atmosphere.get_relative_airmass(out["zenith"])
    return {k: v[day] for k, v in out.items()}


def _plane(tilt, azimuth, h, *, transposition, u0, u1, iam):
    """POA global and effective (after incidence losses) irradiance [W/m2], cell temperature
    [C], for orientations broadcast against hours."""
    tot = pvlib.irradiance.get_total_irradiance(
        tilt, azimuth, h["zenith"], h["sun_azimuth"], h["dni"], h["ghi"], h["dhi"],
        dni_extra=h["dni_extra"], airmass=h["airmass"], albedo=h["albedo"], model=transposition,
    )
    poa_global = np.nan_to_num(np.asarray(tot["poa_global"], dtype=float))
    beam = np.nan_to_num(np.asarray(tot["poa_direct"], dtype=float))
    diffuse = poa_global - beam
    if iam:
        aoi = pvlib.irradiance.aoi(tilt, azimuth, h["zenith"], h["sun_azimuth"])
        beam = beam * np.nan_to_num(pvlib.iam.physical(aoi))
    temp_cell = pvlib.temperature.faiman(poa_global, h["temp_air"], h["wind_speed"], u0=u0, u1=u1)
    return poa_global, beam + diffuse, temp_cell


def _electrical(effective, temp_cell, *, gamma_pdc, system_losses_pct, dc_ac_ratio, inverter_efficiency):
    """PVWatts DC power, lumped DC losses and PVWatts inverter: AC power [kW/kWp]."""
    pdc = pvlib.pvsystem.pvwatts_dc(effective, temp_cell, pdc0=1.0, gamma_pdc=gamma_pdc)
    pdc = pdc * (1.0 - system_losses_pct / 100.0)
    pac = pvlib.inverter.pvwatts(pdc, pdc0=1.0 / (dc_ac_ratio * inverter_efficiency),
                                 eta_inv_nom=inverter_efficiency)
    return np.nan_to_num(np.asarray(pac, dtype=float))


# --------------------------------------------------------------------------------------------
# The tilt x azimuth cube
# --------------------------------------------------------------------------------------------


def yield_cube(
    irradiance: pd.DataFrame,
    *,
    tilts: Sequence[float] = DEFAULT_TILTS,
    azimuths: Sequence[float] = DEFAULT_AZIMUTHS,
    latitude: float = PARIS_LATITUDE,
    longitude: float = PARIS_LONGITUDE,
    altitude: float = PARIS_ALTITUDE_M,
    transposition: str = "perez",
    albedo: float | None = None,
    gamma_pdc: float = -0.0037,
    system_losses_pct: float = 14.0,
    dc_ac_ratio: float = 1.1,
    inverter_efficiency: float = 0.96,
    u0: float = 25.0,
    u1: float = 6.84,
    iam: bool = True,
) -> xr.Dataset:
    """Annual and monthly plane irradiation and specific yield over tilt x azimuth.

    Solar position is computed once; the transposition, temperature and PVWatts chain run
    vectorised over (azimuth x hour) for each tilt. Everything is per kWp, so the cube is
    independent of module efficiency and roof area. The work is split in an optical half
    (:func:`plane_arrays`) and an electrical half (:func:`cube_from_plane`), so that other
    losses or inverter settings can reuse the first.

    Parameters
    ----------
    irradiance : DataFrame
        The canonical ``irradiance_hourly`` table: ``time_utc``, ``ghi_w_m2``, ``dni_w_m2``,
        ``dhi_w_m2`` [W/m2], ``temp_air_c`` [C], ``wind_speed_m_s`` [m/s], ``albedo`` [-].
    tilts : sequence of float
        Surface tilts from horizontal [deg] (default 0-90 by 5; must be increasing).
    azimuths : sequence of float
        Surface azimuths clockwise from north [deg] (default 0-360 by 10: 90 east, 180 south,
        270 west; ``cube.sel(azimuth=slice(90, 270))`` is the east-to-west part).
    latitude, longitude : float
        Site of the irradiance series [deg].
    altitude : float
        Site altitude [m].
    transposition : str
        pvlib sky-diffuse model: ``"perez"`` (Perez 1990, allsitescomposite1990, with
        ``dni_extra`` and relative air mass), ``"haydavies"`` or ``"isotropic"``.
    albedo : float, optional
        Ground albedo [-]; default the series' ``albedo`` column.
    gamma_pdc : float
        Power temperature coefficient [1/C] (crystalline silicon about -0.0037).
    system_losses_pct : float
        Lumped DC losses [%]: soiling, shading of the array by itself, mismatch, wiring, LID,
        nameplate, availability. PVWatts' default components give 14.08 %
        (``pvlib.pvsystem.pvwatts_losses()``).
    dc_ac_ratio : float
        Array DC rating over inverter AC rating [-].
    inverter_efficiency : float
        Nominal inverter efficiency [-] (PVWatts inverter curve).
    u0, u1 : float
        Faiman heat-loss coefficients [W/(m2 C)] and [W/(m2 C) / (m/s)]; pvlib's defaults are
        for free-standing modules (roof-integrated modules run hotter: lower u0).
    iam : bool
        Apply the physical (Fresnel) incidence-angle modifier to the beam component.

    Returns
    -------
    xarray.Dataset
        ``irradiation_kwh_m2`` and ``specific_yield_kwh_kwp`` (tilt, azimuth) for the year,
        ``*_monthly_*`` (month, tilt, azimuth), and ``performance_ratio`` [-]; the parameters
        are in ``attrs``.
    """
    plane = plane_arrays(irradiance, tilts=tilts, azimuths=azimuths, latitude=latitude, longitude=longitude,
                         altitude=altitude, transposition=transposition, albedo=albedo, u0=u0, u1=u1, iam=iam)
    return cube_from_plane(plane, gamma_pdc=gamma_pdc, system_losses_pct=system_losses_pct,
                           dc_ac_ratio=dc_ac_ratio, inverter_efficiency=inverter_efficiency)


def plane_arrays(irradiance: pd.DataFrame, *, tilts: Sequence[float] = DEFAULT_TILTS,
                 azimuths: Sequence[float] = DEFAULT_AZIMUTHS, latitude: float = PARIS_LATITUDE,
                 longitude: float = PARIS_LONGITUDE, altitude: float = PARIS_ALTITUDE_M,
                 transposition: str = "perez", albedo: float | None = None, u0: float = 25.0,
                 u1: float = 6.84, iam: bool = True) -> dict:
    """The optical and thermal half of :func:`yield_cube` (slow: solar position, transposition),
    kept so that the electrical half (:func:`cube_from_plane`: losses, inverter) can be
    re-run in a fraction of a second.

    Parameters
    ----------
    irradiance, tilts, azimuths, latitude, longitude, altitude, transposition, albedo, iam
        As in :func:`yield_cube` (angles [deg], altitude [m], albedo [-]).
    u0, u1 : float
        Faiman heat-loss coefficients [W/(m2 C)] and [W/(m2 C)/(m/s)].

    Returns
    -------
    dict
        ``tilts``, ``azimuths`` [deg], ``month`` (T,), float32 arrays (tilt, azimuth, T) of
        day-time hours: ``poa_global`` and ``effective`` [W/m2], ``temp_cell`` [C]; ``attrs``.
    """
    tilts = np.asarray(tilts, dtype=float)
    azimuths = np.asarray(azimuths, dtype=float)
    h = _hourly_inputs(irradiance, latitude, longitude, altitude, albedo)
    shape = (len(tilts), len(azimuths), len(h["month"]))
    out = {k: np.empty(shape, dtype=np.float32) for k in ("poa_global", "effective", "temp_cell")}
    for i, tilt in enumerate(tilts):
        parts = _plane(np.full((len(azimuths), 1), tilt), azimuths[:, None], h,
                       transposition=transposition, u0=u0, u1=u1, iam=iam)
        for key, value in zip(("poa_global", "effective", "temp_cell"), parts, strict=True):
            out[key][i] = np.broadcast_to(value, shape[1:])
    out.update(tilts=tilts, azimuths=azimuths, month=h["month"], attrs={
        "latitude": latitude, "longitude": longitude, "altitude_m": altitude,
        "transposition": transposition, "u0": u0, "u1": u1, "iam": str(iam)})
    return out


def cube_from_plane(plane: dict, *, gamma_pdc: float = -0.0037, system_losses_pct: float = 14.0,
                    dc_ac_ratio: float = 1.1, inverter_efficiency: float = 0.96) -> xr.Dataset:
    """The electrical half of :func:`yield_cube` on :func:`plane_arrays`.

    Parameters
    ----------
    plane : dict
        From :func:`plane_arrays`.
    gamma_pdc, system_losses_pct, dc_ac_ratio, inverter_efficiency : float
        As in :func:`yield_cube`: temperature coefficient [1/C], DC losses [%], DC/AC ratio
        [-] and nominal inverter efficiency [-].

    Returns
    -------
    xarray.Dataset
        As :func:`yield_cube`: ``irradiation_kwh_m2`` [kWh/m2/yr], ``specific_yield_kwh_kwp``
        [kWh/kWp/yr], their monthly values [per month] and ``performance_ratio`` [-] on
        (tilt, azimuth).
    """
    tilts, azimuths = plane["tilts"], plane["azimuths"]
    onehot = (plane["month"][:, None] == np.arange(1, 13)[None, :]).astype(float)  # (T, 12)
    ac = _electrical(plane["effective"].astype(float), plane["temp_cell"].astype(float), gamma_pdc=gamma_pdc,
                     system_losses_pct=system_losses_pct, dc_ac_ratio=dc_ac_ratio,
                     inverter_efficiency=inverter_efficiency)
    poa_m = np.moveaxis(plane["poa_global"].astype(float) @ onehot, -1, 0) / 1000.0  # (12, tilt, az)
    ac_m = np.moveaxis(ac @ onehot, -1, 0)
    params = dict(gamma_pdc=gamma_pdc, system_losses_pct=system_losses_pct, dc_ac_ratio=dc_ac_ratio,
                  inverter_efficiency=inverter_efficiency)
    dims, mdims = ("tilt", "azimuth"), ("month", "tilt", "azimuth")
    ds = xr.Dataset(
        {
            "irradiation_kwh_m2": (dims, poa_m.sum(0),
                                   {"units": "kWh/m2/yr", "long_name": "plane irradiation"}),
            "specific_yield_kwh_kwp": (dims, ac_m.sum(0), {"units": "kWh/kWp/yr", "long_name": "AC yield"}),
            "irradiation_monthly_kwh_m2": (mdims, poa_m, {"units": "kWh/m2/month"}),
            "specific_yield_monthly_kwh_kwp": (mdims, ac_m, {"units": "kWh/kWp/month"}),
        },
        coords={
            "tilt": ("tilt", tilts, {"units": "deg"}),
            "azimuth": ("azimuth", azimuths, {"units": "deg clockwise from north"}),
            "month": ("month", np.arange(1, 13)),
        },
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        ds["performance_ratio"] = ds["specific_yield_kwh_kwp"] / ds["irradiation_kwh_m2"]
    ds.attrs = {
        "title": "PV yield cube (pvlib: SPA, transposition, Faiman, PVWatts)",
        "data_kind": "modelled",
        "source": "NSRDB typical meteorological year (irradiance_hourly)",
        **plane["attrs"], **params,
    }
    return ds
