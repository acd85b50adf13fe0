"""Telecentre inputs from the database: the only telecentre module that touches it, through
:mod:`smartidf_analysis.data.db` (named queries ``sql/telecentres_*.sql``) and the io modules
of the commuting and broadband themes. The analysis (``demand``, ``sites``, ``scenarios``,
``signal``) takes the frames this module returns.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from smartidf_analysis import broadband
from smartidf_analysis import commuting as cm
from smartidf_analysis.data import db
from smartidf_analysis.telecentres.demand import TABLES
from smartidf_analysis.telecentres.signal import COMMUTER_CATEGORIES
from smartidf_analysis.telecentres.sites import TelecentreInputs, dedupe_stations


def load_inputs(path: str | Path | None = None) -> TelecentreInputs:
    """Read the telecentre inputs from the database (``path`` or ``SMARTIDF_DB``)."""
    flows = cm.flows_with_distance(by=("mode", "csp"), path=path)
    communes = cm.load_communes(path)
    stations = dedupe_stations(db.query("telecentres_stations", path=path))
    coverage = broadband.latest_coverage_by_commune(broadband.load(path))
    provenance = db.query("provenance_for_tables", path=path, tables=TABLES)
    issues = db.query("telecentres_build_issues", path=path)
    return TelecentreInputs(flows, communes, stations, coverage, provenance, issues)


def commune_outlines(path: str | Path | None = None) -> pd.DataFrame:
    """Map units (Paris by arrondissement) with ``geometry_wkb``: the outlines under the
    page's sites (``sql/communes_map``)."""
    return db.query("communes_map", path=path, paris_as_one=False)


def load_daily(categories=COMMUTER_CATEGORIES, path: str | Path | None = None) -> pd.DataFrame:
    """Daily validations per ``zdc_id`` and ``day`` for the ticket ``categories``."""
    daily = db.query("telecentres_daily_validations", path=path, categories=list(categories))
    daily["day"] = pd.to_datetime(daily["day"])
    return daily


def validation_gaps(path: str | Path | None = None) -> pd.DataFrame:
    """Validations that cannot be tied to a station: empty ``zdc_id`` or a zone absent from
    the stations table (``issue, zdc_id, stop_name, rows, validations, first_day,
    last_day``)."""
    return db.query("telecentres_validation_gaps", path=path)
