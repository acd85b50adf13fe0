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
    """Read the telecentre inputs from the database (``path`` or ``SMARTIDF_DB``).

    Parameters
    ----------
    path : str or Path, optional
        The DuckDB file; default ``SMARTIDF_DB`` (:func:`smartidf_analysis.config.db_path`).

    Returns
    -------
    TelecentreInputs
        Flows with distances, communes, deduplicated stations, fibre coverage, provenance,
        build issues, Grand Paris Express stations and existing sites.

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database does not exist.
    """
    flows = cm.flows_with_distance(by=("mode", "csp"), path=path)
    communes = cm.load_communes(path)
    stations = dedupe_stations(db.query("telecentres_stations", path=path))
    coverage = broadband.latest_coverage_by_commune(broadband.load(path))
    provenance = db.query("provenance_for_tables", path=path, tables=TABLES)
    issues = db.query("telecentres_build_issues", path=path)
    gpe = db.query("telecentres_gpe_stations", path=path)
    return TelecentreInputs(flows, communes, stations, coverage, provenance, issues, gpe,
                            load_existing_sites(path))


def load_existing_sites(path: str | Path | None = None) -> pd.DataFrame:
    """The imported existing sites (empty for a database built before imports existed).

    Parameters
    ----------
    path : str or Path, optional
        The DuckDB file; default ``SMARTIDF_DB`` (:func:`smartidf_analysis.config.db_path`).

    Returns
    -------
    DataFrame
        ``site_id``, ``name``, ``lon``, ``lat`` [deg], ``x_l93``, ``y_l93`` [m Lambert-93],
        ``commune_code``, ``seats``, ``opening_year``, ``source``, ``source_ref``,
        ``file_name``, ``file_line``.

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database does not exist.
    """
    if not db.table_exists("existing_sites", path=path):
        return pd.DataFrame(columns=["site_id", "name", "lon", "lat", "x_l93", "y_l93",
                                     "commune_code", "seats", "opening_year", "source",
                                     "source_ref", "file_name", "file_line"])
    return db.query("telecentres_existing_sites", path=path)


def commune_outlines(path: str | Path | None = None) -> pd.DataFrame:
    """Map units (Paris by arrondissement) with ``geometry_wkb``: the outlines under the
    page's sites (``sql/communes_map``).

    Parameters
    ----------
    path : str or Path, optional
        The DuckDB file; default ``SMARTIDF_DB`` (:func:`smartidf_analysis.config.db_path`).

    Returns
    -------
    DataFrame
        The ``communes_map`` rows (``commune_code``, ``geometry_wkb`` WGS84, ...).

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database does not exist.
    """
    return db.query("communes_map", path=path, paris_as_one=False)


def load_daily(categories=COMMUTER_CATEGORIES, path: str | Path | None = None) -> pd.DataFrame:
    """Daily validations per ``zdc_id`` and ``day`` for the ticket ``categories``.

    Parameters
    ----------
    categories : sequence of str
        IDFM ticket categories to sum (default: the Navigo pass).
    path : str or Path, optional
        The DuckDB file; default ``SMARTIDF_DB``.

    Returns
    -------
    DataFrame
        ``zdc_id``, ``day`` (datetime), ``validations`` [validations/day]; rows with an empty
        ``zdc_id`` left out (see :func:`validation_gaps`).

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database does not exist.
    """
    daily = db.query("telecentres_daily_validations", path=path, categories=list(categories))
    daily["day"] = pd.to_datetime(daily["day"])
    return daily


def validation_gaps(path: str | Path | None = None) -> pd.DataFrame:
    """Validations that cannot be tied to a station: empty ``zdc_id`` or a zone absent from
    the stations table (``issue, zdc_id, stop_name, rows, validations, first_day,
    last_day``).

    Parameters
    ----------
    path : str or Path, optional
        The DuckDB file; default ``SMARTIDF_DB`` (:func:`smartidf_analysis.config.db_path`).

    Returns
    -------
    DataFrame
        ``issue``, ``zdc_id``, ``stop_name``, ``rows``, ``validations``, ``first_day``,
        ``last_day``.

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database does not exist.
    """
    return db.query("telecentres_validation_gaps", path=path)
