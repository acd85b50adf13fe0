"""Named queries: the ``sql/*.sql`` files, run with bound parameters only."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from smartidf_analysis import config
from smartidf_analysis.data.db._connection import _NAME, source
from smartidf_analysis.data.db._sessions import cursor
from smartidf_analysis.errors import MissingDataError


@cache
def _sql_text(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"invalid query name {name!r}")
    file = config.SQL_DIR / f"{name}.sql"
    if not file.exists():
        known = ", ".join(sorted(p.stem for p in config.SQL_DIR.glob("*.sql")))
        raise ValueError(f"unknown query {name!r}; known queries: {known}")
    return file.read_text(encoding="utf-8")


def query_names() -> list[str]:
    """Names of the available named queries.

    Returns
    -------
    list of str
        The stems of the ``sql/*.sql`` files, sorted.
    """
    return sorted(p.stem for p in config.SQL_DIR.glob("*.sql"))


def query_parameters(name: str) -> list[str]:
    """Names of the ``$parameters`` a named query expects.

    Parameters
    ----------
    name : str
        A named query.

    Returns
    -------
    list of str
        The parameter names (without ``$``), sorted.

    Raises
    ------
    ValueError
        For an invalid or unknown query name.
    """
    return sorted(set(re.findall(r"\$([a-z_][a-z0-9_]*)", _sql_text(name))))


def query(name: str, *, path: str | Path | None = None, **params: Any) -> pd.DataFrame:
    """Run the named query ``sql/<name>.sql`` with ``params`` bound as ``$name`` parameters.

    Values are never formatted into SQL text: a hostile value simply matches nothing.
    Raises ValueError for an unknown query or missing/unexpected parameters.

    Parameters
    ----------
    name : str
        The query's name (a file of ``sql/``, see :func:`query_names`).
    path : str or pathlib.Path, optional
        A DuckDB file or a Parquet export; default the configured source.
    **params
        The query's ``$parameters`` (see :func:`query_parameters`), all of them.

    Returns
    -------
    pandas.DataFrame
        The query's result (columns as the SQL file selects them).

    Raises
    ------
    DatabaseMissingError
        When the source is a DuckDB file that does not exist.
    MissingDataError
        When the source lacks a table or column the query reads (a database built by
        another version of the package), naming the query, the source and the object.
    """
    with cursor(path) as cur:
        try:
            return _run_named(cur, name, params)
        except duckdb.CatalogException as err:
            what = str(err).splitlines()[0]
            raise MissingDataError(
                f"query {name!r} on {path or source()[1]}: {what} (a database built by "
                "another version of smartidf-analysis? rebuild it: smartidf data build)") from err


def _run_named(con, name: str, params: Mapping[str, Any]) -> pd.DataFrame:
    """The named query ``name`` run on ``con`` with ``params`` bound (checked as in
    :func:`query`)."""
    sql = _sql_text(name)
    expected = set(query_parameters(name))
    missing, extra = expected - params.keys(), params.keys() - expected
    if missing or extra:
        raise ValueError(
            f"query {name!r} expects parameters {sorted(expected)}; "
            f"missing {sorted(missing)}, unexpected {sorted(extra)}"
        )
    return con.execute(sql, dict(params)).df() if params else con.execute(sql).df()
