"""Shading of roofs by taller neighbours: a horizon-profile model from building heights.

A crude but physical model, for building extracts with heights (BD TOPO ``height_m``; APUR
floors x 3 m), in the spirit of PVGIS's horizon option:

1. :func:`horizon_profile` - for each building, the elevation angle [deg] of the highest
   obstruction in each of ``sectors`` azimuth sectors: neighbours within ``radius_m`` that rise
   above its roof, ``atan((h_neighbour - h_roof) / distance)``, the distance taken from the
   roof centroid to the neighbour's near edge (centroid distance minus half the side of a
   square of the neighbour's footprint, at least 1 m).
2. :func:`horizon_loss_table` - from the hourly typical year and pvlib (same solar position
   and Perez transposition as the yield cube), the share of a roof's annual plane irradiation
   that is beam arriving from each sector below each elevation, and the diffuse share.
3. :func:`shading_from_profile` - loss = beam blocked behind the profile + diffuse x the
   share of an isotropic sky hidden by the profile (``mean_s sin^2(alpha_s)``).

Ignored: the roof's own superstructures, trees, partial shading of large roofs (one point per
roof), reflections. Buildings without a height neither shade nor are shaded (counted in
``attrs["unknown_height"]``). Heights in metres, angles in degrees clockwise from north.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pvlib

from smartidf_analysis.solar import irradiance as solar

FLOOR_HEIGHT_M = 3.0  # [m] per floor when only floors are known
ELEVATIONS = np.arange(0.0, 91.0, 1.0)  # [deg] grid of horizon elevations of the loss table


def building_heights(buildings: pd.DataFrame, floor_height_m: float = FLOOR_HEIGHT_M) -> np.ndarray:
    """Height [m]: ``height_m`` when known, else ``floors * floor_height_m``, else NaN.

    Parameters
    ----------
    buildings : DataFrame
        ``height_m`` [m] and/or ``floors`` (either may be absent).
    floor_height_m : float
        Height of one floor [m].

    Returns
    -------
    ndarray
        Height of each building [m].
    """
    nan = pd.Series(np.nan, index=buildings.index)
    height = pd.to_numeric(buildings.get("height_m", nan), errors="coerce")
    floors = pd.to_numeric(buildings.get("floors", nan), errors="coerce")
    return height.fillna(floors * floor_height_m).to_numpy(dtype=float, na_value=np.nan)


def horizon_profile(buildings: pd.DataFrame, *, radius_m: float = 60.0, sectors: int = 8,
                    floor_height_m: float = FLOOR_HEIGHT_M, chunk: int = 2000) -> np.ndarray:
    """Horizon elevation [deg] per building and azimuth sector -> array (n, sectors).

    Parameters
    ----------
    buildings : DataFrame
        ``lon``, ``lat`` [deg] of the roof centroid, ``footprint_m2`` [m2], ``height_m`` [m]
        and/or ``floors``.
    radius_m : float
        Neighbours farther than this are ignored [m].
    sectors : int
        Number of equal azimuth sectors, the first one from north (0 deg) clockwise.
    floor_height_m : float
        See :func:`building_heights` [m].
    chunk : int
        Rows per block of the pairwise computation (memory ~ chunk x n).

    Returns
    -------
    ndarray
        (n, sectors) elevation of the highest taller neighbour per sector [deg]; 0 for no
        neighbour and for buildings of unknown height.
    """
    lon = pd.to_numeric(buildings["lon"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lat = pd.to_numeric(buildings["lat"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    lat0 = np.nanmean(lat) if np.isfinite(lat).any() else 0.0
    x = (lon - np.nanmean(lon)) * 111_320.0 * np.cos(np.radians(lat0))  # [m] local plane
    y = (lat - lat0) * 110_540.0
    h = building_heights(buildings, floor_height_m)
    half = 0.5 * np.sqrt(pd.to_numeric(buildings["footprint_m2"], errors="coerce").fillna(0).clip(lower=0)
                         .to_numpy(dtype=float))
    n = len(buildings)
    out = np.zeros((n, sectors))
    width = 360.0 / sectors
    for start in range(0, n, chunk):
        rows = slice(start, min(start + chunk, n))
        dx, dy = x[None, :] - x[rows, None], y[None, :] - y[rows, None]
        dist = np.hypot(dx, dy)
        rise = h[None, :] - h[rows, None]
        with np.errstate(invalid="ignore"):
            ok = (dist > 0) & (dist <= radius_m) & (rise > 0)
        elev = np.where(ok, np.degrees(np.arctan2(rise, np.maximum(dist - half[None, :], 1.0))), 0.0)
        sector = (((np.degrees(np.arctan2(dx, dy)) + 360.0) % 360.0) // width).astype(int) % sectors
        for s in range(sectors):
            out[rows, s] = np.where(sector == s, elev, 0.0).max(axis=1, initial=0.0)
    out[~np.isfinite(h)] = 0.0
    return out


def horizon_loss_table(irradiance: pd.DataFrame, tilt: float, azimuth: float, *, sectors: int = 8,
                       latitude: float = solar.PARIS_LATITUDE, longitude: float = solar.PARIS_LONGITUDE,
                       altitude: float = solar.PARIS_ALTITUDE_M) -> tuple[np.ndarray, float]:
    """Beam blocked behind a horizon, as a share of annual plane irradiation, per sector.

    Parameters
    ----------
    irradiance : DataFrame
        The hourly ``irradiance_hourly`` series (see
        :func:`~smartidf_analysis.solar.irradiance.yield_cube`).
    tilt, azimuth : float
        Roof tilt [deg] and azimuth [deg clockwise from north].
    sectors : int
        Number of azimuth sectors, as in :func:`horizon_profile`.
    latitude, longitude : float
        Site [deg].
    altitude : float
        Site altitude [m].

    Returns
    -------
    beam_share : ndarray (sectors, len(ELEVATIONS))
        Share of the roof's annual plane irradiation that is beam from sector ``s`` with the
        sun below elevation ``ELEVATIONS[e]`` [-].
    diffuse_share : float
        Share of annual plane irradiation that is sky-diffuse [-].
    """
    h = solar._hourly_inputs(irradiance, latitude, longitude, altitude, None)
    tot = pvlib.irradiance.get_total_irradiance(
        tilt, azimuth, h["zenith"], h["sun_azimuth"], h["dni"], h["ghi"], h["dhi"],
        dni_extra=h["dni_extra"], airmass=h["airmass"], albedo=h["albedo"], model="perez")
    beam = np.nan_to_num(np.asarray(tot["poa_direct"], dtype=float))
    diffuse = np.nan_to_num(np.asarray(tot["poa_sky_diffuse"], dtype=float))
    total = float(np.nan_to_num(np.asarray(tot["poa_global"], dtype=float)).sum()) or 1.0
    elevation = np.maximum(90.0 - h["zenith"], 0.0)  # a flat horizon (profile 0) blocks nothing
    sector = (np.mod(h["sun_azimuth"], 360.0) // (360.0 / sectors)).astype(int) % sectors
    table = np.zeros((sectors, len(ELEVATIONS)))
    for s in range(sectors):
        sel = (sector == s) & (beam > 0)
        order = np.argsort(elevation[sel])
        cum = np.concatenate([[0.0], np.cumsum(beam[sel][order])])
        table[s] = cum[np.searchsorted(elevation[sel][order], ELEVATIONS, side="left")] / total
    return table, float(diffuse.sum() / total)


def shading_from_profile(profile: np.ndarray, beam_share: np.ndarray, diffuse_share: float) -> np.ndarray:
    """Shading factor [-] (share of plane irradiation lost) from a horizon profile (n, sectors).

    Parameters
    ----------
    profile : ndarray
        (n, sectors) horizon elevations [deg] of :func:`horizon_profile`.
    beam_share : ndarray
        (sectors, len(ELEVATIONS)) of :func:`horizon_loss_table` [-].
    diffuse_share : float
        Sky-diffuse share of plane irradiation [-] of :func:`horizon_loss_table`.

    Returns
    -------
    ndarray
        (n,) shading factor in 0-1 [-].
    """
    profile = np.clip(np.asarray(profile, dtype=float), 0.0, 90.0)
    beam = np.zeros(len(profile))
    for s in range(profile.shape[1]):
        beam += np.interp(profile[:, s], ELEVATIONS, beam_share[s])
    sky = diffuse_share * np.mean(np.sin(np.radians(profile)) ** 2, axis=1)
    return np.clip(beam + sky, 0.0, 1.0)


def horizon_shading(buildings: pd.DataFrame, roofs: pd.DataFrame, irradiance: pd.DataFrame, *,
                    radius_m: float = 60.0, sectors: int = 8) -> pd.Series:
    """Shading factor [-] of each roof of ``roofs`` (one per building, same order) from the
    heights of the surrounding ``buildings``, by :func:`horizon_profile` and a loss table per
    distinct roof orientation (``tilt_deg``, ``azimuth_deg``).

    Parameters
    ----------
    buildings : DataFrame
        As for :func:`horizon_profile`.
    roofs : DataFrame
        ``tilt_deg`` and ``azimuth_deg`` [deg], one roof per building in the same order.
    irradiance : DataFrame
        The hourly series, as for :func:`horizon_loss_table`.
    radius_m : float
        Neighbour search radius [m].
    sectors : int
        Number of azimuth sectors.

    Returns
    -------
    Series
        ``shading_factor`` [-] indexed like ``roofs``; ``attrs["unknown_height"]`` counts the
        buildings of unknown height (left unshaded).
    """
    profile = horizon_profile(buildings, radius_m=radius_m, sectors=sectors)
    out = np.zeros(len(roofs))
    orient = roofs[["tilt_deg", "azimuth_deg"]].round(1)
    for (tilt, az), idx in orient.groupby(["tilt_deg", "azimuth_deg"]).indices.items():
        beam_share, diffuse_share = horizon_loss_table(irradiance, tilt, az, sectors=sectors)
        out[idx] = shading_from_profile(profile[idx], beam_share, diffuse_share)
    result = pd.Series(out, index=roofs.index, name="shading_factor")
    result.attrs["unknown_height"] = int(np.isnan(building_heights(buildings)).sum())
    return result
