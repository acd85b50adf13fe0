"""Solar sky inputs from the database, cached: the typical year, the yield cube and the regional
field (measured or modelled), and the shipped PVGIS field file.

Expensive objects - the yield cube (about 1 s), the regional field - are cached per database
build and parameters (:func:`~smartidf_analysis.data.build_cache.per_build`), so a rebuilt
database gives a fresh result. Cached objects are shared: treat them as read-only.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import pandas as pd
import xarray as xr

from smartidf_analysis.data import db, fetch
from smartidf_analysis.data.build_cache import per_build
from smartidf_analysis.data.sources.pvgis import read_pvgis_communes
from smartidf_analysis.solar import clearsky
from smartidf_analysis.solar import field as solar_field
from smartidf_analysis.solar import irradiance as solar
from smartidf_analysis.solar.conventions import mounting_heat_loss

FIELD_KINDS = ("measured", "modelled")
PVGIS_DATASET = "solairesimple_pvgis_irradiation"  # refresh-only catalogue entry of the field


@per_build(max_items=4)
def _irradiance() -> pd.DataFrame:
    return db.read_table("irradiance_hourly").sort_values("time_utc").reset_index(drop=True)


def irradiance_table() -> pd.DataFrame:
    """The canonical ``irradiance_hourly`` table (NSRDB TMY, Paris; a copy).

    Returns
    -------
    DataFrame
        One row per hour, by ``time_utc``: ``ghi_w_m2``, ``dni_w_m2``, ``dhi_w_m2`` and their
        clear-sky values [W/m2], ``temp_air_c`` [C], ``wind_speed_m_s`` [m/s], ...

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    return _irradiance().copy()


@per_build(max_items=4)
def _plane(transposition, mounting: str = "rack") -> dict:
    u0, u1 = mounting_heat_loss(mounting)
    return solar.plane_arrays(_irradiance(), transposition=transposition, u0=u0, u1=u1)  # ~40 MB


@per_build(max_items=32)
def _cube(system_losses_pct, inverter_efficiency, transposition, mounting: str = "rack") -> xr.Dataset:
    cube = solar.cube_from_plane(_plane(transposition, mounting), system_losses_pct=system_losses_pct,
                                 inverter_efficiency=inverter_efficiency)
    cube.attrs["mounting"] = mounting
    return cube


def paris_yield_cube(*, system_losses_pct: float = 14.0, inverter_efficiency: float = 0.96,
                     transposition: str = "perez", mounting: str = "rack") -> xr.Dataset:
    """:func:`smartidf_analysis.solar.irradiance.yield_cube` of the database's typical year, cached by
    database and parameters (losses [%] rounded to 0.01, inverter efficiency [-]); the optical
    half (:func:`~smartidf_analysis.solar.irradiance.plane_arrays`) is computed once per database and
    mounting, so a new losses value costs well under a second. ``mounting``: ``"rack"``
    (free-standing rows, pvlib's Faiman defaults) or ``"flush"`` (modules on the pan, hotter:
    :func:`~smartidf_analysis.solar.conventions.mounting_heat_loss`).

    Parameters
    ----------
    system_losses_pct : float
        PVWatts lumped DC losses [%].
    inverter_efficiency : float
        Nominal inverter efficiency [-].
    transposition : str
        pvlib sky-diffuse transposition model (``"perez"``, ...).
    mounting : {"rack", "flush"}
        The modules' mounting.

    Returns
    -------
    xarray.Dataset
        The yield cube (shared: read-only), see
        :func:`~smartidf_analysis.solar.irradiance.yield_cube`.

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    return _cube(round(float(system_losses_pct), 2), round(float(inverter_efficiency), 4),
                 str(transposition), str(mounting))


@per_build(max_items=4)
def _modelled_field() -> xr.Dataset:
    return clearsky.irradiance_field(_irradiance()).compute()


@lru_cache(maxsize=1)
def shipped_field_grid() -> xr.Dataset:
    """The fitted PVGIS field shipped in the package (:data:`~smartidf_analysis.solar.field.FIELD_FILE`):
    annual and quarterly horizontal irradiation [kWh/m2] on a 0.025 deg grid; needs no download.

    Returns
    -------
    xarray.Dataset
        See :func:`~smartidf_analysis.solar.field.read_field_csv` (shared: read-only).
    """
    return solar_field.read_field_csv(solar_field.FIELD_FILE.read_text(encoding="utf-8"))


@per_build(max_items=8)
def _measured_field(level) -> xr.Dataset:
    ghi = float(_irradiance()["ghi_w_m2"].sum()) / 1000.0  # the cube's horizontal level
    return solar_field.measured_field(shipped_field_grid(), ghi, level=level)


def _field(kind: str = "measured", level: str = "pvgis") -> xr.Dataset:
    if kind not in FIELD_KINDS:
        raise ValueError(f"field kind must be one of {FIELD_KINDS}, not {kind!r}")
    return _modelled_field() if kind == "modelled" else _measured_field(level)


def regional_field(kind: str = "measured", *, level: str = "pvgis") -> xr.Dataset:
    """The spatial factor of the roofs, cached: ``kind="measured"`` (default) is the shipped
    PVGIS field (:func:`~smartidf_analysis.solar.field.measured_field`, PVGIS level or, with
    ``level="nsrdb"``, NSRDB's); ``kind="modelled"`` the clear-sky model of
    :func:`smartidf_analysis.solar.clearsky.irradiance_field` (MODELLED: no regional cloudiness).

    Parameters
    ----------
    kind : {"measured", "modelled"}
        Which field (:data:`FIELD_KINDS`).
    level : {"pvgis", "nsrdb"}
        ``"measured"`` only: the source setting the level.

    Returns
    -------
    xarray.Dataset
        The field for ``estimate_roof_production(field=)`` (shared: read-only).

    Raises
    ------
    ValueError
        For a kind not in :data:`FIELD_KINDS`.
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    return _field(kind, level)


def pvgis_points() -> pd.DataFrame:
    """The PVGIS irradiation communes of Ile-de-France, read by
    :func:`~smartidf_analysis.data.sources.pvgis.read_pvgis_communes` from the catalogue's
    refresh-only dataset ``solairesimple_pvgis_irradiation`` through the normal fetch path: the
    mirror's calibration cut (SOURCES.md H1) when ``SMARTIDF_MIRROR`` has it, else the download
    cache, else the full upstream file downloaded (``SMARTIDF_DOWNLOAD_MIRROR`` honoured) and
    cut to the region by the reader. Not a database table: it only calibrates the shipped field.
    ``attrs["path"]`` is the file read.

    Returns
    -------
    DataFrame
        :func:`~smartidf_analysis.data.sources.pvgis.read_pvgis_communes`'s table: ``lon``,
        ``lat`` [deg] and annual / quarterly horizontal irradiation [kWh/m2] per commune.

    Raises
    ------
    smartidf_analysis.errors.FetchError
        When the file is neither mirrored, cached nor downloadable.
    """
    path = fetch.fetch(PVGIS_DATASET)
    points = read_pvgis_communes(path)
    points.attrs["path"] = path
    return points


def fit_field_file(calibration: str | Path | None = None, out: str | Path | None = None) -> Path:
    """Regenerate the shipped field file from the calibration file (``smartidf solar fit-field``):
    read, cross-validate, fit, write; the same input gives the same bytes.

    Parameters
    ----------
    calibration : str or Path, optional
        The PVGIS communes CSV; default: the one :func:`pvgis_points` fetches.
    out : str or Path, optional
        File to write; default :data:`~smartidf_analysis.solar.field.FIELD_FILE`.

    Returns
    -------
    Path
        The file written.
    """
    path = Path(calibration) if calibration else pvgis_points().attrs["path"]
    points = read_pvgis_communes(path)
    out = Path(out) if out else solar_field.FIELD_FILE
    grid = solar_field.field_grid(points)
    grid.attrs.update(calibration_file=path.name,
                      calibration_sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    text = solar_field.field_csv_text(grid, solar_field.cross_validate(points))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(text.encode("utf-8"))
    return out
