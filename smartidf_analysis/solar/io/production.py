"""The solar study's result tables from the database: the modelled roofs and production of a
real roof set, the synthetic regional stock's totals (one cached Dask pass), and the
reference yield and irradiation at every commune.

Result tables the notebook quotes (:func:`stock_summary`...) are package functions so that
they can be written as CSV and compared between runs. Cached objects are shared: treat them
as read-only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from smartidf_analysis.data import compute, db, stored
from smartidf_analysis.data.build_cache import per_build
from smartidf_analysis.solar import field as solar_field
from smartidf_analysis.solar.conventions import convention_production
from smartidf_analysis.solar.io.sky import (
    _cube,
    _field,
    irradiance_table,
    paris_yield_cube,
    regional_field,
    shipped_field_grid,
)
from smartidf_analysis.solar.io.tables import (
    IMPORTED_SET,
    ROOF_SETS,
    buildings,
    cadastre,
    imported_roofs,
    stock_communes,
)
from smartidf_analysis.solar.roofs import (
    CLASS_THRESHOLDS_KWH_M2,
    SOLAR_CLASSES,
    class_shares,
    estimate_roof_production,
    production_totals,
)
from smartidf_analysis.solar.shading import building_heights, horizon_shading
from smartidf_analysis.solar.stock import (
    StockAssumptions,
    roofs_from_buildings,
    roofs_from_cadastre,
    synthetic_roof_stock_dask,
)
from smartidf_analysis.solar.weights import (
    combine_weights,
    partial_weights,
    totals_from_weights,
    weight_inputs,
)

SYNTHETIC_ROOFS = 2_500_000  # roofs in the synthetic regional stock


def commune_irradiation() -> pd.DataFrame:
    """The shipped PVGIS-fitted field at every commune (arrondissements for Paris) centroid of
    the ``communes`` table: ``commune_code``, ``commune_name``, ``lon``, ``lat`` [deg] and the
    annual / quarterly horizontal irradiation [kWh/m2] of
    :func:`~smartidf_analysis.solar.field.field_at` (measured-based, no NSRDB level).

    Returns
    -------
    DataFrame
        ``commune_code``, ``commune_name``, ``lon``, ``lat`` [deg], ``irradiation_kwh_m2``
        [kWh/m2/yr] and ``irradiation_q1_kwh_m2`` ... ``irradiation_q4_kwh_m2`` [kWh/m2/quarter].

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    units = stock_communes()
    values = solar_field.field_at(shipped_field_grid(), units["centroid_lon"], units["centroid_lat"])
    out = pd.DataFrame({"commune_code": units["commune_code"], "commune_name": units["commune_name"],
                        "lon": units["centroid_lon"], "lat": units["centroid_lat"]})
    return pd.concat([out.reset_index(drop=True), values], axis=1)


def roofs_for_set(roof_set: str, *, shading: bool = True, **assumptions) -> pd.DataFrame:
    """The modelled roofs of a real roof set (not the synthetic stock), with ``geometry_wkb``.

    ``saint_denis_buildings`` / ``paris13_volumes``:
    :func:`~smartidf_analysis.solar.stock.roofs_from_buildings` (``assumptions`` passed on),
    shaded by taller neighbours with :func:`~smartidf_analysis.solar.shading.horizon_shading`
    when ``shading``; ``saint_denis_cadastre``:
    :func:`~smartidf_analysis.solar.stock.roofs_from_cadastre` (no heights: unshaded).

    Parameters
    ----------
    roof_set : str
        A real set of :data:`ROOF_SETS` or :data:`IMPORTED_SET`.
    shading : bool
        Shade building roofs by their neighbours.
    **assumptions
        Keyword arguments of the roof builder (tilts [deg], usable fractions [-]...); not used
        for imported roofs.

    Returns
    -------
    DataFrame
        The roofs (``roof_id``, ``usable_area_m2`` [m2], ``tilt_deg``, ``azimuth_deg`` [deg],
        ``lat``, ``lon``, ``shading_factor`` [-], ``source``, ...) with ``geometry_wkb``.

    Raises
    ------
    ValueError
        For an unknown roof set.
    """
    if roof_set == IMPORTED_SET:  # modelled at import time, no shading model (shading_factor 0)
        roofs = imported_roofs()
        roofs["source"] = roofs["import_id"]
        return roofs
    if roof_set == "saint_denis_cadastre":
        table = cadastre()
        roofs = roofs_from_cadastre(table, **assumptions)
        roofs["source"] = ROOF_SETS[roof_set]
        roofs["commune_code"] = "93066"
        roofs["shading_factor"] = 0.0
    elif roof_set in ("saint_denis_buildings", "paris13_volumes"):
        table = buildings(ROOF_SETS[roof_set])
        roofs = roofs_from_buildings(table, **assumptions)
        if shading:
            shade = horizon_shading(table, roofs, irradiance_table())
            roofs["shading_factor"] = shade.to_numpy()
            roofs.attrs["unknown_height"] = shade.attrs["unknown_height"]
        roofs["height_m"] = building_heights(table)
    else:
        raise ValueError(f"unknown real roof set {roof_set!r}; known: "
                         f"{[k for k, v in ROOF_SETS.items() if v]}")
    roofs["geometry_wkb"] = table["geometry_wkb"].to_numpy()
    return roofs


@dataclass(frozen=True)
class StockSummary:
    """Results of the synthetic stock under one parameter set (all small tables).

    Parameters
    ----------
    commune_totals : DataFrame
        Per ``commune_code``: ``roofs``, ``usable_area_m2`` [m2], ``peak_power_mwp`` [MWp],
        ``annual_gwh`` [GWh/yr].
    class_totals : DataFrame
        The same per ``solar_class``, with ``energy_share`` and ``roof_share`` [-].
    top_roofs : DataFrame
        The largest producers (estimate columns), for the inspector.
    n_roofs : int
        Roofs in the stock.
    """

    commune_totals: pd.DataFrame  # per commune_code: roofs, usable_area_m2, peak_power_mwp, annual_gwh
    class_totals: pd.DataFrame  # per solar_class, with energy_share, roof_share
    top_roofs: pd.DataFrame  # the largest producers, for the inspector
    n_roofs: int


@dataclass(frozen=True)
class _StockPass:
    """What one pass over the synthetic stock keeps: orientation weights, candidates, points."""

    commune_weights: xr.Dataset
    class_weights: xr.Dataset
    candidates: pd.DataFrame
    points: pd.DataFrame


def _pass_partition(part: pd.DataFrame, cube, field, candidates: int, w_commune: dict, w_class: dict):
    """One partition of the stock: its weights per commune and class, top roofs and points."""
    est = estimate_roof_production(part, cube, field=field)
    inputs = [c for c in part.columns if c != "source"]
    points = pd.DataFrame({"lon": est["lon"].to_numpy(np.float32), "lat": est["lat"].to_numpy(np.float32),
                           "solar_class": est["solar_class"].to_numpy()})
    return (partial_weights(part, **w_commune), partial_weights(part, **w_class),
            est.nlargest(candidates, "annual_kwh")[inputs], points)


@per_build(max_items=2)
def _stock_pass(n, seed, candidates) -> _StockPass:
    # kept beside the database (30 MB, loaded in 0.01 s; 3-6 s to compute): notebook 04 and
    # the territory inputs of notebook 05 and of the served pages compute it once per build
    return stored.per_build(_computed_stock_pass, db.build_key(), args=(n, seed, candidates))


def _computed_stock_pass(build_key: str, code: str, n: int, seed: int, candidates: int) -> _StockPass:
    """The pass over the synthetic stock of the build ``build_key`` (``code``: part of the
    kept file's key only)."""
    import dask

    cube, field = _cube(14.0, 0.96, "perez"), _field()
    communes = db.query("solar_stock_communes")
    stock = synthetic_roof_stock_dask(n, communes, StockAssumptions(seed=seed, weight="dwellings"))
    w_commune = weight_inputs(cube, stock["commune_code"].cat.categories, field=field, by="commune_code")
    w_class = weight_inputs(cube, SOLAR_CLASSES, field=field, by="solar_class")
    parts = compute.compute(*[dask.delayed(_pass_partition)(p, cube, field, candidates, w_commune, w_class)
                           for p in stock.to_delayed()])
    cands = pd.concat([p[2] for p in parts])
    est = estimate_roof_production(cands, cube, field=field)
    top = cands.loc[est["annual_kwh"].nlargest(candidates).index]
    points = pd.concat([p[3] for p in parts], ignore_index=True)
    points["solar_class"] = pd.Categorical(points["solar_class"], categories=list(SOLAR_CLASSES),
                                           ordered=True)
    return _StockPass(combine_weights([p[0] for p in parts], w_commune),
                      combine_weights([p[1] for p in parts], w_class), top.reset_index(drop=True), points)


def stock_summary(*, n: int = SYNTHETIC_ROOFS, seed: int = 0, module_efficiency: float = 0.20,
                  usable_fraction: float = 1.0, system_losses_pct: float = 14.0,
                  top: int = 1000) -> StockSummary:
    """Totals of the SYNTHETIC regional stock (weighted by dwellings) under one parameter set.

    The first call makes one pass over the stock on Dask (generated inside each partition, see
    :func:`~smartidf_analysis.solar.stock.synthetic_roof_stock_dask`; a ``dask.distributed``
    Client is used when active), keeping the roofs folded onto the cube's orientation grid per
    commune and per class (:func:`~smartidf_analysis.solar.weights.orientation_weights`). Any
    efficiency and usable share [-] and losses [%] then give exact totals in milliseconds.
    ``top_roofs``: the ``top`` largest producers among the ``3 x top`` largest under the default
    parameters, re-estimated with the requested ones.

    Parameters
    ----------
    n : int
        Roofs in the stock.
    seed : int
        Seed of the stock.
    module_efficiency, usable_fraction : float
        Module efficiency and usable share [-].
    system_losses_pct : float
        DC losses [%].
    top : int
        Number of ``top_roofs``.

    Returns
    -------
    StockSummary
        Totals per commune and per class, and the top roofs.

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    with db.pinned():  # every part of one build
        stock = _stock_pass(int(n), int(seed), 3 * int(top))
        cube = _cube(round(float(system_losses_pct), 2), 0.96, "perez")
        field = _field()
    kw = dict(module_efficiency=module_efficiency, usable_fraction=usable_fraction)
    top_roofs = estimate_roof_production(stock.candidates, cube, field=field, **kw)
    top_roofs = top_roofs.nlargest(int(top), "annual_kwh").reset_index(drop=True)
    top_roofs["commune_code"] = top_roofs["commune_code"].astype(str)
    return StockSummary(totals_from_weights(stock.commune_weights, cube, **kw).rename_axis("commune_code"),
                        class_shares(totals_from_weights(stock.class_weights, cube, **kw)),
                        top_roofs, int(n))


def stock_points(*, n: int = SYNTHETIC_ROOFS, seed: int = 0) -> pd.DataFrame:
    """``lon``, ``lat`` (float32) and ``solar_class`` of every synthetic roof, for a rasterised map.

    The class depends on plane irradiation only (orientation, field, shading), not on module
    efficiency, usable share or losses, so one table serves every parameter set; it comes
    from the same pass as :func:`stock_summary`.

    Parameters
    ----------
    n, seed : int
        As for :func:`stock_summary`.

    Returns
    -------
    DataFrame
        ``lon``, ``lat`` [deg] and ``solar_class``, one row per roof.
    """
    return _stock_pass(int(n), int(seed), 3000).points


def real_set_production(roof_set: str, *, module_efficiency: float = 0.20, usable_fraction: float = 1.0,
                        system_losses_pct: float = 14.0, thresholds=CLASS_THRESHOLDS_KWH_M2,
                        convention: str | None = None) -> pd.DataFrame:
    """Per-roof production of a real roof set (with ``geometry_wkb``) under one parameter set;
    ``attrs["bad_roofs"]`` lists roofs left out with their reason.

    ``convention`` (``"cadastre"`` or ``"modules"``, see
    :mod:`smartidf_analysis.solar.conventions`; pans of unknown orientation then get the
    expected east-to-west yield): ``None`` keeps the plain per-kWp estimate with the roof
    set's own tilts (``module_efficiency`` x usable area = kWp).

    Parameters
    ----------
    roof_set : str
        As for :func:`roofs_for_set`.
    module_efficiency, usable_fraction : float
        Module efficiency and usable share [-].
    system_losses_pct : float
        DC losses [%].
    thresholds : (float, float)
        Class thresholds [kWh/m2/yr].
    convention : {"cadastre", "modules"}, optional
        A named convention, or None.

    Returns
    -------
    DataFrame
        The estimate's (or the convention's) columns: ``irradiation_kwh_m2`` [kWh/m2/yr],
        ``peak_power_kwp`` [kWp], ``annual_kwh`` [kWh/yr], ``specific_yield_kwh_kwp``
        [kWh/kWp/yr], ``solar_class``, ...
    """
    cube = paris_yield_cube(system_losses_pct=system_losses_pct)
    if convention is not None:
        flush = paris_yield_cube(system_losses_pct=system_losses_pct, mounting="flush")
        return convention_production(roofs_for_set(roof_set), cube, convention=convention,
                                     field=regional_field(), module_efficiency=module_efficiency,
                                     usable_fraction=usable_fraction, unknown_orientation=True,
                                     thresholds=thresholds, flush_cube=flush)
    return estimate_roof_production(roofs_for_set(roof_set), cube, field=regional_field(),
                                    module_efficiency=module_efficiency, usable_fraction=usable_fraction,
                                    thresholds=thresholds)


def commune_reference_yield(*, system_losses_pct: float = 14.0, tilt: float = 35.0,
                            azimuth: float = 180.0) -> pd.DataFrame:
    """MODELLED plane irradiation [kWh/m2/yr] and specific yield [kWh/kWp/yr] of a reference
    roof (default 35 deg facing south, unshaded) at each commune centroid: the Paris cube times
    the factor of the PVGIS-fitted field (:func:`regional_field`, PVGIS level).

    Parameters
    ----------
    system_losses_pct : float
        DC losses [%].
    tilt, azimuth : float
        The reference roof's tilt [deg] and azimuth [deg clockwise from north].

    Returns
    -------
    DataFrame
        ``commune_code``, ``irradiation_kwh_m2`` [kWh/m2/yr], ``specific_yield_kwh_kwp``
        [kWh/kWp/yr].

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    units = stock_communes()
    roofs = pd.DataFrame({"commune_code": units["commune_code"], "usable_area_m2": 1.0, "tilt_deg": tilt,
                          "azimuth_deg": azimuth, "lat": units["centroid_lat"], "lon": units["centroid_lon"]})
    est = estimate_roof_production(roofs, paris_yield_cube(system_losses_pct=system_losses_pct),
                                   field=regional_field())
    return est[["commune_code", "irradiation_kwh_m2", "specific_yield_kwh_kwp"]].reset_index(drop=True)


def set_totals(production: pd.DataFrame) -> pd.DataFrame:
    """One-row totals of a production table: roofs, usable area [m2], MWp, GWh/yr.

    Parameters
    ----------
    production : DataFrame
        An output of :func:`~smartidf_analysis.solar.roofs.estimate_roof_production`.

    Returns
    -------
    DataFrame
        One row: ``roofs``, ``usable_area_m2`` [m2], ``peak_power_mwp`` [MWp], ``annual_gwh``
        [GWh/yr].
    """
    return production_totals(production.assign(_all="all"), by="_all").reset_index(drop=True)
