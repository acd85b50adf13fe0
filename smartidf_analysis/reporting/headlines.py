"""One headline figure per theme, with its source and vintage, for the overview page.

Each figure is computed by the theme's own package functions from the database (nothing
hard-coded); a theme that fails is reported as missing with the reason, not as zero.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pandas as pd

from smartidf_analysis import config
from smartidf_analysis.data import db
from smartidf_analysis.data.build_cache import per_build

log = logging.getLogger("smartidf.headlines")
COLUMNS = ["theme", "value", "unit", "label_fr", "label_en", "source", "vintage", "error"]
#: prefix of the error of a theme whose datasets the last build could not get
MISSING = "missing datasets: "


def _broadband() -> dict:
    from smartidf_analysis import broadband

    data = broadband.load()
    coverage = broadband.commune_coverage(broadband.unit_quarters(data.fibre, data.premises),
                                          data.communes, data.premises)
    region = broadband.aggregate_coverage(coverage, "region").sort_values("quarter").iloc[-1]
    return {"value": 100 * region["coverage_rate_premises"], "unit": "%",
            "label_fr": f"des locaux raccordables à la fibre (FttH), {region['quarter']}",
            "label_en": f"of premises connectable to fibre (FttH), {region['quarter']}",
            "source": "ARCEP, déploiement FttH par commune", "vintage": str(region["quarter"])}


def _commuting() -> dict:
    from smartidf_analysis import commuting

    summary = commuting.region_summary(commuting.flows_with_distance())
    return {"value": 100 * summary["share_working_outside"], "unit": "%",
            "label_fr": "des actifs travaillent hors de leur commune (Paris par arrondissement)",
            "label_en": "of workers work outside their commune (Paris by arrondissement)",
            "source": "INSEE, MOBPRO", "vintage": "RP 2014"}


def _telecentres() -> dict:
    from smartidf_analysis import telecentres

    inputs = telecentres.load_inputs()
    demand = telecentres.demand_by_commune(inputs.flows, telecentres.Scenario(), inputs.communes)
    totals = telecentres.demand_totals(demand)
    return {"value": totals["daily_users"], "unit": "",
            "label_fr": "usagers de télécentres par jour (scénario par défaut, modèle)",
            "label_en": "telecentre users per day (default scenario, modelled)",
            "source": "INSEE MOBPRO; hypothèses du modèle", "vintage": "RP 2014"}


def _solar() -> dict:
    from smartidf_analysis import solar

    cube = solar.yield_cube(db.read_table("irradiance_hourly"), tilts=[35], azimuths=[180])
    value = float(cube["specific_yield_kwh_kwp"].sel(tilt=35, azimuth=180))
    return {"value": value, "unit": "kWh/kWc",
            "label_fr": "par an pour un toit plein sud incliné à 35° à Paris (modèle pvlib)",
            "label_en": "per year for a south-facing 35° roof in Paris (pvlib model)",
            "source": "NREL NSRDB, année météorologique type", "vintage": "TMY 2017-2021"}


THEMES: dict[str, Callable[[], dict]] = {
    "broadband": _broadband, "commuting": _commuting, "telecentres": _telecentres,
    "solar": _solar,
}


@per_build(max_items=4, path_argument="db_file")
def _headlines_for(db_file: str) -> pd.DataFrame:
    rows = []
    for theme, compute in THEMES.items():
        missing = db.missing_datasets(page=theme, path=db_file)
        if not missing.empty:
            rows.append({"theme": theme, "value": None, "unit": "", "label_fr": "",
                         "label_en": "", "source": "", "vintage": "",
                         "error": MISSING + ", ".join(missing["dataset_id"])})
            continue
        try:
            rows.append({"theme": theme, **compute(), "error": None})
        except Exception as exc:  # noqa: BLE001 - one theme failing must not hide the others
            log.exception("headline of %s failed", theme)
            rows.append({"theme": theme, "value": None, "unit": "", "label_fr": "",
                         "label_en": "", "source": "", "vintage": "",
                         "error": f"{type(exc).__name__}: {exc}"})
    return pd.DataFrame(rows, columns=COLUMNS)


def theme_headlines() -> pd.DataFrame:
    """One row per theme: value, unit, French/English label, source, vintage (or error).

    Cached per database build (:func:`~smartidf_analysis.data.db.build_key`: the
    file's identity, which a rebuild and every import change), read from that build.

    Returns
    -------
    pandas.DataFrame
        One row per theme of :data:`THEMES`, columns :data:`COLUMNS`: ``theme``, ``value`` (in
        ``unit``: % for broadband and commuting, users/day for telecentres, kWh/kWc per year
        for solar; None on error), ``unit``, ``label_fr``, ``label_en``, ``source``,
        ``vintage`` and ``error`` (None, or the reason: :data:`MISSING` and the dataset ids,
        or the exception).
    """
    return _headlines_for(str(config.db_path())).copy()
