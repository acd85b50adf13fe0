"""Rooftop solar, the MODELLED regional irradiation field: clear-sky irradiance over the region
scaled by the observed Paris clear-sky index (:func:`irradiance_field`), and the spatial
factor of a regional field, measured or modelled (:func:`spatial_factor_grid`).

An option: the default spatial factor is the measured field of
:mod:`smartidf_analysis.solar.field`. The Paris yield chain is in
:mod:`smartidf_analysis.solar.irradiance`.

References
----------
.. [1] Ineichen, P. and Perez, R. (2002). A new airmass independent formulation for the Linke
   turbidity coefficient. Solar Energy 73(3), 151-157. doi:10.1016/S0038-092X(02)00045-2
.. [2] Remund, J., Wald, L., Lefèvre, M., Ranchin, T. and Page, J. (2003). Worldwide Linke
   turbidity information. ISES Solar World Congress, Göteborg (the climatology shipped in pvlib).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import xarray as xr

from smartidf_analysis.solar.irradiance import (
    PARIS_LATITUDE,
    PARIS_LONGITUDE,
    REFERENCE_YEAR,
    reference_year_times,
)

IDF_LATITUDES = np.round(np.arange(48.10, 49.26, 0.05), 3)  # [deg N] Ile-de-France bbox
IDF_LONGITUDES = np.round(np.arange(1.40, 3.61, 0.05), 3)  # [deg E]


def _grid_lookup(name: str, key: str, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Nearest-node values of a pvlib data grid (5' global) for vectors of lat and lon.

    Same node choice as ``pvlib.clearsky.lookup_linke_turbidity`` and
    ``pvlib.location.lookup_altitude``, but one read of the bounding window for a whole grid.
    """
    import h5py

    rows = np.clip(np.rint((lat - (90 - 1 / 24)) * (2160 / -180)).astype(int), 0, 2159)
    cols = np.clip(np.rint((lon - (-180 + 1 / 24)) * (4320 / 360)).astype(int), 0, 4319)
    path = Path(pvlib.__file__).parent / "data" / name
    with h5py.File(path, "r") as f:
        win = f[key][rows.min():rows.max() + 1, cols.min():cols.max() + 1]
    return win[np.ix_(rows - rows.min(), cols - cols.min())]


def _clearsky_monthly(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Ineichen-Perez clear-sky GHI [kWh/m2/month] on a lat x lon grid -> (lat, lon, 12)."""
    times = pd.date_range(f"{REFERENCE_YEAR}-01-01 00:30", periods=8760, freq="h", tz="UTC")
    doy = times.day_of_year.to_numpy()
    decl = pvlib.solarposition.declination_spencer71(doy)
    eot = pvlib.solarposition.equation_of_time_spencer71(doy)  # [min]
    hours = (times.hour + times.minute / 60).to_numpy()
    lt = _grid_lookup("LinkeTurbidities.h5", "LinkeTurbidity", lat, lon) / 20.0  # (lat, lon, 12)
    alt = _grid_lookup("Altitude.h5", "Altitude", lat, lon).astype(float) * 28 - 450  # (lat, lon)
    dni_extra = pvlib.irradiance.get_extra_radiation(doy)
    month = times.month.to_numpy()
    out = np.empty((len(lat), len(lon), 12))
    for j, lo in enumerate(lon):
        ha = np.radians(15.0 * (hours - 12.0) + lo + eot / 4.0)
        zen = np.degrees(pvlib.solarposition.solar_zenith_analytical(np.radians(lat)[:, None], ha, decl))
        am = pvlib.atmosphere.get_relative_airmass(zen)
        am_abs = pvlib.atmosphere.get_absolute_airmass(am, pvlib.atmosphere.alt2pres(alt[:, j])[:, None])
        with np.errstate(divide="ignore", invalid="ignore"):  # night hours: NaN, dropped below
            cs = pvlib.clearsky.ineichen(zen, am_abs, lt[:, j, month - 1], altitude=alt[:, j][:, None],
                                         dni_extra=dni_extra)
        ghi = np.nan_to_num(cs["ghi"])
        for m in range(12):
            out[:, j, m] = ghi[:, month == m + 1].sum(axis=1) / 1000.0
    return out


def irradiance_field(
    irradiance: pd.DataFrame,
    *,
    lat: Sequence[float] = IDF_LATITUDES,
    lon: Sequence[float] = IDF_LONGITUDES,
    chunks: int = 12,
    latitude: float = PARIS_LATITUDE,
    longitude: float = PARIS_LONGITUDE,
) -> xr.Dataset:
    """MODELLED monthly horizontal irradiation over the region (lat x lon x month, Dask).

    Method: for every grid node, hourly clear-sky GHI of the reference year from the
    Ineichen-Perez model [1] with pvlib's Linke turbidity climatology [2] (monthly nearest
    5' node) and altitude grid, solar position from Spencer's analytical formulas; summed per
    month; then multiplied by the *observed* Paris monthly clear-sky index
    ``k_m = GHI_obs,m / GHI_clear,m(Paris)`` from the typical year. At Paris the field thus
    returns the observed monthly irradiation; elsewhere it carries only the latitude,
    turbidity and altitude gradients of clear-sky irradiance, not regional cloudiness. It is a
    model, not a measurement or a satellite product.

    Parameters
    ----------
    irradiance : DataFrame
        Canonical ``irradiance_hourly`` table of the reference site.
    lat, lon : sequence of float
        Grid [deg] (default the Ile-de-France bounding box every 0.05 deg).
    chunks : int
        Dask chunk size along lat and lon [nodes].
    latitude, longitude : float
        Site of the observed series [deg].

    Returns
    -------
    xarray.Dataset
        Dask-backed ``ghi_kwh_m2`` and ``clearsky_ghi_kwh_m2`` [kWh/m2/month] (lat, lon, month),
        the coordinate ``clearsky_index`` (month) and, eager, ``reference_ghi_kwh_m2``;
        ``attrs["data_kind"] == "modelled"``.
    """
    import dask.array as da

    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    t = reference_year_times(irradiance["time_utc"])
    obs = irradiance["ghi_w_m2"].groupby(t.month.to_numpy()).sum().reindex(range(1, 13)).to_numpy() / 1000.0
    paris = _clearsky_monthly(np.array([latitude]), np.array([longitude]))[0, 0]
    k = obs / paris
    dlat = da.from_array(lat, chunks=chunks)
    dlon = da.from_array(lon, chunks=chunks)
    clear = da.blockwise(_clearsky_monthly, "ijm", dlat, "i", dlon, "j", new_axes={"m": 12}, dtype=float)
    dims = ("lat", "lon", "month")
    ds = xr.Dataset(
        {
            "ghi_kwh_m2": (dims, clear * k, {"units": "kWh/m2/month", "long_name": "modelled GHI"}),
            "clearsky_ghi_kwh_m2": (dims, clear, {"units": "kWh/m2/month"}),
            "reference_ghi_kwh_m2": ("month", obs,
                                     {"units": "kWh/m2/month", "long_name": "observed at site"}),
        },
        coords={"lat": lat, "lon": lon, "month": np.arange(1, 13), "clearsky_index": ("month", k)},
    )
    ds.attrs = {
        "title": "Modelled monthly horizontal irradiation, Ile-de-France",
        "data_kind": "modelled",
        "modelled": "true",
        "method": "Ineichen-Perez clear sky x Linke turbidity climatology (pvlib) x observed Paris "
                  "monthly clear-sky index (NSRDB TMY)",
        "reference_latitude": latitude,
        "reference_longitude": longitude,
    }
    return ds


def spatial_factor_grid(field: xr.Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(lat, lon, factor) [-] of a regional field: its ``factor`` variable when it has one (the
    measured field of :func:`smartidf_analysis.solar.field.measured_field`), else the MODELLED
    field's annual GHI over the observed annual GHI at the reference site.

    Parameters
    ----------
    field : xarray.Dataset
        A measured field (with ``factor``) or a modelled one of :func:`irradiance_field`
        (``ghi_kwh_m2`` per month and ``reference_ghi_kwh_m2``).

    Returns
    -------
    (ndarray, ndarray, ndarray)
        Grid latitudes [deg], longitudes [deg] and the (lat, lon) factor [-].
    """
    if "factor" in field:
        return (field["lat"].to_numpy(), field["lon"].to_numpy(),
                np.asarray(field["factor"].transpose("lat", "lon").values, dtype=float))
    annual = np.asarray(field["ghi_kwh_m2"].sum("month").values, dtype=float)
    ref = float(np.asarray(field["reference_ghi_kwh_m2"]).sum())
    return field["lat"].to_numpy(), field["lon"].to_numpy(), annual / ref
