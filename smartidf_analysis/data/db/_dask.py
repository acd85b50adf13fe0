"""Dask reads: partitions over ``rowid`` ranges of the file, or over groups of the
export's department files, each read by DuckDB where it runs."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from smartidf_analysis.data import parquet
from smartidf_analysis.data.db._connection import _open, _quote, source
from smartidf_analysis.data.db._whitelist import _is_float, _select_list, _where
from smartidf_analysis.data.schema import SUM_SCALE


def _read_range(db: str, sql: str, values: list[Any], start: int, stop: int) -> pd.DataFrame:
    con = _open(db)
    try:
        return con.execute(sql, [*values, start, stop]).df()
    finally:
        con.close()


def _row_ranges(db: str, table: str, npartitions: int) -> list[tuple[int, int]]:
    con = _open(db)
    try:
        lo, hi = con.execute(f"SELECT min(rowid), max(rowid) FROM {table}").fetchall()[0]
    finally:
        con.close()
    if lo is None:
        return [(0, 0)]
    step = max(1, -(-(hi + 1 - lo) // max(1, npartitions)))
    return [(s, min(s + step, hi + 1)) for s in range(lo, hi + 1, step)]


_scratch = threading.local()


def _scratch_connection(url: str) -> duckdb.DuckDBPyConnection:
    """This thread's in-memory connection for reading export files (a new DuckDB instance
    costs 30-90 ms: one per thread, not one per partition), with the export's fsspec
    filesystem registered when it is not local."""
    con = getattr(_scratch, "con", None)
    if con is None:
        con = _scratch.con = _open(":memory:", read_only=False)
        _scratch.protocols = set()
    fs, _root = parquet.filesystem(url)
    if not parquet.is_local(fs) and url.split("://")[0] not in _scratch.protocols:
        con.register_filesystem(fs)
        _scratch.protocols.add(url.split("://")[0])
    return con


def _read_file(url: str, table: str, files: list[str], sql: str, values: list[Any]) -> pd.DataFrame:
    """One partition of an export: ``sql`` run by DuckDB on some Parquet files of ``table``
    (runs on a worker: it needs only the export, opened through fsspec)."""
    con = _scratch_connection(url)
    text = (f"WITH {table} AS (SELECT * FROM read_parquet([{', '.join(map(_quote, files))}])) "
            f"{sql}")
    return con.execute(text, values).df()


def _file_groups(manifest: dict, url: str, table: str, npartitions: int) -> list[list[str]]:
    """The table's department files in at most ``npartitions`` groups of similar rows
    (largest first into the lightest group), each group in file order."""
    files = parquet.table_files(url, manifest, table)
    rows = [f["rows"] for f in manifest["tables"][table]["files"]]
    groups: list[list[int]] = [[] for _ in range(max(1, min(npartitions, len(files))))]
    load = [0] * len(groups)
    for k in sorted(range(len(files)), key=lambda k: (-rows[k], k)):
        lightest = load.index(min(load))
        groups[lightest].append(k)
        load[lightest] += rows[k]
    return [[files[k] for k in sorted(g)] for g in groups if g]


def _dask_partials(table: str, sql: str, values: list[Any], npartitions: int,
                   path: str | Path | None, label: str, meta_types: Mapping[str, str] | None = None):
    """A dask DataFrame of ``sql`` (a SELECT on ``table`` whose WHERE ends with ``{range}``)
    run on each of ``npartitions`` partitions: ``rowid`` ranges of the DuckDB file, or groups
    of the export's department files when that is the source (:func:`source`)."""
    import dask.dataframe as dd

    kind, where = source(path)
    if kind == "parquet":
        files = _file_groups(parquet.read_manifest(where), where, table, npartitions)
        text = sql.format(range="")
        meta = _read_file(where, table, files[0], f"SELECT * FROM ({text}) LIMIT 0", values)
        meta = meta.astype(dict(meta_types or {}))
        return meta, dd.from_map(_read_file, [where] * len(files), [table] * len(files), files,
                                 [text] * len(files), [values] * len(files), meta=meta,
                                 enforce_metadata=False, label=label)
    text = sql.format(range="AND rowid >= ? AND rowid < ?")
    meta = _read_range(where, text, values, 0, 0).astype(dict(meta_types or {}))
    ranges = _row_ranges(where, table, npartitions)
    return meta, dd.from_map(_read_range, [where] * len(ranges), [text] * len(ranges),
                             [values] * len(ranges), [r[0] for r in ranges],
                             [r[1] for r in ranges], meta=meta, enforce_metadata=False,
                             label=label)


def read_dask(table: str, columns: Sequence[str] | None = None,
              filters: Iterable[tuple[str, str, Any]] | None = None,
              npartitions: int = 8, path: str | Path | None = None):
    """A dask DataFrame over ``table`` in ``npartitions`` partitions: ``rowid`` ranges of the
    DuckDB file, or groups of department files of the Parquet export when it is the source
    (``SMARTIDF_PARQUET``, see :func:`source`), each read by DuckDB in the partition.

    Moves raw rows into Dask: use it for Python/NumPy work. For group-by sums prefer
    :func:`read_dask_grouped`, which reduces inside DuckDB first.

    Parameters
    ----------
    table : str
        A canonical or extra table.
    columns : sequence of str, optional
        Columns to read; default all.
    filters : iterable of (str, str, object), optional
        ``(column, op, value)`` triples, as for :func:`read_table`.
    npartitions : int, default 8
        Number of partitions (at most the number of department files for an export).
    path : str or pathlib.Path, optional
        A DuckDB file or a Parquet export; default the configured source.

    Returns
    -------
    dask.dataframe.DataFrame
        The rows, lazily.

    Raises
    ------
    ValueError
        For an unknown table, column or operator.
    """
    where, values = _where(table, filters)
    sql = f"SELECT {_select_list(table, columns)} FROM {table} WHERE {where} {{range}}"
    return _dask_partials(table, sql, values, npartitions, path, f"read-{table}")[1]


def read_dask_grouped(table: str, by: Sequence[str], sums: Sequence[str],
                      filters: Iterable[tuple[str, str, Any]] | None = None,
                      npartitions: int = 8, path: str | Path | None = None):
    """Push-down group-by: each partition (as in :func:`read_dask`) runs
    ``SELECT by, SUM(sums) … GROUP BY by`` in DuckDB; the returned dask DataFrame combines
    the partial sums.

    Floating-point columns are summed in fixed point, as in :func:`aggregate`: partitions
    return int64 multiples of ``10**-SUM_SCALE`` (a group's sum must stay below 9.2e9
    units: int64), Dask adds them exactly, and the result is divided back,
    so it equals :func:`aggregate`'s bit for bit whatever the partitions, threads and source.

    Returns a dask DataFrame indexed by ``by`` with one float64 column per summed column;
    compute it with :func:`smartidf_analysis.data.compute.compute`.

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
    npartitions : int, default 8
        Number of partitions.
    path : str or pathlib.Path, optional
        A DuckDB file or a Parquet export; default the configured source.

    Returns
    -------
    dask.dataframe.DataFrame
        See above.

    Raises
    ------
    ValueError
        For an unknown table, column or operator.
    """
    by_sql = _select_list(table, by)
    _select_list(table, sums)
    where, values = _where(table, filters)
    floats = [c for c in sums if _is_float(table, c)]
    agg = ", ".join(
        f'CAST(sum(CAST("{c}" AS DECIMAL(38, {SUM_SCALE}))) * {10 ** SUM_SCALE} AS BIGINT) AS "{c}"'
        if c in floats else f'sum("{c}") AS "{c}"' for c in sums)
    sql = f"SELECT {by_sql}, {agg} FROM {table} WHERE {where} {{range}} GROUP BY {by_sql}"
    types = {c: "int64" if c in floats else "float64" for c in sums}
    partials = _dask_partials(table, sql, values, npartitions, path, f"grouped-{table}", types)[1]
    grouped = partials.groupby(list(by)).sum(split_out=1)
    return grouped.assign(**{c: grouped[c] / 10 ** SUM_SCALE for c in floats})
