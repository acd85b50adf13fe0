"""Broadband inputs from the database: the only broadband module that touches it, through
:mod:`smartidf_analysis.data.db` (named queries ``sql/broadband_*.sql``). The analysis in
:mod:`smartidf_analysis.broadband.coverage` takes the frames this module returns.
"""

from __future__ import annotations

from smartidf_analysis.broadband.coverage import TABLES, BroadbandData
from smartidf_analysis.data import db


def load(path=None) -> BroadbandData:
    """Read the broadband tables from the database (``path`` or ``SMARTIDF_DB``).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The DuckDB file; default ``SMARTIDF_DB`` (see :mod:`smartidf_analysis.config`).

    Returns
    -------
    BroadbandData
        The broadband tables (Filosofi incomes of 2021, declared income).
    """
    def q(name, **params):
        return db.query(name, path=path, **params)

    return BroadbandData(
        fibre=q("broadband_fibre"), premises=q("broadband_premises"),
        departments=q("broadband_departments"), series=q("broadband_department_series"),
        communes=q("broadband_communes"),
        incomes=q("broadband_incomes", year=2021, measure="declared"),
        provenance=q("provenance_for_tables", tables=TABLES),
        build_issues=q("broadband_build_issues"))


def load_map(path=None):
    """Current communes with their WGS84 outline (``geometry_wkb``), in map order.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The DuckDB file; default ``SMARTIDF_DB``.

    Returns
    -------
    pandas.DataFrame
        One row per current commune (kind COM) that has an outline (named query
        ``broadband_map``): ``commune_code``, ``commune_name``, ``department_code``,
        ``geometry_wkb``.
    """
    return db.query("broadband_map", path=path)
