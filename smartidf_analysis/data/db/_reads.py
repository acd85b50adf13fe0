"""Reads into pandas and Arrow: whole or filtered tables, group-by sums, the tables
of the file and their department partitions."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from smartidf_analysis.data import parquet
from smartidf_analysis.data.db._connection import _db_file, _open
from smartidf_analysis.data.db._queries import query
from smartidf_analysis.data.db._sessions import cursor
from smartidf_analysis.data.db._whitelist import (
    EXTRA_TABLES,
    _columns_of,
    _is_float,
    _select_list,
    _where,
    sum_sql,
)
from smartidf_analysis.data.schema import TABLES


def read_table(table: str, columns: Sequence[str] | None = None,
               filters: Iterable[tuple[str, str, Any]] | None = None,
               path: str | Path | None = None) -> pd.DataFrame:
    """A whole canonical table (or a filtered, column-selected part of it) as pandas.

    Parameters
    ----------
    table : str
        A canonical table (:data:`~smartidf_analysis.data.schema.TABLES`) or one of
        :data:`EXTRA_TABLES`.
    columns : sequence of str, optional
        Columns to read; default all, in schema order.
    filters : iterable of (str, str, object), optional
        ``(column, op, value)`` triples, ANDed; ``op`` among ``==``, ``=``, ``!=``, ``<``,
        ``<=``, ``>``, ``>=``, ``in``, ``not in``.
    path : str or pathlib.Path, optional
        A DuckDB file or a Parquet export; default the configured source.

    Returns
    -------
    pandas.DataFrame
        The rows, with the table's units (see :mod:`smartidf_analysis.data.schema`).

    Raises
    ------
    ValueError
        For an unknown table, column or operator.
    DatabaseMissingError
        When the source is a DuckDB file that does not exist.
    """
    where, values = _where(table, filters)
    sql = f"SELECT {_select_list(table, columns)} FROM {table} WHERE {where}"
    with cursor(path) as cur:
        return cur.execute(sql, values).df()


def aggregate(table: str, by: Sequence[str], sums: Sequence[str],
              filters: Iterable[tuple[str, str, Any]] | None = None,
              path: str | Path | None = None, order: bool = True) -> pd.DataFrame:
    """``SELECT by, SUM(sums) FROM table WHERE filters GROUP BY by`` run inside DuckDB.

    Identifiers come from the schema whitelist, values are bound. This is the project's
    aggregation engine on one machine (see DESIGN.md: DuckDB does SQL-shaped work). Sums of
    floating-point columns are fixed-point (:func:`sum_sql`): the same bits on any thread
    count. With ``order`` (default) rows are sorted by ``by``.

    Parameters
    ----------
    table : str
        A canonical or extra table.
    by : sequence of str
        Grouping columns.
    sums : sequence of str
        Columns summed.
    filters : iterable of (str, str, object), optional
        ``(column, op, value)`` triples, as for :func:`read_table`.
    path : str or pathlib.Path, optional
        A DuckDB file or a Parquet export; default the configured source.
    order : bool, default True
        Sort by ``by``.

    Returns
    -------
    pandas.DataFrame
        ``by`` then ``sums`` columns (float sums as DOUBLE), one row per group, in the units of
        the summed columns.

    Raises
    ------
    ValueError
        For an unknown table, column or operator.
    """
    by_sql = _select_list(table, by)
    _select_list(table, sums)
    where, values = _where(table, filters)
    agg = ", ".join(f'{sum_sql(c, is_float=_is_float(table, c))} AS "{c}"' for c in sums)
    sql = f"SELECT {by_sql}, {agg} FROM {table} WHERE {where} GROUP BY {by_sql}"
    if order:
        sql += f" ORDER BY {by_sql}"
    with cursor(path) as cur:
        return cur.execute(sql, values).df()


def table_exists(table: str, path: str | Path | None = None) -> bool:
    """True when the database holds ``table`` (named query ``table_exists``).

    Parameters
    ----------
    table : str
        A table name (bound as a parameter).
    path : str or pathlib.Path, optional
        A DuckDB file or a Parquet export; default the configured source.

    Returns
    -------
    bool
        Whether the table exists.
    """
    return bool(query("table_exists", path=path, table_name=table)["present"].iloc[0])


def export_tables(path: str | Path | None = None) -> list[str]:
    """The tables of the DuckDB file that ``smartidf data export`` writes: the canonical
    tables, the provenance and issue tables, and ``build_info``.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The database file; default :func:`~smartidf_analysis.config.db_path`.

    Returns
    -------
    list of str
        The table names present, in that order.

    Raises
    ------
    DatabaseMissingError
        If the file does not exist.
    """
    con = _open(_db_file(path))
    try:
        names = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables")
                 .fetchall()}
    finally:
        con.close()
    return [t for t in [*TABLES, *EXTRA_TABLES, "build_info"] if t in names]


def table_partitions(table: str, path: str | Path | None = None):
    """``(partition column or None, iterator of (department or None, pyarrow.Table))`` of a
    table of the DuckDB file, one department at a time (the column in
    :data:`~smartidf_analysis.data.parquet.PARTITION_COLUMNS`, the department of a commune
    code being its first 2 characters, 3 for 97x), rows in ``rowid`` order.

    Parameters
    ----------
    table : str
        A canonical or extra table, or ``build_info``.
    path : str or pathlib.Path, optional
        The database file; default :func:`~smartidf_analysis.config.db_path`.

    Returns
    -------
    column : str or None
        The partition column, None for a table written as one file.
    parts : iterator of (str or None, pyarrow.Table)
        The department (``"none"`` for rows without a code) and its rows; read lazily.

    Raises
    ------
    DatabaseMissingError
        If the file does not exist.
    """
    db = _db_file(path)
    columns = ["key", "value"] if table == "build_info" else _columns_of(table)
    by = next((c for c in parquet.PARTITION_COLUMNS if c in columns), None)
    dep = (None if by is None else f'coalesce(CASE WHEN "{by}" LIKE \'97%\' THEN left("{by}", 3) '
           f'ELSE left("{by}", 2) END, \'none\')')

    def parts():
        con = _open(db)
        try:
            if dep is None:
                yield None, con.sql(f"SELECT * FROM {table} ORDER BY rowid").to_arrow_table()
                return
            reader = con.sql(f"SELECT {dep} AS _department, * FROM {table} ORDER BY 1, rowid"
                             ).to_arrow_reader(1_000_000)
            current, pieces = None, []
            for batch in reader:  # sorted by department: cut each batch where it changes
                deps = batch.column(0).to_numpy(zero_copy_only=False)
                cuts = [0, *(np.flatnonzero(deps[1:] != deps[:-1]) + 1), len(deps)]
                for lo, hi in itertools.pairwise(cuts):
                    if deps[lo] != current and pieces:
                        yield current, pa.Table.from_batches(pieces).drop_columns(["_department"])
                        pieces = []
                    current = deps[lo]
                    pieces.append(batch.slice(lo, hi - lo))
            if pieces:
                yield current, pa.Table.from_batches(pieces).drop_columns(["_department"])
            elif current is None:  # an empty table still gets one file, for its schema
                yield None, con.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table()
        finally:
            con.close()

    return by, parts()
