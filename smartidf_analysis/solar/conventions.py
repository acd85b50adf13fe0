"""Two named conventions for turning roof irradiation into production, and the ratio between them.

:func:`~smartidf_analysis.solar.roofs.estimate_roof_production` gives, per roof, the plane
irradiation (cube x regional field x (1 - shading)) and the per-kWp yield. How much of a roof
holds modules, and how efficient they are, is a *convention*; the page and notebook 04 name the
one they show.

``"cadastre"`` - the regional solar cadastre's (APUR / Metropole du Grand Paris, as measured on
    the Saint-Denis layer by :func:`~smartidf_analysis.solar.cadastre.system_factors`):
    ``annual_kwh = usable_area_m2 x plane irradiation x k`` with ``k`` per roof type
    (:data:`CADASTRE_K`: 0.0911 flat, 0.1224 pitched [kWh per m2 per kWh/m2]). Flat roofs are
    evaluated on the horizontal roof (the cadastre's ``k`` already holds racks and row
    spacing), pitched roofs on their pan. Use it to compare with the official map.
``"modules"`` - today's modules, every term a named parameter:
    flat roofs carry **tilted rows** (``row_tilt_deg``, default 10 deg facing south, the usual
    ballasted flat-roof rack) at a **ground coverage ratio** ``gcr`` that avoids row-to-row
    shading at solar noon of the winter solstice (:func:`row_gcr`, the standard rule [1]_
    [2]_), minus the sky-diffuse masking of the row in front (Passias and Kallback [3]_ via
    pvlib, :func:`row_sky_loss`); pitched roofs are **flush-mounted** on the pan (packing 1);
    ``module_efficiency`` 0.21 (commercial mono-crystalline modules of the 2020s, 20-22 %
    [4]_); losses and inverter are the cube's (PVWatts, 14 % lumped DC losses [5]_).

The ratio of the two conventions is explained term by term (:func:`explain_ratio`) with the
cadastre's ``k`` read as module efficiency 0.16 x performance ratio 0.765 (= 0.1224) x
packing 0.744 on flat roofs (= 0.0911 / 0.1224) - that reading is ours, the cadastre's
documentation is not in the file - so the terms multiply exactly to ``k_modules / k_cadastre``.

The racks, row spacing, sky loss and heat loss of the mountings are in
:mod:`smartidf_analysis.solar.mounting` (importable from here).

References
----------
.. [1] Appelbaum, J. and Bany, J. (1979). Shadow effect of adjacent solar collectors in large
   scale systems. Solar Energy 23(6), 497-507. doi:10.1016/0038-092X(79)90073-2
.. [2] Duffie, J. A. and Beckman, W. A. (2013). Solar Engineering of Thermal Processes, 4th
   ed., Wiley, section 1.9 (shading of collector rows). doi:10.1002/9781118671603
.. [3] Passias, D. and Kallback, B. (1984). Shading effects in rows of solar cell panels.
   Solar Cells 11(3), 281-291. doi:10.1016/0379-6787(84)90017-6
.. [4] Fraunhofer ISE (2024). Photovoltaics Report: commercial wafer-based silicon modules
   about 21 % efficient (https://www.ise.fraunhofer.de/en/publications/studies/photovoltaics-report.html)
.. [5] Dobos, A. P. (2014). PVWatts Version 5 Manual. NREL/TP-6A20-62641. doi:10.2172/1158421
.. [6] PVsyst SA. PVsyst 7 help, "Array thermal losses": U = 29 W/m2K for free-standing arrays,
   20 for semi-integrated (air duct behind), 15 for integrated (insulated back).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from smartidf_analysis.solar.mounting import (  # noqa: F401 - moved there, re-exported
    DIFFUSE_SHARE,
    FLUSH_HEAT_LOSS_SHARE,
    MOUNTINGS,
    OBLIQUITY_DEG,
    RACK_U0,
    RACK_U1,
    ROW_TILT_DEG,
    mounting_heat_loss,
    row_gcr,
    row_sky_loss,
    solstice_noon_elevation_deg,
)
from smartidf_analysis.solar.roofs import (
    CLASS_THRESHOLDS_KWH_M2,
    estimate_roof_production,
    monthly_roof_production,
    solar_class,
)

CONVENTIONS = ("cadastre", "modules")
#: The cadastre's system factor per roof type [kWh/yr per m2 of usable area per kWh/m2/yr of
#: irradiation], measured on the Saint-Denis layer (min = max per shape).
CADASTRE_K = {"flat": 0.0911, "pitched": 0.1224}
#: Our reading of ``k`` (ASSUMPTION): module efficiency x performance ratio x packing.
CADASTRE_MODULE_EFFICIENCY = 0.16
CADASTRE_PERFORMANCE_RATIO = CADASTRE_K["pitched"] / CADASTRE_MODULE_EFFICIENCY  # 0.765
CADASTRE_FLAT_PACKING = CADASTRE_K["flat"] / CADASTRE_K["pitched"]  # 0.744
#: Today's modules: efficiency [-], flat-roof row tilt [deg] and azimuth [deg].
MODULE_EFFICIENCY = 0.21
ROW_AZIMUTH_DEG = 180.0


def _is_flat(roofs: pd.DataFrame) -> np.ndarray:
    """``roof_shape`` is ``flat`` or ``plat`` (any case), per row; decided once per category."""
    if "roof_shape" not in roofs.columns:
        return np.zeros(len(roofs), dtype=bool)
    col = roofs["roof_shape"]
    cat = col.array if isinstance(col.dtype, pd.CategoricalDtype) else pd.Categorical(col)
    flags = np.array([str(c).strip().lower() in ("flat", "plat") for c in cat.categories] + [False])
    return flags[np.asarray(cat.codes)]  # code -1 (missing) -> the trailing False


def expected_orientation_cube(cube: xr.Dataset, azimuths: tuple[float, float] = (90.0, 270.0)) -> xr.Dataset:
    """A cube whose every azimuth holds the mean over ``azimuths`` [deg] of each tilt: the
    expected yield of a pan whose orientation is unknown (the better pan of a two-pan roof
    with a random ridge direction faces uniformly between east and west).

    Parameters
    ----------
    cube : xarray.Dataset
        A yield cube of :func:`smartidf_analysis.solar.irradiance.yield_cube`.
    azimuths : (float, float)
        Azimuth range averaged over [deg clockwise from north], ends included.

    Returns
    -------
    xarray.Dataset
        A copy of ``cube`` whose ``irradiation_kwh_m2`` [kWh/m2/yr] and
        ``specific_yield_kwh_kwp`` [kWh/kWp/yr] are the same at every azimuth.
    """
    part = cube.sel(azimuth=slice(*azimuths))
    out = cube.copy()
    for name in ("irradiation_kwh_m2", "specific_yield_kwh_kwp"):
        out[name] = part[name].mean("azimuth").broadcast_like(cube[name]).transpose(*cube[name].dims)
    return out


def convention_production(
    roofs: pd.DataFrame,
    cube: xr.Dataset,
    *,
    convention: str = "cadastre",
    field: xr.Dataset | None = None,
    module_efficiency: float = MODULE_EFFICIENCY,
    usable_fraction: float = 1.0,
    row_tilt_deg: float = ROW_TILT_DEG,
    gcr: float | None = None,
    diffuse_share: float = DIFFUSE_SHARE,
    system_losses_pct: float | None = None,
    unknown_orientation: bool = False,
    thresholds: Sequence[float] = CLASS_THRESHOLDS_KWH_M2,
    flush_cube: xr.Dataset | None = None,
) -> pd.DataFrame:
    """Per-roof production under a named convention (see the module docstring).

    Parameters
    ----------
    roofs : DataFrame
        As for :func:`~smartidf_analysis.solar.roofs.estimate_roof_production`, with
        ``roof_shape`` (``flat``/``plat`` or anything else = pitched; without it, all pitched).
        The tilt and azimuth of flat roofs are the convention's (horizontal, or rows).
    cube, field, thresholds, system_losses_pct
        As for :func:`~smartidf_analysis.solar.roofs.estimate_roof_production`.
    convention : str
        ``"cadastre"`` or ``"modules"``.
    module_efficiency : float
        ``"modules"`` only: module efficiency at STC [-].
    usable_fraction : float
        Share of ``usable_area_m2`` available to modules [-] (both conventions).
    row_tilt_deg, gcr, diffuse_share : float
        ``"modules"`` only: flat-roof row tilt [deg], ground coverage ratio [-] (default
        :func:`row_gcr` of the tilt), diffuse share for :func:`row_sky_loss` [-].
    unknown_orientation : bool
        Pitched pans of unknown orientation get the yield expected over east-to-west
        orientations (:func:`expected_orientation_cube`) instead of their ``azimuth_deg``.
    flush_cube : xarray.Dataset, optional
        ``"modules"`` only: the cube of flush-mounted modules (same grid, hotter:
        :func:`mounting_heat_loss`), used for the yield of pitched roofs; ``cube`` (racks)
        stays for flat roofs. ``mounting_factor`` = flush / rack yield per roof.

    Returns
    -------
    DataFrame
        The estimate's columns (``irradiation_kwh_m2`` on the convention's plane,
        ``peak_power_kwp``, ``annual_kwh``, ``specific_yield_kwh_kwp``, ``solar_class``) plus
        ``packing`` [-] (module area per usable m2), ``row_loss`` [-] and
        ``mounting_factor`` [-] (1 without ``flush_cube``);
        ``attrs["convention"]`` and its parameters.

    Raises
    ------
    ValueError
        For a convention not in :data:`CONVENTIONS`.
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be one of {CONVENTIONS}, not {convention!r}")
    flat_in = _is_flat(roofs)
    tilt = pd.to_numeric(roofs["tilt_deg"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if convention == "cadastre":
        geo = roofs.assign(tilt_deg=np.where(flat_in, 0.0, tilt))
    else:
        azimuth = pd.to_numeric(roofs["azimuth_deg"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        geo = roofs.assign(tilt_deg=np.where(flat_in, row_tilt_deg, tilt),
                           azimuth_deg=np.where(flat_in, ROW_AZIMUTH_DEG, azimuth))
    kw = dict(field=field, module_efficiency=1.0, usable_fraction=usable_fraction,
              system_losses_pct=system_losses_pct)
    est = estimate_roof_production(geo, cube, thresholds=thresholds, **kw)
    flat = flat_in if len(est) == len(roofs) else _is_flat(est)  # bad roofs were left out
    irr = est["irradiation_kwh_m2"].to_numpy().copy()
    sy = est["specific_yield_kwh_kwp"].to_numpy().copy()
    mounting = np.ones(len(est))
    flush = flush_cube is not None and convention == "modules"
    if (unknown_orientation or flush) and not flat.all():
        # the pans again, same rows in the same order (validity does not depend on the cube)
        pans = geo.loc[~flat_in]
        rack = expected_orientation_cube(cube) if unknown_orientation else cube
        other = estimate_roof_production(pans, rack, **kw) if unknown_orientation else est.loc[~flat]
        irr[~flat] = other["irradiation_kwh_m2"].to_numpy()
        sy[~flat] = other["specific_yield_kwh_kwp"].to_numpy()
        if flush:
            hot = expected_orientation_cube(flush_cube) if unknown_orientation else flush_cube
            sy_flush = estimate_roof_production(pans, hot, **kw)["specific_yield_kwh_kwp"].to_numpy()
            with np.errstate(invalid="ignore", divide="ignore"):
                mounting[~flat] = np.where(sy[~flat] > 0, sy_flush / sy[~flat], 1.0)
            sy[~flat] = sy_flush
        est["irradiation_kwh_m2"] = irr
        est["solar_class"] = solar_class(irr, thresholds)
    area = est["peak_power_kwp"].to_numpy()  # usable m2 x usable_fraction (efficiency 1)
    if convention == "cadastre":
        k = np.where(flat, CADASTRE_K["flat"], CADASTRE_K["pitched"])
        packing = np.where(flat, CADASTRE_FLAT_PACKING, 1.0)
        loss = np.zeros(len(est))
        kwp = area * packing * CADASTRE_MODULE_EFFICIENCY
        kwh = area * irr * k
        params = dict(k_flat=CADASTRE_K["flat"], k_pitched=CADASTRE_K["pitched"])
    else:
        gcr = row_gcr(row_tilt_deg) if gcr is None else float(gcr)
        packing = np.where(flat, gcr, 1.0)
        loss = np.where(flat, row_sky_loss(row_tilt_deg, gcr, diffuse_share), 0.0)
        kwp = area * packing * module_efficiency
        kwh = kwp * sy * (1.0 - loss)
        params = dict(module_efficiency=module_efficiency, row_tilt_deg=row_tilt_deg, gcr=gcr,
                      row_loss=float(loss.max()) if flat.any() else row_sky_loss(row_tilt_deg, gcr,
                                                                                     diffuse_share))
    attrs = dict(est.attrs)
    est["peak_power_kwp"] = kwp
    est["annual_kwh"] = kwh
    with np.errstate(invalid="ignore", divide="ignore"):
        est["specific_yield_kwh_kwp"] = kwh / kwp
    est["packing"] = packing
    est["row_loss"] = loss
    est["mounting_factor"] = mounting if convention == "modules" else 1.0
    est.attrs = {**attrs, "convention": convention, "usable_fraction": usable_fraction,
                 "unknown_orientation": unknown_orientation, "flush_mounting": flush, **params}
    return est


def explain_ratio(modules: pd.DataFrame, cadastre: pd.DataFrame, *, on: str = "roof_id") -> pd.DataFrame:
    """The ratio ``modules / cadastre`` convention, per roof shape, split into named terms.

    Per roof, exactly: ratio = ``plane_gain`` (modules' plane irradiation / the cadastre
    convention's: tilted rows vs horizontal on flat roofs, 1 on pitched) x ``efficiency``
    (module efficiency / 0.16) x ``performance`` (our AC yield per plane kWh/m2 / 0.765) x
    ``packing`` (gcr / 0.744 on flat roofs, 1 on pitched) x ``row_loss`` (1 - sky masking) x
    ``mounting`` (flush-mounted / rack yield: hotter modules on the pans; 1 on flat roofs).
    ``performance`` is the rack chain's (PVWatts losses, inverter, temperature on racks).

    Parameters
    ----------
    modules, cadastre : DataFrame
        :func:`convention_production` of the same roofs under ``"modules"`` and
        ``"cadastre"``.
    on : str
        Column identifying a roof in both.

    Returns
    -------
    DataFrame
        Per ``roof_shape``: ``roofs``, the median of each term and of the measured ``ratio``
        [-], and ``product`` (the product of the medians) [-].
    """
    m = modules.set_index(on)
    c = cadastre.set_index(on).loc[m.index]
    flat = _is_flat(m)
    mounting = m["mounting_factor"] if "mounting_factor" in m.columns else 1.0
    perf = m["specific_yield_kwh_kwp"] / (1 - m["row_loss"]) / mounting / m["irradiation_kwh_m2"]
    terms = pd.DataFrame({
        "roof_shape": np.where(flat, "flat", "pitched"),
        "plane_gain": m["irradiation_kwh_m2"] / c["irradiation_kwh_m2"],
        "efficiency": m.attrs.get("module_efficiency", MODULE_EFFICIENCY) / CADASTRE_MODULE_EFFICIENCY,
        "performance": perf / CADASTRE_PERFORMANCE_RATIO,
        "packing": m["packing"] / c["packing"],
        "row_loss": 1 - m["row_loss"],
        "mounting": mounting,
        "ratio": m["annual_kwh"] / c["annual_kwh"],
    }, index=m.index)
    out = terms.groupby("roof_shape").median()
    out.insert(0, "roofs", terms.groupby("roof_shape").size())
    names = ["plane_gain", "efficiency", "performance", "packing", "row_loss", "mounting"]
    out["product"] = out[names].prod(axis=1)
    return out.reset_index()


def monthly_production(roof, cube: xr.Dataset, *, field: xr.Dataset | None = None) -> pd.DataFrame:
    """Month-by-month figures of one roof of :func:`convention_production` (or of
    :func:`~smartidf_analysis.solar.roofs.estimate_roof_production`): the monthly shape of
    :func:`~smartidf_analysis.solar.roofs.monthly_roof_production` at the roof's plane, scaled
    so that the months sum to the roof's ``irradiation_kwh_m2`` and ``annual_kwh``.

    Parameters
    ----------
    roof : mapping or Series
        One row of :func:`convention_production` (its geometry, ``irradiation_kwh_m2``
        [kWh/m2/yr], ``specific_yield_kwh_kwp`` [kWh/kWp/yr] and ``annual_kwh`` [kWh/yr]).
    cube, field
        As for :func:`~smartidf_analysis.solar.roofs.estimate_roof_production`.

    Returns
    -------
    DataFrame
        ``month``, ``irradiation_kwh_m2`` [kWh/m2/month], ``specific_yield_kwh_kwp``
        [kWh/kWp/month] and ``production_kwh`` [kWh/month].
    """
    shape = monthly_roof_production(roof, cube, field=field, module_efficiency=1.0, usable_fraction=1.0)
    out = shape.copy()
    for column, total in (("irradiation_kwh_m2", roof["irradiation_kwh_m2"]),
                          ("specific_yield_kwh_kwp", roof["specific_yield_kwh_kwp"]),
                          ("production_kwh", roof["annual_kwh"])):
        s = shape[column].sum()
        out[column] = shape[column] * (float(total) / s if s > 0 else 0.0)
    return out
