"""Solar figures of every territory of a level: the PVGIS-field irradiation, the roofs, peak
power and potential production, split by class red / yellow / blue
(:data:`~smartidf_analysis.solar.roofs.SOLAR_CLASSES`, thresholds
:data:`~smartidf_analysis.solar.roofs.CLASS_THRESHOLDS_KWH_M2`), and kWh per inhabitant.

Roofs: the roofs imported from BD TOPO (``smartidf data import-buildings``) when there are
any, else the SYNTHETIC regional stock (2.5 million roofs placed by dwellings: a model, not a
survey), under the solar page's default parameters. The class split is one pass over the
roof set computed once per build with the solar package's own functions
(:func:`~smartidf_analysis.solar.roofs.estimate_roof_production`, then
:func:`~smartidf_analysis.solar.roofs.production_totals` per commune and class), so its
sums equal the commune totals of
:func:`~smartidf_analysis.solar.results.commune_indicator`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis.reporting.territory.inputs import SOLAR_PARAMETERS, TerritoryInputs
from smartidf_analysis.reporting.territory.keys import cached, sum_by, territory_keys
from smartidf_analysis.solar import io as solar_io
from smartidf_analysis.solar.roofs import SOLAR_CLASSES, estimate_roof_production, production_totals
from smartidf_analysis.solar.stock import StockAssumptions, synthetic_roof_stock_dask


def class_totals_by_commune(inputs: TerritoryInputs) -> pd.DataFrame:
    """``roofs``, ``usable_area_m2``, ``peak_power_mwp``, ``annual_gwh`` per (``commune_code``
    — arrondissements for Paris —, ``solar_class``) of the regional roof set
    (``inputs.roof_set``), under :data:`~.inputs.SOLAR_PARAMETERS`; computed once per build.

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs (``roof_set`` chooses the imported roofs or the synthetic stock).

    Returns
    -------
    pandas.DataFrame
        One row per commune and class: ``commune_code``, ``solar_class`` (str), then the
        columns of :func:`~smartidf_analysis.solar.roofs.production_totals`: ``roofs``
        [count], ``usable_area_m2`` [m²], ``peak_power_mwp`` [MWp], ``annual_gwh`` [GWh/yr].
    """
    def compute():
        kw = {"module_efficiency": SOLAR_PARAMETERS["module_efficiency"],
              "usable_fraction": SOLAR_PARAMETERS["usable_fraction"]}
        losses = SOLAR_PARAMETERS["system_losses_pct"]
        if inputs.roof_set == solar_io.IMPORTED_SET:
            production = solar_io.real_set_production(solar_io.IMPORTED_SET, convention="modules",
                                                      system_losses_pct=losses, **kw)
        else:
            stock = synthetic_roof_stock_dask(solar_io.SYNTHETIC_ROOFS, solar_io.stock_communes(),
                                              StockAssumptions(seed=0, weight="dwellings"))
            production = estimate_roof_production(
                stock, solar_io.paris_yield_cube(system_losses_pct=losses),
                field=solar_io.regional_field(), **kw)
        totals = production_totals(production, by=["commune_code", "solar_class"])
        return totals.reset_index().astype({"commune_code": str, "solar_class": str})
    return cached(inputs, "solar_classes", compute)


def level_solar(inputs: TerritoryInputs, level: str) -> pd.DataFrame:
    """Solar figures per territory of ``level`` (index: territory code).

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs; its ``units``, ``irradiation`` and ``roofs`` must not be None.
    level : str
        One of :data:`~smartidf_analysis.reporting.territory.registry.LEVELS`.

    Returns
    -------
    pandas.DataFrame
        Indexed by territory code: ``irradiation`` [kWh/m²/yr, population-weighted mean of
        the map units] with its sums ``_irr_pop`` and ``_pop`` [inhabitants], ``roofs``
        [count], ``peak_power_mwp`` [MWp], ``annual_gwh`` [GWh/yr], and per class ``k`` of
        :data:`~smartidf_analysis.solar.roofs.SOLAR_CLASSES` ``roofs_k`` [count] and
        ``annual_gwh_k`` [GWh/yr].
    """
    units = inputs.units.set_index("commune_code")
    irr = inputs.irradiation
    pop = irr["commune_code"].map(units["population"]).to_numpy(float)
    sums = sum_by(territory_keys(inputs, irr["commune_code"], level), {
        "_irr_pop": irr["irradiation_kwh_m2"].to_numpy(float) * pop, "_pop": pop})
    sums["irradiation"] = sums["_irr_pop"] / sums["_pop"]
    r = inputs.roofs
    roofs = sum_by(territory_keys(inputs, r["commune_code"], level), {
        "roofs": r["roofs"], "peak_power_mwp": r["peak_power_mwp"], "annual_gwh": r["annual_gwh"]})
    c = class_totals_by_commune(inputs)
    keys = territory_keys(inputs, c["commune_code"], level)
    classes = sum_by(keys, {
        **{f"roofs_{k}": np.where(c["solar_class"] == k, c["roofs"], 0.0) for k in SOLAR_CLASSES},
        **{f"annual_gwh_{k}": np.where(c["solar_class"] == k, c["annual_gwh"], 0.0)
           for k in SOLAR_CLASSES}})
    return sums.join(roofs, how="outer").join(classes, how="left")
