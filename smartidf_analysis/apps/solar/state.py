"""State of the solar page (its parameters, synced to the URL), the roof sets, conventions and
indicators it offers, what every session shares per database build
(:class:`SolarPageData`) and the results cache per build and parameter set."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import param

from smartidf_analysis.data.build_cache import BuildCache
from smartidf_analysis.solar import io as sd
from smartidf_analysis.solar.conventions import MODULE_EFFICIENCY
from smartidf_analysis.solar.results import COMMUNE_INDICATORS, ROOF_TABLE_COLUMNS, SYNTHETIC_SET

ROOF_SETS = tuple(sd.ROOF_SETS)
INDICATORS = COMMUNE_INDICATORS
CONVENTIONS = ("modules", "cadastre")
URL_PARAMETERS = ("roof_set", "convention", "module_efficiency", "system_losses_pct",
                  "usable_fraction", "indicator", "roof_id")
TABLE_COLUMNS = ROOF_TABLE_COLUMNS
PARAMETERS = ("roof_set", "convention", "module_efficiency", "system_losses_pct",
              "usable_fraction")  # those whose change recomputes the roofs


@dataclass(frozen=True)
class SolarPageData:
    """What every session of the solar page shares, for one database build.

    Parameters
    ----------
    communes : DataFrame
        Map units (arrondissements for Paris) with ``geometry_wkb``.
    provenance : DataFrame
        Provenance rows of the solar inputs.
    unplaced_dwellings : float
        ARCEP dwellings under codes without a commune [count].
    synthetic_db : bool
        The database was built from the synthetic demo region.
    """

    communes: pd.DataFrame  # map units (arrondissements for Paris) with geometry_wkb
    provenance: pd.DataFrame  # provenance rows of the solar inputs
    unplaced_dwellings: float  # [count] ARCEP dwellings under codes without a commune
    synthetic_db: bool  # the database was built from the synthetic demo region


class SolarState(param.Parameterized):
    """Page state (synced to the URL)."""

    roof_set = param.Selector(default="saint_denis_buildings", objects=list(ROOF_SETS), doc="""
        Roofs shown: a real extract (Saint-Denis buildings or cadastre roofs, Paris 13e
        volumes) or the SYNTHETIC regional stock of 2.5 million roofs.""")
    convention = param.Selector(default="modules", objects=list(CONVENTIONS), doc="""
        Production convention of the real roof sets: today's modules or the regional solar
        cadastre's k factors (the synthetic stock keeps per-kWp modules).""")
    module_efficiency = param.Number(default=MODULE_EFFICIENCY, bounds=(0.10, 0.25), step=0.01,
                                     doc="""Module efficiency [-] (kWp per m² of module / 1 kW/m²).""")
    system_losses_pct = param.Number(default=14.0, bounds=(0.0, 30.0), step=1.0, doc="""
        System losses [%] (wiring, soiling, mismatch, availability) of the PVWatts chain.""")
    usable_fraction = param.Number(default=1.0, bounds=(0.3, 1.0), step=0.05, doc="""
        Share of each roof's usable area covered with modules [-].""")
    indicator = param.Selector(default="yield_kwh_kwp", objects=list(INDICATORS), doc="""
        Commune map: modelled yield of a south 35° roof [kWh/kWp/yr], or the synthetic
        stock's production [GWh/yr] or peak power [MWp].""")
    roof_id = param.String(default="", doc="""
        Id of the roof shown in the inspector ("" for none).""")

    def key(self) -> tuple[float, float, float]:
        """(module efficiency [-], losses [%], usable share [-]), rounded: a cache key.

        Returns
        -------
        (float, float, float)
            Efficiency (4 decimals) [-], losses (2 decimals) [%], usable share (4 decimals) [-].
        """
        return (round(self.module_efficiency, 4), round(self.system_losses_pct, 2),
                round(self.usable_fraction, 4))

    @property
    def synthetic(self) -> bool:
        """True when the chosen roof set is the synthetic stock."""
        return self.roof_set == SYNTHETIC_SET


RESULTS = BuildCache()  # roof and commune results per build and parameter set
