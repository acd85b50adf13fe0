"""What the solar page (and a notebook) shows for one roof set under one parameter set:
the roofs, their totals, the classes, the roofs left out, a commune indicator and a roof's
months. Each function reads the database through :mod:`smartidf_analysis.solar.io` (whose
caches follow the database build) and returns new tables: callers may keep them.

Parameters everywhere: ``module_efficiency`` [-], ``system_losses_pct`` [%],
``usable_fraction`` [-] (the share of a roof's usable area covered with modules).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from smartidf_analysis.solar import io as sd
from smartidf_analysis.solar.conventions import monthly_production
from smartidf_analysis.solar.roofs import (
    bad_roofs,
    class_totals,
    monthly_roof_production,
    production_totals,
)
from smartidf_analysis.solar.stock import stock_totals

SYNTHETIC_SET = "synthetic_stock"
#: commune indicators: modelled yield of a reference roof, or the synthetic stock's totals
COMMUNE_INDICATORS = ("yield_kwh_kwp", "annual_gwh", "peak_power_mwp")
#: the roof table's columns (the roofs CSV), largest producer first
ROOF_TABLE_COLUMNS = ["roof_id", "commune_code", "roof_shape", "usable_area_m2", "tilt_deg",
                      "azimuth_deg", "shading_factor", "irradiation_kwh_m2", "peak_power_kwp",
                      "annual_kwh", "specific_yield_kwh_kwp", "solar_class"]


@dataclass(frozen=True)
class RoofSetResults:
    """One roof set under one parameter set.

    ``roofs``: per-roof production (a real set: every roof, with ``geometry_wkb``; the
    synthetic stock: its largest producers); ``totals``: one row, ``roofs`` [count],
    ``usable_area_m2`` [m2], ``peak_power_mwp`` [MWp], ``annual_gwh`` [GWh/yr] (the synthetic
    stock: every one of its roofs); ``classes``: per class, those totals with
    ``energy_share`` and ``roof_share`` [-]; ``bad``: roofs left out with their reason.

    Parameters
    ----------
    roof_set : str
        The roof set's id.
    roofs : DataFrame
        Per-roof production (see above).
    totals : DataFrame
        One row of totals (see above).
    classes : DataFrame
        Totals per class (see above).
    bad : DataFrame
        ``row_id``, ``roof_id``, ``reason`` of the roofs left out.
    """

    roof_set: str
    roofs: pd.DataFrame
    totals: pd.DataFrame
    classes: pd.DataFrame
    bad: pd.DataFrame

    @property
    def synthetic(self) -> bool:
        """True when the roof set is the synthetic stock."""
        return self.roof_set == SYNTHETIC_SET


def roof_set_results(roof_set: str, convention: str, module_efficiency: float,
                     system_losses_pct: float, usable_fraction: float) -> RoofSetResults:
    """The results of ``roof_set`` (one of :data:`~smartidf_analysis.solar.io.ROOF_SETS`).

    Real sets follow ``convention`` (``"modules"`` or ``"cadastre"``,
    :mod:`~smartidf_analysis.solar.conventions`); the synthetic stock keeps per-kWp modules
    on its own racks (:func:`~smartidf_analysis.solar.io.stock_summary`; its first call
    makes the pass over the 2.5 million roofs, seconds; later ones milliseconds).

    Parameters
    ----------
    roof_set : str
        A key of :data:`~smartidf_analysis.solar.io.ROOF_SETS` or ``"imported_buildings"``.
    convention : {"modules", "cadastre"}
        Production convention of a real set.
    module_efficiency : float
        Module efficiency [-].
    system_losses_pct : float
        DC losses [%].
    usable_fraction : float
        Share of the usable area covered with modules [-].

    Returns
    -------
    RoofSetResults
        The roofs, totals, classes and roofs left out.

    Raises
    ------
    ValueError
        For an unknown roof set.
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    if roof_set not in sd.ROOF_SETS and roof_set != sd.IMPORTED_SET:
        raise ValueError(f"unknown roof set {roof_set!r}; known: {list(sd.ROOF_SETS)} and "
                         f"{sd.IMPORTED_SET!r}")
    kw = dict(module_efficiency=module_efficiency, system_losses_pct=system_losses_pct,
              usable_fraction=usable_fraction)
    if roof_set == SYNTHETIC_SET:
        summary = sd.stock_summary(**kw)
        return RoofSetResults(roof_set, summary.top_roofs, stock_totals(summary.commune_totals),
                              summary.class_totals,
                              pd.DataFrame(columns=["row_id", "roof_id", "reason"]))
    prod = sd.real_set_production(roof_set, convention=convention, **kw)
    return RoofSetResults(roof_set, prod, sd.set_totals(prod), class_totals(prod), bad_roofs(prod))


def roof_table(roofs: pd.DataFrame) -> pd.DataFrame:
    """The roofs as the page's table and roofs CSV list them: :data:`ROOF_TABLE_COLUMNS`
    (those present), ids and classes as text, largest producer first.

    Parameters
    ----------
    roofs : DataFrame
        ``RoofSetResults.roofs``.

    Returns
    -------
    DataFrame
        The columns of :data:`ROOF_TABLE_COLUMNS` present in ``roofs`` (areas [m2], angles
        [deg], ``irradiation_kwh_m2`` [kWh/m2/yr], ``peak_power_kwp`` [kWp], ``annual_kwh``
        [kWh/yr], ``specific_yield_kwh_kwp`` [kWh/kWp/yr]), sorted by ``annual_kwh``.
    """
    out = roofs[[c for c in ROOF_TABLE_COLUMNS if c in roofs.columns]].copy()
    out["roof_id"] = out["roof_id"].astype(str)
    out["solar_class"] = out["solar_class"].astype(str)
    return out.sort_values("annual_kwh", ascending=False).reset_index(drop=True)


def commune_indicator(indicator: str, module_efficiency: float, system_losses_pct: float,
                      usable_fraction: float) -> pd.DataFrame:
    """``commune_code`` and ``indicator`` per map unit (arrondissements for Paris):
    ``yield_kwh_kwp``, the MODELLED yield [kWh/kWp/yr] of a south-facing 35° roof
    (:func:`~smartidf_analysis.solar.io.commune_reference_yield`, depends on the losses
    only), or the regional roofs' ``annual_gwh`` [GWh/yr] / ``peak_power_mwp`` [MWp] per
    commune, with their other totals: the roofs imported from BD TOPO
    (``smartidf data import-buildings``, per-kWp modules) when there are any, else the
    SYNTHETIC stock. ``attrs["roof_set"]`` says which
    (:func:`~smartidf_analysis.solar.io.regional_roof_set`).

    Parameters
    ----------
    indicator : str
        One of :data:`COMMUNE_INDICATORS`.
    module_efficiency, system_losses_pct, usable_fraction : float
        As for :func:`roof_set_results` ([-], [%], [-]).

    Returns
    -------
    DataFrame
        ``commune_code`` and ``yield_kwh_kwp`` [kWh/kWp/yr]; or, for the totals,
        ``commune_code``, ``roofs``, ``usable_area_m2`` [m2], ``peak_power_mwp`` [MWp] and
        ``annual_gwh`` [GWh/yr].

    Raises
    ------
    ValueError
        For an indicator not in :data:`COMMUNE_INDICATORS`.
    """
    if indicator not in COMMUNE_INDICATORS:
        raise ValueError(f"unknown commune indicator {indicator!r}; known: {COMMUNE_INDICATORS}")
    if indicator == "yield_kwh_kwp":
        ref = sd.commune_reference_yield(system_losses_pct=system_losses_pct)
        return ref[["commune_code", "specific_yield_kwh_kwp"]].rename(
            columns={"specific_yield_kwh_kwp": "yield_kwh_kwp"})
    kw = dict(module_efficiency=module_efficiency, system_losses_pct=system_losses_pct,
              usable_fraction=usable_fraction)
    regional = sd.regional_roof_set()
    if regional == sd.IMPORTED_SET:
        production = sd.real_set_production(sd.IMPORTED_SET, convention="modules", **kw)
        table = production_totals(production, by="commune_code").reset_index()
    else:
        table = sd.stock_summary(**kw).commune_totals.reset_index()
    table.attrs["roof_set"] = regional
    return table


def roof_months(roof: pd.Series, synthetic: bool, module_efficiency: float,
                system_losses_pct: float, usable_fraction: float) -> pd.DataFrame:
    """Month by month production of one roof (a row of ``RoofSetResults.roofs``):
    ``month`` and ``production_kwh`` [kWh/month] (and irradiation, yield), summing to the
    roof's ``annual_kwh``. A real set's roof: its convention's annual figures spread over
    the months; a synthetic roof: estimated with the parameters.

    Parameters
    ----------
    roof : Series
        A row of ``RoofSetResults.roofs``.
    synthetic : bool
        True for a roof of the synthetic stock.
    module_efficiency, system_losses_pct, usable_fraction : float
        As for :func:`roof_set_results` ([-], [%], [-]); the efficiency and usable share are
        used for a synthetic roof only.

    Returns
    -------
    DataFrame
        ``month``, ``irradiation_kwh_m2`` [kWh/m2/month], ``specific_yield_kwh_kwp``
        [kWh/kWp/month] and ``production_kwh`` [kWh/month].
    """
    cube = sd.paris_yield_cube(system_losses_pct=system_losses_pct)
    if synthetic:
        return monthly_roof_production(roof, cube, field=sd.regional_field(),
                                       module_efficiency=module_efficiency,
                                       usable_fraction=usable_fraction)
    return monthly_production(roof, cube, field=sd.regional_field())
