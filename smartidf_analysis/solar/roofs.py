"""Rooftop production from the yield cube: per roof, per year and per month.

Pure functions over roof tables and the cube / field of :mod:`smartidf_analysis.solar`.
:func:`estimate_roof_production` interpolates in the precomputed cube (never a pvlib call per
roof: bilinear interpolation in tilt x azimuth, then the regional field factor at the roof) and
runs on Dask partitions, locally or on a ``dask.distributed`` cluster. Roofs themselves come
from :mod:`smartidf_analysis.solar.stock` (buildings, the solar cadastre, a synthetic regional
stock); the comparison with the cadastre is in :mod:`smartidf_analysis.solar.cadastre`.
The roof-table checks (:mod:`~smartidf_analysis.solar.roof_validation`), the red / yellow /
blue classes and the totals (:mod:`~smartidf_analysis.solar.classes`) are importable from here
too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from smartidf_analysis.data import compute
from smartidf_analysis.solar.classes import (  # noqa: F401 - moved there, re-exported
    CLASS_COLORS,
    CLASS_THRESHOLDS_KWH_M2,
    SOLAR_CLASSES,
    class_shares,
    class_totals,
    production_totals,
    solar_class,
)
from smartidf_analysis.solar.clearsky import spatial_factor_grid
from smartidf_analysis.solar.roof_validation import (  # noqa: F401 - moved there, re-exported
    ROOF_COLUMNS,
    _check_roofs,
    _numeric,
    _reason_text,
    _require_columns,
    validate_roofs,
)

# --------------------------------------------------------------------------------------------
# Interpolation
# --------------------------------------------------------------------------------------------


def _axis(grid: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lower node index and weight of ``x`` on an increasing ``grid`` (clamped to its ends)."""
    if len(grid) == 1:
        return np.zeros(len(x), dtype=np.intp), np.zeros(len(x))
    x = np.clip(x, grid[0], grid[-1])
    steps = np.diff(grid)
    if np.allclose(steps, steps[0]):  # regular grid: direct index, no search
        i = np.minimum(((x - grid[0]) / steps[0]).astype(np.intp), len(grid) - 2)
    else:
        i = np.clip(np.searchsorted(grid, x, side="right") - 1, 0, len(grid) - 2)
    return i, (x - grid[i]) / steps[i]


def bilinear(xgrid: np.ndarray, ygrid: np.ndarray, planes: np.ndarray, x: np.ndarray,
             y: np.ndarray) -> np.ndarray:
    """Bilinear interpolation of ``planes`` (nx, ny, k) at points (x, y) -> (n, k).

    Points outside the grid are clamped to its edge. The same result as scipy's
    ``RegularGridInterpolator(method="linear")`` on clamped points, several times faster
    (direct indexing on regular grids, one flat gather per plane).

    Parameters
    ----------
    xgrid, ygrid : ndarray
        Increasing node coordinates of the two axes (nx,) and (ny,); a single node is allowed.
    planes : ndarray
        Values at the nodes, (nx, ny, k) or (nx, ny).
    x, y : ndarray
        Coordinates of the n points, in the units of ``xgrid`` and ``ygrid``.

    Returns
    -------
    ndarray
        (n, k) interpolated values, in the units of ``planes``.
    """
    planes = np.asarray(planes, dtype=float)
    if planes.ndim == 2:
        planes = planes[..., None]
    xgrid, ygrid = np.asarray(xgrid, dtype=float), np.asarray(ygrid, dtype=float)
    if len(xgrid) == 1:
        planes, xgrid = np.concatenate([planes, planes], axis=0), np.array([xgrid[0], xgrid[0] + 1])
    if len(ygrid) == 1:
        planes, ygrid = np.concatenate([planes, planes], axis=1), np.array([ygrid[0], ygrid[0] + 1])
    i, tx = _axis(xgrid, np.asarray(x, dtype=float))
    j, ty = _axis(ygrid, np.asarray(y, dtype=float))
    ny = planes.shape[1]
    flat = i * ny + j
    w00, w01, w10, w11 = (1 - tx) * (1 - ty), (1 - tx) * ty, tx * (1 - ty), tx * ty
    out = np.empty((len(flat), planes.shape[2]))
    for m in range(planes.shape[2]):
        p = np.ascontiguousarray(planes[..., m]).ravel()
        out[:, m] = p[flat] * w00 + p[flat + 1] * w01 + p[flat + ny] * w10 + p[flat + ny + 1] * w11
    return out


def _cube_planes(cube: xr.Dataset, names: Sequence[str]) -> dict:
    return dict(tilts=cube["tilt"].to_numpy().astype(float),
                azimuths=cube["azimuth"].to_numpy().astype(float),
                values=np.stack([cube[n].transpose("tilt", "azimuth").to_numpy() for n in names], -1))


def _yield_scale(cube: xr.Dataset, system_losses_pct, inverter_efficiency) -> float:
    scale = 1.0
    if system_losses_pct is not None:
        scale *= (1 - system_losses_pct / 100) / (1 - float(cube.attrs["system_losses_pct"]) / 100)
    if inverter_efficiency is not None:
        scale *= inverter_efficiency / float(cube.attrs["inverter_efficiency"])
    return scale


# --------------------------------------------------------------------------------------------
# Production
# --------------------------------------------------------------------------------------------


def _roof_kernel(df: pd.DataFrame, *, tilts, azimuths, values, field_grid, module_efficiency,
                 usable_fraction, yield_scale, thresholds) -> pd.DataFrame:
    """Production of one partition: all rows back, NaN outputs and ``bad_reason`` for bad ones."""
    mask = _check_roofs(df)
    ok = mask == 0
    n = len(df)
    irr = np.full(n, np.nan)
    sy = np.full(n, np.nan)
    v = bilinear(tilts, azimuths, values, _numeric(df, "tilt_deg")[ok], _numeric(df, "azimuth_deg")[ok])
    factor = 1.0
    if field_grid is not None:
        glat, glon, gfac = field_grid
        factor = bilinear(glat, glon, gfac, _numeric(df, "lat")[ok], _numeric(df, "lon")[ok])[:, 0]
    if "shading_factor" in df:
        shade = pd.to_numeric(df["shading_factor"], errors="coerce").fillna(0.0).to_numpy(dtype=float)[ok]
    else:
        shade = 0.0
    keep = factor * (1.0 - shade)
    irr[ok] = v[:, 0] * keep
    sy[ok] = v[:, 1] * keep * yield_scale
    kwp = np.where(ok, _numeric(df, "usable_area_m2") * usable_fraction * module_efficiency, np.nan)
    out = df.copy(deep=False)  # new columns only: the input is never written to
    out["irradiation_kwh_m2"] = irr
    out["peak_power_kwp"] = kwp  # 1 kW/m2 at STC
    out["annual_kwh"] = sy * kwp
    out["specific_yield_kwh_kwp"] = sy
    out["solar_class"] = solar_class(irr, thresholds)
    reason = pd.Series(pd.NA, index=df.index, dtype="string")
    if not ok.all():
        reason.iloc[np.flatnonzero(~ok)] = _reason_text(mask[~ok])
    out["bad_reason"] = reason
    return out


def estimate_roof_production(
    roofs,
    cube: xr.Dataset,
    *,
    field: xr.Dataset | None = None,
    module_efficiency: float = 0.20,
    usable_fraction: float = 1.0,
    system_losses_pct: float | None = None,
    inverter_efficiency: float | None = None,
    thresholds: Sequence[float] = CLASS_THRESHOLDS_KWH_M2,
    npartitions: int | None = None,
):
    """Annual production, yield and class of many roofs by interpolation in a yield cube.

    For each valid roof: plane irradiation and specific yield are interpolated (bilinear in
    tilt x azimuth) in ``cube``; multiplied by the spatial factor of ``field`` at the roof
    (the field's annual horizontal irradiation over the cube's; 1 without a field) and by
    ``1 - shading_factor``; ``peak_power_kwp = usable_area_m2 * usable_fraction *
    module_efficiency * 1 kW/m2``; ``annual_kwh = specific_yield_kwh_kwp * peak_power_kwp``.
    No pvlib call per roof. Roofs outside the cube's tilt/azimuth range are clamped to its
    edge (the default cube covers 0-90 x 0-360 deg).

    Parameters
    ----------
    roofs : DataFrame or dask.dataframe.DataFrame
        ``usable_area_m2`` [m2], ``tilt_deg`` [deg], ``azimuth_deg`` [deg clockwise from north],
        ``lat``, ``lon`` [deg]; optional ``shading_factor`` [-] = fraction of irradiation lost
        to shading (0 unshaded; missing means 0); other columns are carried through.
    cube : xarray.Dataset
        From :func:`smartidf_analysis.solar.irradiance.yield_cube`.
    field : xarray.Dataset, optional
        The measured field of :func:`smartidf_analysis.solar.field.measured_field` (its
        ``factor``), or the MODELLED one of :func:`smartidf_analysis.solar.clearsky.irradiance_field`;
        see :func:`smartidf_analysis.solar.clearsky.spatial_factor_grid`, computed once here.
    module_efficiency : float
        Module efficiency at STC [-] (kWp per m2 of modules / 1 kW/m2).
    usable_fraction : float
        Share of ``usable_area_m2`` actually covered by modules [-].
    system_losses_pct : float, optional
        DC system losses [%]; when it differs from the cube's, yields are rescaled by
        ``(1 - L/100) / (1 - L_cube/100)`` (first order: ignores the inverter curve; for exact
        results compute the cube with these losses, see
        :func:`smartidf_analysis.solar.io.paris_yield_cube`).
    inverter_efficiency : float, optional
        Nominal inverter efficiency [-]; rescales yields by ``eta / eta_cube`` (first order).
    thresholds : (float, float)
        Class thresholds [kWh/m2/yr], see :func:`solar_class`.
    npartitions : int, optional
        Split a pandas input into this many Dask partitions (``map_partitions``) and compute
        with the current scheduler - a ``dask.distributed`` Client if one is active.

    Returns
    -------
    DataFrame
        For a pandas input: the valid roofs (index kept) with ``irradiation_kwh_m2``
        [kWh/m2/yr], ``peak_power_kwp`` [kWp], ``annual_kwh`` [kWh/yr],
        ``specific_yield_kwh_kwp`` [kWh/kWp/yr], ``solar_class``; the left-out rows are never
        zeroed: ``attrs["bad_roofs"]`` holds them as records and :func:`bad_roofs` as a table
        (``row_id``, ``roof_id``, ``reason``).
        For a dask input: a lazy dask DataFrame of all rows with a ``bad_reason`` column (NaN
        outputs on bad rows; :func:`production_totals` leaves them out).
    """
    _require_columns(roofs)
    kw = dict(
        **_cube_planes(cube, ("irradiation_kwh_m2", "specific_yield_kwh_kwp")),
        field_grid=spatial_factor_grid(field) if field is not None else None,
        module_efficiency=module_efficiency, usable_fraction=usable_fraction,
        yield_scale=_yield_scale(cube, system_losses_pct, inverter_efficiency),
        thresholds=tuple(thresholds),
    )
    if not isinstance(roofs, pd.DataFrame):  # dask DataFrame: stay lazy
        return roofs.map_partitions(_roof_kernel, meta=_roof_kernel(roofs._meta, **kw), **kw)
    if npartitions and npartitions > 1:
        import dask.dataframe as dd

        parts = dd.from_pandas(roofs, npartitions=npartitions)
        out = compute.compute(parts.map_partitions(_roof_kernel, meta=_roof_kernel(parts._meta, **kw),
                                                   **kw))[0]
    else:
        out = _roof_kernel(roofs, **kw)
    bad = out["bad_reason"].notna().to_numpy()
    records = [{"row_id": i, "roof_id": r, "reason": str(t)} for i, r, t in zip(
        out.index[bad], out["roof_id"].to_numpy()[bad] if "roof_id" in out.columns else [None] * bad.sum(),
        out["bad_reason"].to_numpy()[bad], strict=True)]
    result = out.loc[~bad].drop(columns="bad_reason") if bad.any() else out.drop(columns="bad_reason")
    # plain records, not a DataFrame: pandas compares and copies attrs on every operation
    result.attrs = {"bad_roofs": records, "n_input": len(roofs), "n_bad": int(bad.sum()),
                    "module_efficiency": module_efficiency, "usable_fraction": usable_fraction}
    return result


def bad_roofs(production: pd.DataFrame) -> pd.DataFrame:
    """The roofs :func:`estimate_roof_production` left out.

    Parameters
    ----------
    production : DataFrame
        A pandas output of :func:`estimate_roof_production` (reads ``attrs["bad_roofs"]``).

    Returns
    -------
    DataFrame
        ``row_id`` (index label of the input), ``roof_id`` and ``reason`` (empty when none).
    """
    return pd.DataFrame(production.attrs.get("bad_roofs", []), columns=["row_id", "roof_id", "reason"])


def monthly_roof_production(
    roof: Mapping | pd.Series,
    cube: xr.Dataset,
    *,
    field: xr.Dataset | None = None,
    module_efficiency: float = 0.20,
    usable_fraction: float = 1.0,
) -> pd.DataFrame:
    """Month-by-month production of one roof (same model as :func:`estimate_roof_production`).

    Parameters
    ----------
    roof : mapping or Series
        ``usable_area_m2`` [m2], ``tilt_deg``, ``azimuth_deg`` [deg], ``lat``, ``lon`` [deg],
        optional ``shading_factor`` [-].
    cube, field, module_efficiency, usable_fraction
        As in :func:`estimate_roof_production`.

    Returns
    -------
    DataFrame
        ``month`` (1-12), ``irradiation_kwh_m2`` [kWh/m2/month],
        ``specific_yield_kwh_kwp`` [kWh/kWp/month] and ``production_kwh`` [kWh/month]; the
        months sum to the roof's annual figures.

    Raises
    ------
    ValueError
        When the roof cannot be modelled (the reason of :func:`validate_roofs`).
    KeyError
        When ``roof`` lacks one of :data:`ROOF_COLUMNS`.
    """
    frame = pd.DataFrame([dict(roof)])
    _require_columns(frame)
    mask = _check_roofs(frame)
    if mask[0]:
        raise ValueError(f"roof cannot be modelled: {_reason_text(mask)[0]}")
    names = ("irradiation_monthly_kwh_m2", "specific_yield_monthly_kwh_kwp")
    planes = np.concatenate([cube[n].transpose("tilt", "azimuth", "month").to_numpy() for n in names], -1)
    v = bilinear(cube["tilt"].to_numpy(), cube["azimuth"].to_numpy(), planes,
                 _numeric(frame, "tilt_deg"), _numeric(frame, "azimuth_deg"))[0]
    factor = 1.0
    if field is not None:
        glat, glon, gfac = spatial_factor_grid(field)
        factor = bilinear(glat, glon, gfac, _numeric(frame, "lat"), _numeric(frame, "lon"))[0, 0]
    shade = float(frame["shading_factor"].fillna(0.0).iloc[0]) if "shading_factor" in frame else 0.0
    keep = factor * (1.0 - shade)
    kwp = float(frame["usable_area_m2"].iloc[0]) * usable_fraction * module_efficiency
    n_months = cube.sizes["month"]
    return pd.DataFrame({
        "month": cube["month"].to_numpy(),
        "irradiation_kwh_m2": v[:n_months] * keep,
        "specific_yield_kwh_kwp": v[n_months:] * keep,
        "production_kwh": v[n_months:] * keep * kwp,
    })
