"""Roofs to model: from building footprints, from the solar cadastre, and a SYNTHETIC stock.

Pure functions over canonical tables (``buildings``, ``solar_cadastre_roofs``, ``communes``):
each turns its input into the roof table that
:func:`smartidf_analysis.solar.roofs.estimate_roof_production` expects (``usable_area_m2``,
``tilt_deg``, ``azimuth_deg``, ``lat``, ``lon``, ``shading_factor``). Every assumption is a named
keyword argument; the defaults are ours, not official figures, and are recorded in
``attrs["assumptions"]``.

The synthetic regional stock (its assumptions in one :class:`StockAssumptions`) is generated
in fixed-size blocks, each from its own seeded random stream, so that
:func:`synthetic_roof_stock` (pandas) and :func:`synthetic_roof_stock_dask` (one Dask
partition per block, generated on the workers - nothing but a few kB of commune weights
travels) give identical roofs: :mod:`smartidf_analysis.solar.synthetic_stock` (importable
from here).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis.solar.synthetic_stock import (  # noqa: F401 - moved there, re-exported
    STOCK_BLOCK_SIZE,
    StockAssumptions,
    synthetic_roof_stock,
    synthetic_roof_stock_dask,
)

FLOOR_HEIGHT_M = 3.0  # [m] used to turn heights into floors and back

#: Roof-material words / BD TOPO ``materiaux_de_la_toiture`` codes read as flat (terrace,
#: concrete, bitumen, vegetated) or pitched (tiles, slates, metal sheets).
FLAT_MATERIALS = ("terrasse", "beton", "béton", "bitume", "vegetal", "végétal", "01", "40")
PITCHED_MATERIALS = ("tuile", "ardoise", "10", "11", "12", "20", "21", "22")


def _floats(column: pd.Series) -> np.ndarray:
    return pd.to_numeric(column, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def roof_shape(buildings: pd.DataFrame, *, flat_min_floors: float = 4.0) -> pd.Series:
    """``"flat"`` or ``"pitched"`` per building (ASSUMPTION, documented rule).

    1. ``roof_material`` (text or BD TOPO code) naming a terrace, concrete or bitumen -> flat;
       tiles or slates -> pitched.
    2. Otherwise (unknown material, as for all APUR volumes): buildings with at least
       ``flat_min_floors`` floors (or ``height_m >= flat_min_floors * 3 m``) -> flat (collective
       housing, offices, schools of the dense core mostly have terraces), lower ones -> pitched
       (houses).

    Parameters
    ----------
    buildings : DataFrame
        Canonical ``buildings`` table (``roof_material``, ``floors``, ``height_m``).
    flat_min_floors : float
        Floor count from which an unknown roof is taken as flat [-].

    Returns
    -------
    Series
        ``roof_shape`` (``"flat"`` or ``"pitched"``), indexed like ``buildings``.
    """
    n = len(buildings)
    mat = (buildings["roof_material"].astype("string").str.strip().str.lower().fillna("").astype(str)
           if "roof_material" in buildings else pd.Series([""] * n, index=buildings.index, dtype="string"))
    nan = pd.Series(np.nan, index=buildings.index)
    floors = pd.to_numeric(buildings.get("floors", nan), errors="coerce")
    height = pd.to_numeric(buildings.get("height_m", nan), errors="coerce")
    floors = floors.fillna(height / FLOOR_HEIGHT_M)

    values, codes = np.unique(mat.to_numpy(dtype=object), return_inverse=True)  # match each value once

    def matches(words):
        hit = np.array([any(m == w or (len(w) > 2 and w in m) for w in words) for m in values], dtype=bool)
        return hit[codes]

    flat_mat, pitched_mat = matches(FLAT_MATERIALS), matches(PITCHED_MATERIALS)
    shape = np.where(floors.fillna(0).to_numpy() >= flat_min_floors, "flat", "pitched")
    shape = np.where(pitched_mat, "pitched", shape)
    shape = np.where(flat_mat, "flat", shape)
    return pd.Series(shape, index=buildings.index, name="roof_shape")


def roofs_from_buildings(
    buildings: pd.DataFrame,
    *,
    flat_min_floors: float = 4.0,
    flat_tilt_deg: float = 10.0,
    flat_usable_fraction: float = 0.5,
    pitched_tilt_deg: float = 35.0,
    pitched_usable_fraction: float = 0.8,
    unknown_azimuth_deg: float = 180.0,
    shading_factor: float = 0.0,
) -> pd.DataFrame:
    """One modelled roof per building, with documented assumptions (none comes from the data).

    * Shape: :func:`roof_shape` (APUR Paris 13e has floors only and no material, so the floor
      rule decides; BD TOPO Saint-Denis has ``height_m`` and roof-material codes).
    * Flat roofs: modules on south-facing racks at ``flat_tilt_deg``; usable area =
      footprint x ``flat_usable_fraction`` (setbacks, equipment, row spacing). Under a named
      production convention (:mod:`smartidf_analysis.solar.conventions`) row spacing is the
      convention's own (its ground coverage ratio, or the cadastre's packing in ``k``), so the
      default 0.5 then counts it twice: pass the share of the roof free of setbacks and
      equipment only (e.g. 0.5 / 0.744 = 0.67 keeps the module area of the cadastre's reading).
    * Pitched roofs: a two-pan roof at ``pitched_tilt_deg``; one pan is used, its area
      ``footprint / 2 / cos(tilt)`` x ``pitched_usable_fraction`` (edges, windows, chimneys).
    * Orientation is unknown in both sources: ``unknown_azimuth_deg`` (default 180 = south, so
      an upper bound for pitched roofs; pass 90 or 270 for a pessimistic east/west case).
    * No shading model: ``shading_factor`` [-] for all (height-based shading is left to callers).

    Parameters
    ----------
    buildings : DataFrame
        Canonical ``buildings`` table (``building_id``, ``source``, ``commune_code``,
        ``footprint_m2`` [m2], ``floors``, ``height_m`` [m], ``roof_material``, ``lon``, ``lat``).
    flat_min_floors : float
        See :func:`roof_shape` [-].
    flat_tilt_deg, pitched_tilt_deg : float
        Module tilt [deg].
    flat_usable_fraction, pitched_usable_fraction : float
        Shares described above [-].
    unknown_azimuth_deg : float
        Azimuth given to every roof [deg clockwise from north].
    shading_factor : float
        Fraction of irradiation lost to shading [-].

    Returns
    -------
    DataFrame
        ``roof_id`` (= ``building_id``), ``building_id``, ``source``, ``commune_code``,
        ``roof_shape``, ``usable_area_m2``, ``tilt_deg``, ``azimuth_deg``, ``lat``, ``lon``,
        ``shading_factor``; a missing or negative footprint stays missing/negative, so that
        :func:`~smartidf_analysis.solar.roofs.estimate_roof_production` reports it.
    """
    shape = roof_shape(buildings, flat_min_floors=flat_min_floors)
    flat = (shape == "flat").to_numpy()
    footprint = _floats(buildings["footprint_m2"])
    pitched_area = footprint / 2.0 / np.cos(np.radians(pitched_tilt_deg)) * pitched_usable_fraction
    out = pd.DataFrame({
        "roof_id": buildings["building_id"].to_numpy(),
        "building_id": buildings["building_id"].to_numpy(),
        "source": buildings["source"].to_numpy() if "source" in buildings else None,
        "commune_code": buildings["commune_code"].to_numpy() if "commune_code" in buildings else None,
        "roof_shape": shape.to_numpy(),
        "usable_area_m2": np.where(flat, footprint * flat_usable_fraction, pitched_area),
        "tilt_deg": np.where(flat, flat_tilt_deg, pitched_tilt_deg),
        "azimuth_deg": float(unknown_azimuth_deg),
        "lat": _floats(buildings["lat"]),
        "lon": _floats(buildings["lon"]),
        "shading_factor": float(shading_factor),
    }, index=buildings.index)
    out.attrs["assumptions"] = dict(
        flat_min_floors=flat_min_floors, flat_tilt_deg=flat_tilt_deg,
        flat_usable_fraction=flat_usable_fraction,
        pitched_tilt_deg=pitched_tilt_deg, pitched_usable_fraction=pitched_usable_fraction,
        unknown_azimuth_deg=unknown_azimuth_deg, shading_factor=shading_factor)
    return out


def roofs_from_cadastre(
    cadastre: pd.DataFrame,
    *,
    flat_tilt_deg: float = 10.0,
    pitched_tilt_deg: float = 35.0,
    unknown_azimuth_deg: float = 180.0,
) -> pd.DataFrame:
    """Roofs from the ``solar_cadastre_roofs`` table (its ``usable_area_m2`` is already usable).

    ``roof_shape`` "plat" -> flat at ``flat_tilt_deg``; any other shape (Npans, toit2pentes,
    petit_toit) -> pitched at ``pitched_tilt_deg``. The cadastre gives no orientation:
    ``unknown_azimuth_deg`` [deg] for all.

    Parameters
    ----------
    cadastre : DataFrame
        ``solar_cadastre_roofs`` (``roof_id``, ``roof_shape``, ``usable_area_m2`` [m2], ``lat``,
        ``lon`` [deg]).
    flat_tilt_deg, pitched_tilt_deg : float
        Module tilt of flat and pitched roofs [deg].
    unknown_azimuth_deg : float
        Azimuth given to every roof [deg clockwise from north].

    Returns
    -------
    DataFrame
        ``roof_id``, ``roof_shape``, ``usable_area_m2`` [m2], ``tilt_deg``, ``azimuth_deg``
        [deg], ``lat``, ``lon`` [deg], indexed like ``cadastre``; ``attrs["assumptions"]``.
    """
    shape = cadastre["roof_shape"].astype("string").str.lower().fillna("")
    flat = (shape == "plat").to_numpy()
    out = pd.DataFrame({
        "roof_id": cadastre["roof_id"].to_numpy(),
        "roof_shape": np.where(flat, "flat", "pitched"),
        "usable_area_m2": _floats(cadastre["usable_area_m2"]),
        "tilt_deg": np.where(flat, flat_tilt_deg, pitched_tilt_deg),
        "azimuth_deg": float(unknown_azimuth_deg),
        "lat": _floats(cadastre["lat"]),
        "lon": _floats(cadastre["lon"]),
    }, index=cadastre.index)
    out.attrs["assumptions"] = dict(flat_tilt_deg=flat_tilt_deg, pitched_tilt_deg=pitched_tilt_deg,
                                    unknown_azimuth_deg=unknown_azimuth_deg)
    return out


# --------------------------------------------------------------------------------------------
# Synthetic regional stock
# --------------------------------------------------------------------------------------------


def stock_totals(commune_totals: pd.DataFrame) -> pd.DataFrame:
    """One-row totals of the synthetic stock from its per-commune totals (the
    ``commune_totals`` of :class:`~smartidf_analysis.solar.io.StockSummary`, columns of
    :func:`~smartidf_analysis.solar.roofs.production_totals`): ``roofs`` [count],
    ``usable_area_m2`` [m2], ``peak_power_mwp`` [MWp], ``annual_gwh`` [GWh/yr]: the columns of
    :func:`~smartidf_analysis.solar.io.set_totals`, whose totals over the same roofs they equal.

    Parameters
    ----------
    commune_totals : DataFrame
        Per-commune ``roofs``, ``usable_area_m2``, ``peak_power_mwp``, ``annual_gwh``.

    Returns
    -------
    DataFrame
        One row: ``roofs``, ``usable_area_m2`` [m2], ``peak_power_mwp`` [MWp], ``annual_gwh``
        [GWh/yr].

    Raises
    ------
    ValueError
        When ``commune_totals`` lacks one of these columns.
    """
    columns = ["roofs", "usable_area_m2", "peak_power_mwp", "annual_gwh"]
    missing = [c for c in columns if c not in commune_totals.columns]
    if missing:
        raise ValueError(f"commune totals lack the columns {missing}; they have "
                         f"{list(commune_totals.columns)}")
    sums = commune_totals[columns].sum()
    out = pd.DataFrame([sums.to_numpy()], columns=columns)
    return out.astype({"roofs": "int64"})
