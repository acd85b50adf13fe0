"""State of the buildings page (synced to the URL), the roofs it draws (per-roof production of
a real or imported set, cached per database build) and what every session shares
(:class:`BuildingsPageData`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import param

from smartidf_analysis.data.build_cache import per_build
from smartidf_analysis.solar import io as sd
from smartidf_analysis.solar.roofs import monthly_roof_production

REAL_SETS = ("saint_denis_buildings", "paris13_volumes")
MAX_3D_BUILDINGS = 20_000  # buildings drawn at once in 2.5D (above: one commune at a time)
DECK_HEIGHT = 560


def set_production(roof_set: str, commune: str = "") -> pd.DataFrame:
    """Per-roof production of ``roof_set`` (plain estimate, default modules), restricted to
    ``commune`` when given; rows in a stable order (``roof_id``).

    Parameters
    ----------
    roof_set : str
        A real roof set, or ``"imported_buildings"``.
    commune : str
        INSEE code to keep ("" for all).

    Returns
    -------
    DataFrame
        The roofs with a production and a footprint:
        ``roof_id``, ``commune_code``, geometry, ``irradiation_kwh_m2`` [kWh/m2/yr],
        ``peak_power_kwp`` [kWp], ``annual_kwh`` [kWh/yr], ``specific_yield_kwh_kwp``
        [kWh/kWp/yr], ``solar_class``, ...
    """
    prod = _production(roof_set)
    if commune:
        prod = prod[prod["commune_code"] == commune]
    return prod.reset_index(drop=True)


@per_build(max_items=4)
def _production(roof_set: str) -> pd.DataFrame:
    """Per-roof production of ``roof_set`` in the database build being read (its
    :func:`~smartidf_analysis.data.db.build_key`, the cache key: a rebuild or a new
    import is never served from an older build's roofs)."""
    prod = sd.real_set_production(roof_set)
    prod = prod[prod["annual_kwh"].notna() & prod["geometry_wkb"].notna()]
    return prod.sort_values("roof_id", kind="stable").reset_index(drop=True)


def monthly(roof: pd.Series) -> pd.DataFrame:
    """Monthly production of one roof (the page's cube and field, default modules).

    Parameters
    ----------
    roof : Series
        A row of :func:`set_production`.

    Returns
    -------
    DataFrame
        ``month``, ``irradiation_kwh_m2`` [kWh/m2/month], ``specific_yield_kwh_kwp``
        [kWh/kWp/month], ``production_kwh`` [kWh/month].
    """
    return monthly_roof_production(roof, sd.paris_yield_cube(), field=sd.regional_field())


@dataclass(frozen=True)
class BuildingsPageData:
    """What every session shares for one database build.

    Parameters
    ----------
    sets : tuple of str
        Real roof sets offered in 2.5D.
    communes : dict of str to list of str
        Imported set -> its communes by number of roofs (largest first).
    raster_synthetic : bool
        The regional raster shows the SYNTHETIC stock (nothing imported).
    provenance : DataFrame
        Provenance rows of the solar inputs.
    """

    sets: tuple[str, ...]  # real roof sets offered in 2.5D
    communes: dict[str, list[str]]  # imported set: communes by number of roofs (largest first)
    raster_synthetic: bool  # the regional raster shows the SYNTHETIC stock (nothing imported)
    provenance: pd.DataFrame


def raster_points(synthetic: bool) -> pd.DataFrame:
    """``lon``, ``lat``, ``solar_class`` of the regional raster: the SYNTHETIC stock's roofs
    (``synthetic``) or the imported BD TOPO roofs.

    Parameters
    ----------
    synthetic : bool
        Show the synthetic stock.

    Returns
    -------
    DataFrame
        ``lon``, ``lat`` [deg], ``solar_class``, one row per roof.
    """
    if synthetic:
        return sd.stock_points()
    return _production(sd.IMPORTED_SET)[["lon", "lat", "solar_class"]]


class BuildingsState(param.Parameterized):
    """Page state (synced to the URL)."""

    roof_set = param.Selector(default="saint_denis_buildings", objects=list(REAL_SETS), doc="""
        Real roof set drawn in 2.5D (imported BD TOPO buildings when any were imported).""")
    commune = param.String(default="", doc="""
        Commune code (INSEE, 5 characters) of the imported buildings drawn in 2.5D when the
        set is too large to draw at once.""")
    roof_id = param.String(default="", doc="""
        Selected building (its roof id), whose monthly production is shown.""")
    focus = param.String(default="", doc="""
        Roof id the 2.5D view is centred on when the page opens (a shared link).""")
