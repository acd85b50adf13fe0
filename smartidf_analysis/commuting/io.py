"""Commuting inputs from the database: the only commuting module that touches it, through
:mod:`smartidf_analysis.data.db`. The heavy group-by runs in DuckDB (named SQL
``sql/commuting_*.sql``) or in Dask partitions that each reduce in DuckDB first
(``engine="dask"``); the results go through the pure functions of
:mod:`smartidf_analysis.commuting.matrices` (distances, units, Paris switch).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from smartidf_analysis.commuting.indicators import commune_indicators
from smartidf_analysis.commuting.matrices import (
    LEVELS,
    SOURCE,
    VINTAGE,
    add_distances,
    aggregate_od,
    check_breakdowns,
    check_selection,
    collapse_paris,
    communes_at,
    relabel_paris,
    unit_table,
)
from smartidf_analysis.data import compute, db


def load_pairs(by: Iterable[str] = (), modes: Iterable[str] | None = None,
               csps: Iterable[int] | None = None, *, engine: str = "duckdb",
               npartitions: int = 8, path: str | Path | None = None) -> pd.DataFrame:
    """Workers per (home_code, work_code) [and per ``mode``/``csp`` when in ``by``].

    Paris as arrondissements; rows sorted by home_code, work_code[, mode, csp]. ``workers``
    [persons, survey-weighted] are fixed-point sums (see
    :func:`~smartidf_analysis.data.db.sum_sql`): the same bits for either engine, any DuckDB
    thread count and any ``npartitions``. ``engine="duckdb"`` runs the named query
    ``commuting_pairs``; ``engine="dask"`` uses
    :func:`~smartidf_analysis.data.db.read_dask_grouped` (each partition reduces in DuckDB,
    Dask combines the partial sums, on the scheduler :mod:`~smartidf_analysis.data.compute`
    picks; partitions are rowid ranges of the DuckDB file or the department files of the
    Parquet export, see :func:`~smartidf_analysis.data.db.source`).

    Parameters
    ----------
    by : iterable of str
        Breakdowns among ``"mode"`` and ``"csp"`` (a subset of
        :data:`~smartidf_analysis.commuting.matrices.BREAKDOWNS`).
    modes : iterable of str, optional
        INSEE transport-mode codes to keep (:data:`~smartidf_analysis.commuting.matrices.MODES`);
        default all.
    csps : iterable of int, optional
        Socio-professional groups 1–6 to keep (:data:`~smartidf_analysis.commuting.matrices.CSPS`);
        default all.
    engine : {"duckdb", "dask"}
        Where the group-by runs.
    npartitions : int, default 8
        Number of Dask partitions (``engine="dask"`` only).
    path : str or pathlib.Path, optional
        The DuckDB file; default ``SMARTIDF_DB``.

    Returns
    -------
    pandas.DataFrame
        ``home_code``, ``work_code``, [``mode``], [``csp``], ``workers`` [persons,
        survey-weighted].

    Raises
    ------
    EmptySelectionError
        If ``modes`` or ``csps`` is empty.
    ValueError
        For an unknown engine, breakdown, mode or CSP group.
    """
    by = check_breakdowns(by)
    mode_list, csp_list = check_selection(modes, csps)
    if engine == "duckdb":
        pairs = db.query("commuting_pairs", path=path, by_mode="mode" in by,
                         by_csp="csp" in by, modes=mode_list, csps=csp_list)
        pairs = pairs[["home_code", "work_code", *by, "workers"]]
    elif engine == "dask":
        grouped = db.read_dask_grouped(
            "commuting_flows", by=["home_code", "work_code", *by], sums=["workers"],
            filters=[("mode", "in", mode_list), ("csp", "in", csp_list)],
            npartitions=npartitions, path=path)
        pairs = compute.compute(grouped)[0].reset_index().sort_values(
            ["home_code", "work_code", *by], kind="mergesort")
    else:
        raise ValueError(f"unknown engine {engine!r}; use 'duckdb' or 'dask'")
    for col in ("home_code", "work_code", "mode"):  # same dtypes whatever the engine
        if col in pairs:
            pairs[col] = pairs[col].astype("str")
    if "csp" in pairs:
        pairs["csp"] = pairs["csp"].astype("int64")
    return pairs.reset_index(drop=True)


def load_communes(path: str | Path | None = None) -> pd.DataFrame:
    """Commune attributes for commuting (names, EPT/EPCI/department, L93 centroid, area).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The DuckDB file; default ``SMARTIDF_DB``.

    Returns
    -------
    pandas.DataFrame
        One row per commune (named query ``commuting_communes``): ``commune_code``,
        ``commune_name``, ``kind``, ``parent_code``, department, EPCI and EPT codes and
        names, ``population`` [inhabitants], ``area_km2`` [km²], ``centroid_x_l93``,
        ``centroid_y_l93`` [m, Lambert-93], ``centroid_lon``, ``centroid_lat`` [degrees].
    """
    return db.query("commuting_communes", path=path)


def load_build_issues(path: str | Path | None = None) -> pd.DataFrame:
    """The ``build_issues`` rows of the commuting file (codes kept without a current COG code).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The DuckDB file; default ``SMARTIDF_DB``.

    Returns
    -------
    pandas.DataFrame
        The rows of ``build_issues`` about the commuting file.
    """
    return db.query("commuting_build_issues", path=path)


def od_matrix(level: str = "commune", by: Iterable[str] = (), modes: Iterable[str] | None = None,
              csps: Iterable[int] | None = None, *, paris_as_one: bool = False,
              engine: str = "duckdb", path: str | Path | None = None) -> pd.DataFrame:
    """Origin–destination flows [workers] at ``level`` (commune | ept | epci | department),
    optionally by ``mode`` and/or ``csp`` (``by``), for the selected ``modes``/``csps``.

    Totals are identical at every level (see
    :func:`~smartidf_analysis.commuting.matrices.unit_table` for the EPT rules: Paris its own
    unit, communes outside the MGP grouped per department). ``paris_as_one`` matters at
    commune level only. ``engine``: "duckdb" or "dask" (see :func:`load_pairs`).

    Parameters
    ----------
    level : {"commune", "ept", "epci", "department"}
        The units of the matrix.
    by : iterable of str
        Breakdowns among ``"mode"`` and ``"csp"``.
    modes : iterable of str, optional
        INSEE transport-mode codes to keep; default all.
    csps : iterable of int, optional
        Socio-professional groups 1–6 to keep; default all.
    paris_as_one : bool, default False
        Paris as one commune (75056) instead of its 20 arrondissements (commune level only).
    engine : {"duckdb", "dask"}
        Where the group-by runs.
    path : str or pathlib.Path, optional
        The DuckDB file; default ``SMARTIDF_DB``.

    Returns
    -------
    pandas.DataFrame
        :func:`~smartidf_analysis.commuting.matrices.aggregate_od`'s columns (``home_code``,
        ``home_name``, ``work_code``, ``work_name``, [``mode``, ``mode_name``], [``csp``,
        ``csp_name``], ``workers`` [persons]); ``attrs``: ``level``, ``source``, ``vintage``.

    Raises
    ------
    ValueError
        For an unknown level, engine, breakdown, mode or CSP group.
    EmptySelectionError
        If ``modes`` or ``csps`` is empty.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; use one of {list(LEVELS)}")
    pairs = load_pairs(by, modes, csps, engine=engine, path=path)
    if level == "commune" and paris_as_one:
        pairs = relabel_paris(pairs)
    codes = set(pairs["home_code"].unique()) | set(pairs["work_code"].unique())
    units = unit_table(load_communes(path), level, codes)
    od = aggregate_od(pairs, units, by)
    od.attrs.update(level=level, source=SOURCE, vintage=VINTAGE)
    return od


def flows_with_distance(by: Iterable[str] = (), modes: Iterable[str] | None = None,
                        csps: Iterable[int] | None = None, *, paris_as_one: bool = False,
                        path: str | Path | None = None) -> pd.DataFrame:
    """Commune-to-commune flows with their crow-fly ``distance_km`` (the Telecentres input).

    Columns ``home_code, work_code, [mode], [csp], workers, distance_km``. Distances between
    Lambert-93 centroids [km]; inside a commune from its area (module docstring); ``NaN`` for
    the unmatched 2014 codes. With ``paris_as_one`` the arrondissements merge into 75056 and
    the distance is the workers-weighted mean over arrondissement pairs.

    Parameters
    ----------
    by : iterable of str
        Breakdowns among ``"mode"`` and ``"csp"``.
    modes : iterable of str, optional
        INSEE transport-mode codes to keep; default all.
    csps : iterable of int, optional
        Socio-professional groups 1–6 to keep; default all.
    paris_as_one : bool, default False
        Merge the arrondissements into 75056.
    path : str or pathlib.Path, optional
        The DuckDB file; default ``SMARTIDF_DB``.

    Returns
    -------
    pandas.DataFrame
        The columns above, ``workers`` [persons] and ``distance_km`` [km], sorted by
        ``home_code``, ``work_code`` and the breakdowns.
    """
    flows = add_distances(load_pairs(by, modes, csps, path=path), load_communes(path))
    if paris_as_one:
        flows = collapse_paris(flows)
    return flows.sort_values(["home_code", "work_code", *check_breakdowns(by)], ignore_index=True)


def indicators(modes: Iterable[str] | None = None, csps: Iterable[int] | None = None, *,
               paris_as_one: bool = False, engine: str = "duckdb",
               path: str | Path | None = None) -> pd.DataFrame:
    """All commune indicators
    (:func:`~smartidf_analysis.commuting.indicators.commune_indicators`) for the selected
    modes and CSP groups, Paris as arrondissements or as one commune, from the database.
    ``engine``: "duckdb" or "dask" (see :func:`load_pairs`).

    Parameters
    ----------
    modes : iterable of str, optional
        INSEE transport-mode codes to keep; default all.
    csps : iterable of int, optional
        Socio-professional groups 1–6 to keep; default all.
    paris_as_one : bool, default False
        Paris as one commune (75056) instead of its 20 arrondissements.
    engine : {"duckdb", "dask"}
        Where the group-by runs.
    path : str or pathlib.Path, optional
        The DuckDB file; default ``SMARTIDF_DB``.

    Returns
    -------
    pandas.DataFrame
        :func:`~smartidf_analysis.commuting.indicators.commune_indicators` with commune names
        and departments (counts [workers], shares [0–1], distances [km]); ``attrs``:
        ``source``, ``vintage``.
    """
    communes = load_communes(path)
    flows = add_distances(load_pairs(("mode",), modes, csps, engine=engine, path=path), communes)
    if paris_as_one:
        flows = relabel_paris(flows)
    table = commune_indicators(flows, communes_at(communes, paris_as_one))
    table.attrs.update(source=SOURCE, vintage=VINTAGE)
    return table


def communes_map(paris_as_one: bool, path: str | Path | None = None) -> pd.DataFrame:
    """Communes with their WGS84 outline (``geometry_wkb``) at one Paris resolution.

    Parameters
    ----------
    paris_as_one : bool
        Paris as one outline (75056) or as its 20 arrondissements.
    path : str or pathlib.Path, optional
        The DuckDB file; default ``SMARTIDF_DB``.

    Returns
    -------
    pandas.DataFrame
        One row per map unit (named query ``communes_map``): ``commune_code``,
        ``commune_name``, ``kind``, ``department_code``, ``population`` [inhabitants],
        ``area_km2`` [km²], ``density_per_km2`` [inhabitants/km²], ``centroid_lon``,
        ``centroid_lat`` [deg], ``geometry_wkb``.
    """
    return db.query("communes_map", path=path, paris_as_one=paris_as_one)


def provenance(tables: list[str], path: str | Path | None = None) -> pd.DataFrame:
    """Provenance rows (producer, title, vintage...) of the datasets behind ``tables``.

    Parameters
    ----------
    tables : list of str
        Table names of the database (e.g. ``["commuting_flows"]``).
    path : str or pathlib.Path, optional
        The DuckDB file; default ``SMARTIDF_DB``.

    Returns
    -------
    pandas.DataFrame
        One row per dataset (named query ``provenance_for_tables``).
    """
    return db.query("provenance_for_tables", path=path, tables=tables)
