"""What a territory profile is computed from: each theme's tables, read through the themes'
own ``io`` modules (no SQL here), once per database build.

A theme whose datasets the last build could not get (``missing_datasets``, the theme's
page) is not read: ``TerritoryInputs.missing`` names its datasets and its figures are
shown as missing with those names, never as zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from smartidf_analysis import config
from smartidf_analysis.data import db, stored
from smartidf_analysis.data.build_cache import per_build
from smartidf_analysis.reporting.territory import registry

#: theme -> the dashboard page whose missing datasets stop it
THEME_PAGES = {"fibre": "broadband", "commuting": "commuting", "telework": "telecentres",
               "solar": "solar"}
#: default solar parameters (those of the solar page): module efficiency [-], losses [%],
#: usable share of a roof [-]
SOLAR_PARAMETERS = {"module_efficiency": 0.20, "system_losses_pct": 14.0, "usable_fraction": 1.0}


@dataclass
class TerritoryInputs:
    """The tables a profile needs (frames as the theme functions return them).

    ``communes``: :func:`smartidf_analysis.commuting.io.load_communes`; ``table``: every
    territory (:func:`registry.territories`); ``coverage``: commune FttH coverage at
    ``quarter`` (:func:`smartidf_analysis.broadband.coverage.commune_coverage`), ``coverage_all`` at
    every quarter; ``series``: the
    departments' FttH rate series [%]; ``flows``: MOBPRO flows by mode and CSP with
    ``distance_km``; ``demand``: telecentre demand per home commune (default scenario);
    ``irradiation``: PVGIS-fitted irradiation per map unit [kWh/m²/yr]; ``units``: map units
    with population and dwellings; ``roofs``: roofs, peak power [MWp] and production
    [GWh/yr] per map unit (``roof_set``: imported roofs or the SYNTHETIC stock);
    ``telecentres``: :func:`smartidf_analysis.telecentres.io.load_inputs` (its flows are
    ``flows``); ``provenance``: the datasets behind the tables; ``missing``: theme -> missing dataset ids.

    Parameters
    ----------
    communes : pandas.DataFrame
        Communes and arrondissements with their territories, population [inhabitants],
        area [km²] and centroids [deg].
    table : pandas.DataFrame
        Every territory (:func:`registry.territories`).
    provenance : pandas.DataFrame
        The datasets behind the tables (``table_name``, ``producer``, ``title``, ``vintage``…).
    synthetic : bool
        Whether the database is the SYNTHETIC demo region.
    fingerprint : str
        The database build's fingerprint (what the inputs are cached by).
    missing : dict of str to list of str, optional
        Theme (``"fibre"``, ``"commuting"``, ``"telework"``, ``"solar"``) -> the dataset ids
        the last build lacked; a theme absent has all its data.
    coverage : pandas.DataFrame, optional
        Commune FttH coverage at ``quarter`` (rates [%]).
    coverage_all : pandas.DataFrame, optional
        Commune FttH coverage at every quarter.
    quarter : str, default ""
        The latest quarter of the fibre data (a label such as ``"2018Q1"``).
    series : pandas.DataFrame, optional
        The departments' published FttH rate series [%].
    flows : pandas.DataFrame, optional
        MOBPRO flows by mode and CSP (``workers`` [persons], ``distance_km`` [km]).
    demand : pandas.DataFrame, optional
        Telecentre demand per home commune, default scenario.
    irradiation : pandas.DataFrame, optional
        Irradiation per map unit [kWh/m²/yr].
    units : pandas.DataFrame, optional
        Solar map units with population and dwellings.
    roofs : pandas.DataFrame, optional
        Roofs, peak power [MWp] and production [GWh/yr] per map unit.
    roof_set : str, default ""
        Which roofs: imported, or ``"synthetic_stock"``.
    telecentres : object, optional
        The telecentre inputs (:func:`smartidf_analysis.telecentres.io.load_inputs`).
    cache : dict, optional
        What is computed once from these inputs (filled by :func:`~.keys.cached`).
    """

    communes: pd.DataFrame
    table: pd.DataFrame
    provenance: pd.DataFrame
    synthetic: bool
    fingerprint: str
    missing: dict[str, list[str]] = field(default_factory=dict)
    coverage: pd.DataFrame | None = None
    coverage_all: pd.DataFrame | None = None
    quarter: str = ""
    series: pd.DataFrame | None = None
    flows: pd.DataFrame | None = None
    demand: pd.DataFrame | None = None
    irradiation: pd.DataFrame | None = None
    units: pd.DataFrame | None = None
    roofs: pd.DataFrame | None = None
    roof_set: str = ""
    telecentres: object = None
    #: what is computed once from these inputs (each level's figures, flow keys)
    cache: dict = field(default_factory=dict, repr=False)


def _read(fingerprint: str) -> TerritoryInputs:
    from smartidf_analysis import broadband, commuting, telecentres
    from smartidf_analysis.commuting import io as commuting_io
    from smartidf_analysis.solar import io as solar_io
    from smartidf_analysis.solar import results as solar_results

    communes = commuting.load_communes()
    provenance = commuting_io.provenance(list(_TABLES))
    meta = db.read_metadata(config.db_path())
    missing = {theme: list(db.missing_datasets(page=page)["dataset_id"])
               for theme, page in THEME_PAGES.items()}
    missing = {k: v for k, v in missing.items() if v}
    out = TerritoryInputs(communes=communes, table=registry.territories(communes),
                          provenance=provenance, synthetic=meta.get("synthetic") == "true",
                          fingerprint=fingerprint, missing=missing)
    if "fibre" not in missing:
        data = broadband.load()
        units = broadband.unit_quarters(data.fibre, data.premises)
        out.quarter = str(units["quarter"].max())
        out.coverage_all = broadband.commune_coverage(units, data.communes, data.premises)
        out.coverage = out.coverage_all[out.coverage_all["quarter"] == out.quarter]
        out.series = data.series
    if "telework" not in missing:  # the same flows (by mode and CSP, with distances)
        out.telecentres = telecentres.load_inputs()
        out.flows = out.telecentres.flows
        out.demand = out.telecentres.demand(telecentres.Scenario())[0]
    elif "commuting" not in missing:
        out.flows = commuting.flows_with_distance(by=["mode", "csp"])
    if "solar" not in missing:
        out.irradiation = solar_io.commune_irradiation()
        out.units = solar_io.stock_communes()
        roofs = solar_results.commune_indicator("annual_gwh", **SOLAR_PARAMETERS)
        out.roofs, out.roof_set = roofs, roofs.attrs.get("roof_set", "")
    return out


#: the tables whose provenance the profile quotes
_TABLES = ("communes", "fibre_deployment", "premises", "fibre_department_series",
           "commuting_flows", "irradiance_hourly", "stations")


def prepared_inputs(fingerprint: str, code: str) -> TerritoryInputs:
    """The inputs of the build ``fingerprint`` with everything a page or report reads
    computed (:func:`~.figures.precompute`: every level's figures, flows, sites, pooling).

    Parameters
    ----------
    fingerprint : str
        The build's key (:func:`~smartidf_analysis.data.db.build_key`).
    code : str
        The package's :func:`~smartidf_analysis.data.stored.code_fingerprint` (part of the
        disk cache's key only).

    Returns
    -------
    TerritoryInputs
        The inputs, their ``cache`` filled.
    """
    from smartidf_analysis.reporting.territory.figures import precompute

    return precompute(_read(fingerprint))


@per_build(max_items=2)
def _cached() -> TerritoryInputs:
    return stored.per_build(prepared_inputs, db.build_key())


def load_inputs() -> TerritoryInputs:
    """The inputs of the configured database (``SMARTIDF_DB``) with every territory's
    figures computed, once per build (its :func:`~smartidf_analysis.data.db.build_key`): a
    rebuilt file is read again.
    Kept on disk beside the database (:func:`~smartidf_analysis.data.stored.per_build`), so
    the next process loads them (0.1-0.2 s) instead of computing them (about 10 s on the
    real build).

    Returns
    -------
    TerritoryInputs
        The tables of the themes the last build has (the others named in ``missing``).
    """
    return _cached()
