"""The only module that imports duckdb: connections, named SQL, Dask reads, writes.

Over 400 lines: the only importer of duckdb, and its table and column whitelists serve every
kind of access below (the DuckDB file and the Parquet export alike); split, each part would
reach into the others' privates.

* :func:`connect` opens the database (read-only by default). Served dashboards read
  through :func:`cursor` (a context manager): a cursor of its own for each read, on one
  shared read-only connection per **build** of the file (:mod:`smartidf_analysis.data.builds`
  counts the cursors and pinned sessions of each build; an older build's connection is
  closed when its last user is done, never under a reader). A session pins the build it
  opened on (:func:`pin`, :func:`using`): its reads and cache keys stay on that build until
  it ends, while sessions opened after a rebuild read the new one.
* :func:`query` runs a named SQL file from ``sql/`` with **bound parameters only**; the
  name is checked against the files that exist, so no widget value ever becomes SQL text.
* :func:`read_dask` builds a dask DataFrame with ``dd.from_map`` over ``rowid`` ranges of a
  table; :func:`read_dask_grouped` pushes each partition's GROUP BY down into DuckDB and
  lets Dask combine partial sums (measured here: 2.7 s vs 8.3 s for raw rows on 20 M rows).
  Partitions open their own read-only connection from the file path, so they run
  unchanged on ``dask.distributed`` worker processes that see the same file.
* The **Parquet export** (``smartidf data export``, ``SMARTIDF_PARQUET``; layout in
  :mod:`smartidf_analysis.data.parquet`) is the other source (:func:`source`): the shared
  cursor is then an in-memory connection whose views read the export's files, and Dask
  partitions are groups of department files read by DuckDB on the worker through fsspec,
  so remote workers need the export only, never the DuckDB file.
* Sums of DOUBLE columns are **fixed-point** (:func:`sum_sql`): each value is rounded to
  ``10**-SUM_SCALE`` of its unit and added exactly as a DECIMAL, so a sum does not depend on
  the order in which DuckDB's parallel aggregation (threads, row groups) or Dask partitions
  add the rows: two runs, on 1 thread or 2, give the same bits, and equal flows stay equal.
* :func:`write_database` writes a new database file (used by the atomic build);
  :func:`append_rows_atomic` adds imported rows (``existing_sites``) to a copy of the file
  and renames it over the original, so a failed import leaves the database untouched;
  :func:`write_import` replaces one import's rows in a copy of the database, then renames
  the copy into place (``smartidf data import-buildings``).
* Writers (the build, every import) hold :func:`write_lock`, a file lock beside the
  database, from what they read of the old file to the rename of the new one: two imports
  started together both land, one after the other.
* Every connection is opened by ``_open``, which applies ``SMARTIDF_DUCKDB_THREADS``.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import logging
import os
import re
import shutil
import threading
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import filelock
import numpy as np
import pandas as pd
import pyarrow as pa

from smartidf_analysis import config
from smartidf_analysis.data import parquet
from smartidf_analysis.data.builds import Build, BuildClosedError, Builds
from smartidf_analysis.data.schema import (
    BUILD_ISSUES_COLUMNS,
    EXISTING_SITES_COLUMNS,
    IMPORTED_ROOFS_COLUMNS,
    MISSING_DATASETS_COLUMNS,
    PROVENANCE_COLUMNS,
    SUM_SCALE,
    TABLES,
)
from smartidf_analysis.errors import MissingDataError, SmartidfError

log = logging.getLogger("smartidf.data.db")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
EXTRA_TABLES = {"provenance": PROVENANCE_COLUMNS, "build_issues": BUILD_ISSUES_COLUMNS,
                "missing_datasets": MISSING_DATASETS_COLUMNS,
                "existing_sites": EXISTING_SITES_COLUMNS, "imported_roofs": IMPORTED_ROOFS_COLUMNS}
#: tables filled by imports (not by the build): :func:`append_rows_atomic` may write them
IMPORT_TABLES = ("existing_sites",)
_FILTER_OPS = {"==": "=", "=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">=",
               "in": "IN", "not in": "NOT IN"}


class DatabaseMissingError(SmartidfError):
    """The database file does not exist yet."""


class ImportedRowsError(SmartidfError):
    """The imported rows of a database could not be read (so a rebuild would lose them)."""


def _db_file(path: str | Path | None) -> Path:
    db = Path(path) if path is not None else config.db_path()
    if not db.exists():
        raise DatabaseMissingError(
            f"no database at {db}: run `smartidf data build` (or `make data`) first"
        )
    return db


def _open(path: str | Path, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Every connection of the project: the file at ``path``, limited to
    ``SMARTIDF_DUCKDB_THREADS`` threads when that is set (:func:`config.duckdb_threads`)."""
    con = duckdb.connect(str(path), read_only=read_only)
    threads = config.duckdb_threads()
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    return con


def source(path: str | Path | None = None) -> tuple[str, str]:
    """Where the tables are read from: ``("parquet", location)`` for a Parquet export
    (``path`` an fsspec URL or a folder holding ``provenance.json``; by default
    ``SMARTIDF_PARQUET`` when set), else ``("duckdb", file)`` (by default ``SMARTIDF_DB``).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A DuckDB file, an export folder or an fsspec URL.

    Returns
    -------
    kind : {"duckdb", "parquet"}
        The kind of source.
    location : str
        The resolved file, or the export's location.

    Raises
    ------
    DatabaseMissingError
        When the source is a DuckDB file that does not exist.
    """
    if path is None:
        export = config.parquet_export()
        if export is not None:
            return "parquet", export
        return "duckdb", str(_db_file(None).resolve())
    text = str(path)
    if "://" in text or (Path(text) / parquet.MANIFEST).exists():
        return "parquet", text
    return "duckdb", str(_db_file(path).resolve())


def source_key(path: str | Path | None = None) -> tuple[str, str]:
    """(location, version) of the source: the part of every cache key that follows a
    rebuild or a new export (file modification time, or the export's stamp).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        As for :func:`source`.

    Returns
    -------
    location : str
        As :func:`source` gives it.
    version : str
        :func:`build_fingerprint` of the file, or the export's ``exported_at`` stamp.

    Raises
    ------
    DatabaseMissingError
        When the source is a DuckDB file that does not exist.
    """
    kind, where = source(path)
    if kind == "parquet":
        return where, parquet.read_manifest(where)["exported_at"]
    return where, build_fingerprint(where)


def _quote(text: str) -> str:
    """A SQL string literal (for file paths that come from the export's manifest)."""
    return "'" + text.replace("'", "''") + "'"


def _open_export(url: str) -> duckdb.DuckDBPyConnection:
    """An in-memory connection whose views are the export's tables over its Parquet files
    (object storage through the fsspec filesystem registered with DuckDB)."""
    manifest = parquet.read_manifest(url)
    con = _open(":memory:", read_only=False)
    fs, _root = parquet.filesystem(url)
    if not parquet.is_local(fs):
        con.register_filesystem(fs)
    for table in manifest["tables"]:
        if _NAME.match(table):
            files = ", ".join(_quote(f) for f in parquet.table_files(url, manifest, table))
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet([{files}])")
    return con


def connect(path: str | Path | None = None, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    """Open the DuckDB database (read-only unless asked); raises if the file is missing.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The database file; default :func:`~smartidf_analysis.config.db_path`.
    read_only : bool, default True
        Open read-only.

    Returns
    -------
    duckdb.DuckDBPyConnection
        A new connection (the caller closes it).

    Raises
    ------
    DatabaseMissingError
        If the file does not exist.
    """
    return _open(_db_file(path), read_only=read_only)


def _file_fingerprint(path: str | Path | None) -> str:
    db = _db_file(path).resolve()
    stat = db.stat()
    return f"{db}:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"


def build_fingerprint(path: str | Path | None = None) -> str:
    """What identifies one build of the database file at ``path`` (default: the configured
    one): its resolved path, inode, size and modification time [ns]. A build or an import
    writes a new file and renames it over the old one, so every build has its own
    fingerprint; caches of served data are keyed on it, and so are the shared connections
    of :func:`cursor`. Inside :func:`using` (a session pinned to its build) it is the pinned
    build's fingerprint, so that keys and reads agree.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The database file; default :func:`~smartidf_analysis.config.db_path`.

    Returns
    -------
    str
        ``"<path>:<inode>:<size>:<mtime_ns>"``.

    Raises
    ------
    DatabaseMissingError
        If the file does not exist (outside a pinned session).
    """
    pinned = _PINNED.get()
    if pinned is not None and not pinned.closed and (
            path is None or str(Path(path).resolve()) == pinned.location):
        return pinned.fingerprint
    return _file_fingerprint(path)


_catalogs = itertools.count()


def _open_build(location: str) -> tuple[str, duckdb.DuckDBPyConnection, str]:
    """``(fingerprint, connection, catalog)`` of the build at ``location`` now.

    A DuckDB file is ATTACHed read-only to an in-memory instance of its own: DuckDB keeps
    one instance per file path in a process, so ``duckdb.connect(path)`` while an older
    build's connection is open would return the OLD file's data (measured: DuckDB 2.0.1).
    The fingerprint is read before and after the ATTACH: equal, the attached file is that
    build (else a rename came in between: again)."""
    kind, where = source(location)
    if kind == "parquet":  # one connection per export location (its manifest is read once)
        return f"parquet:{where}", _open_export(where), "memory"
    for _ in range(5):
        before = _file_fingerprint(where)
        catalog = f"build_{next(_catalogs)}"
        con = _open(":memory:", read_only=False)
        try:
            con.execute(f"ATTACH {_quote(where)} AS {catalog} (READ_ONLY)")
            con.execute(f"USE {catalog}")
        except BaseException:
            con.close()
            raise
        if _file_fingerprint(where) == before:
            return before, con, catalog
        con.close()
    raise SmartidfError(f"{where}: the database kept changing while it was being opened")


_BUILDS = Builds(_open_build)
_PINNED: contextvars.ContextVar[Build | None] = contextvars.ContextVar("smartidf_build",
                                                                      default=None)


def _enter(path: str | Path | None) -> Build:
    """A new user of the build to read: the pinned one (:func:`using`) when it is of this
    source, else the current build of the file."""
    kind, where = source(path)
    pinned = _PINNED.get()
    if pinned is not None and pinned.location == where:
        try:
            return _BUILDS.add_user(pinned)
        except BuildClosedError:  # its session ended while a worker thread still ran
            pass
    fingerprint = _file_fingerprint(where) if kind == "duckdb" else f"{kind}:{where}"
    return _BUILDS.acquire(where, fingerprint)


_local = threading.local()


def _thread_cursor(build: Build) -> duckdb.DuckDBPyConnection:
    """This thread's cursor on ``build``'s connection, made once (a new cursor and its ``USE``
    cost about 0.5 ms a query); those of closed builds are dropped."""
    cursors = getattr(_local, "cursors", None)
    if cursors is None:
        cursors = _local.cursors = {}
    cur = cursors.get(build)
    if cur is None:
        for old in [b for b in cursors if b.closed]:
            del cursors[old]
        cur = build.connection.cursor()
        cur.execute(f"USE {build.catalog}")
        cursors[build] = cur
    return cur


@contextlib.contextmanager
def cursor(path: str | Path | None = None):
    """A read-only cursor of the calling thread (``with db.cursor() as cur:``) on the shared
    connection of the build being read: the pinned build (:func:`using`), else the current
    build of the DuckDB file (a rebuilt file gets a new connection, never the old one's
    data), or views over the Parquet export when that is the source (:func:`source`). The
    build is counted as used until the block ends; an older build's connection is closed
    after its last use (its idle cursors with it).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A DuckDB file or a Parquet export (see :func:`source`); default the configured source.

    Yields
    ------
    duckdb.DuckDBPyConnection
        The thread's cursor (do not close it).

    Raises
    ------
    DatabaseMissingError
        When the source is a DuckDB file that does not exist.
    """
    build = _enter(path)
    try:
        yield _thread_cursor(build)
    finally:
        _BUILDS.release(build)


def pin(path: str | Path | None = None) -> Build:
    """The build being served now, held open until :func:`unpin` (a served session pins the
    build it opened on, reads it inside :func:`using`, and unpins it when it ends).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The source (see :func:`source`); default the configured one.

    Returns
    -------
    smartidf_analysis.data.builds.Build
        The pinned build.
    """
    return _enter(path)


def unpin(build: Build) -> None:
    """Let a pinned build go; its connection is closed when it was the last user of an
    older build.

    Parameters
    ----------
    build : smartidf_analysis.data.builds.Build
        A build returned by :func:`pin`.
    """
    _BUILDS.release(build)


@contextlib.contextmanager
def using(build: Build | None):
    """Inside the block (and the worker threads it starts through ``asyncio.to_thread``),
    reads and :func:`build_fingerprint` of that source use ``build`` (``None``: no pin).

    Parameters
    ----------
    build : smartidf_analysis.data.builds.Build or None
        A build returned by :func:`pin`, or None.

    Yields
    ------
    smartidf_analysis.data.builds.Build or None
        ``build``.
    """
    if build is None:
        yield None
        return
    token = _PINNED.set(build)
    try:
        yield build
    finally:
        _PINNED.reset(token)


@contextlib.contextmanager
def pinned(path: str | Path | None = None):
    """:func:`using` the build being read now (the one already pinned in this context, else
    the current build, pinned for the block): a cache filled inside the block is keyed on
    the build it read (:func:`build_fingerprint`), even when a rebuild lands meanwhile.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The source (see :func:`source`); default the configured one.

    Yields
    ------
    smartidf_analysis.data.builds.Build
        The build read inside the block.
    """
    current = _PINNED.get()
    if current is not None and not current.closed and current.location == source(path)[1]:
        yield current
        return
    build = pin(path)
    try:
        with using(build):
            yield build
    finally:
        unpin(build)


def open_builds() -> list[Build]:
    """The builds whose shared connection is open in this process (the current one and the
    older ones still used).

    Returns
    -------
    list of smartidf_analysis.data.builds.Build
        The open builds.
    """
    return _BUILDS.open_builds()


def close_shared() -> None:
    """Close the shared connections nobody uses now (tests; a rebuild needs nothing: it is
    a new build); those in use are closed when their last cursor or session is done."""
    _BUILDS.close_unused()
    _local.__dict__.clear()


_LOCKS: dict[str, filelock.FileLock] = {}
_LOCKS_LOCK = threading.Lock()


def lock_path(path: str | Path | None = None) -> Path:
    """The lock file of the database at ``path``: ``<database>.lock`` beside it.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The database file; default :func:`~smartidf_analysis.config.db_path`.

    Returns
    -------
    pathlib.Path
        The lock file's path.
    """
    db = Path(path) if path is not None else config.db_path()
    return db.with_name(db.name + ".lock")


@contextlib.contextmanager
def write_lock(path: str | Path | None = None):
    """Hold the database's write lock (:func:`lock_path`, ``filelock``) for the block: every
    writer (the build, the imports) reads the old file and renames its new one inside it,
    so a second writer waits and then starts from the first one's file. Re-entrant in a
    thread; another process or thread waits (said once in the log).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The database file; default :func:`~smartidf_analysis.config.db_path`.

    Yields
    ------
    None
        While the lock is held.
    """
    where = lock_path(path)
    where.parent.mkdir(parents=True, exist_ok=True)
    with _LOCKS_LOCK:
        lock = _LOCKS.setdefault(str(where.resolve()), filelock.FileLock(str(where.resolve())))
    try:
        lock.acquire(timeout=0)
    except filelock.Timeout:
        log.warning("%s: another build or import is writing the database; waiting for it",
                    where)
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


# ----------------------------------------------------------------------------- named SQL
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
    """
    with cursor(path) as cur:
        return _run_named(cur, name, params)


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


# ------------------------------------------------------------------------ whitelisted reads
def _columns_of(table: str) -> list[str]:
    if table in TABLES:
        return list(TABLES[table].columns)
    if table in EXTRA_TABLES:
        return list(EXTRA_TABLES[table])
    known = ", ".join(sorted(TABLES) + sorted(EXTRA_TABLES))
    raise ValueError(f"unknown table {table!r}; known: {known}")


_FLOAT_TYPES = {"DOUBLE", "FLOAT", "REAL"}


def _is_float(table: str, column: str) -> bool:
    types = TABLES[table].columns if table in TABLES else EXTRA_TABLES[table]
    return types[column].upper() in _FLOAT_TYPES


def sum_sql(column: str, *, is_float: bool = True) -> str:
    """SQL of an order-independent ``SUM("column")``: for a floating-point column, every
    value is cast to ``DECIMAL(38, SUM_SCALE)`` (rounded to 1e-9 of its unit), summed exactly
    in 128-bit integers and cast back to DOUBLE, so the result is the same whatever the order
    DuckDB adds the rows in (thread count, row groups). Integer sums are exact already.

    Parameters
    ----------
    column : str
        A whitelisted column name.
    is_float : bool, default True
        Whether the column is floating-point.

    Returns
    -------
    str
        The SQL expression.
    """
    if not is_float:
        return f'sum("{column}")'
    return f'CAST(sum(CAST("{column}" AS DECIMAL(38, {SUM_SCALE}))) AS DOUBLE)'


def _select_list(table: str, columns: Sequence[str] | None) -> str:
    known = _columns_of(table)
    cols = list(columns) if columns else known
    bad = [c for c in cols if c not in known]
    if bad:
        raise ValueError(f"unknown column(s) {bad} for table {table!r}; known: {known}")
    return ", ".join(f'"{c}"' for c in cols)


def _where(table: str, filters: Iterable[tuple[str, str, Any]] | None) -> tuple[str, list[Any]]:
    """WHERE clause from (column, op, value) triples: whitelisted columns/ops, bound values."""
    clauses, values = [], []
    known = _columns_of(table)
    for column, op, value in filters or ():
        if column not in known:
            raise ValueError(f"unknown filter column {column!r} for table {table!r}")
        sql_op = _FILTER_OPS.get(op.lower())
        if sql_op is None:
            raise ValueError(f"unsupported operator {op!r}; use one of {sorted(_FILTER_OPS)}")
        if sql_op in ("IN", "NOT IN"):
            items = list(value)
            if not items:
                clauses.append("FALSE" if sql_op == "IN" else "TRUE")
                continue
            clauses.append(f'"{column}" {sql_op} ({", ".join("?" * len(items))})')
            values.extend(items)
        else:
            clauses.append(f'"{column}" {sql_op} ?')
            values.append(value)
    return (" AND ".join(clauses) or "TRUE"), values


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


# ------------------------------------------------------------------------------ Dask reads
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


# ----------------------------------------------------------------------------------- writes
def write_database(path: str | Path, tables: Mapping[str, pd.DataFrame],
                   metadata: Mapping[str, str] | None = None) -> None:
    """Write ``tables`` into a NEW DuckDB file at ``path`` (which must not exist), casting
    every column to its canonical type, plus a ``build_info`` key/value table.

    Parameters
    ----------
    path : str or pathlib.Path
        The new file.
    tables : mapping of str to pandas.DataFrame
        Table name (canonical or extra) -> rows, with at least the table's columns.
    metadata : mapping of str to str, optional
        The ``build_info`` rows (values stored as text).

    Raises
    ------
    FileExistsError
        If ``path`` exists.
    ValueError
        For an unknown table.
    """
    path = Path(path)
    if path.exists():
        raise FileExistsError(path)
    con = _open(path, read_only=False)
    try:
        for name, frame in tables.items():
            _create_as(con, name, frame)
        con.execute("CREATE TABLE build_info (key VARCHAR PRIMARY KEY, value VARCHAR)")
        for key, value in (metadata or {}).items():
            con.execute("INSERT INTO build_info VALUES (?, ?)", [key, str(value)])
        con.execute("CHECKPOINT")
    finally:
        con.close()


@contextlib.contextmanager
def _atomic_copy(path: str | Path):
    """A read-write connection to a copy of the database at ``path`` (beside it); on a clean
    exit the copy is checkpointed and renamed over the original, so readers see the old or
    the new file; on any error the copy is deleted and the original is untouched. The copy
    is made under the database's :func:`write_lock`, so a concurrent import's rows are in
    it. Readers of the old build keep it until they are done (:func:`cursor`)."""
    path = _db_file(path)
    tmp = path.with_name(f".{path.name}.import-{os.getpid()}-{threading.get_ident()}")
    with write_lock(path):
        tmp.unlink(missing_ok=True)
        try:
            shutil.copy2(path, tmp)
            con = _open(tmp, read_only=False)
            try:
                yield con
                con.execute("CHECKPOINT")
            finally:
                con.close()
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)


def write_import(path: str | Path, table: str, key_column: str, key: str, frame: pd.DataFrame,
                 provenance_row: Mapping[str, Any]) -> None:
    """Atomically (``_atomic_copy``) replace the rows of ``table`` whose ``key_column`` is
    ``key`` by ``frame`` (creating the table with its :data:`EXTRA_TABLES` types), and the
    ``provenance`` row of ``key``.

    Parameters
    ----------
    path : str or pathlib.Path
        The database file.
    table : str
        One of :data:`EXTRA_TABLES`.
    key_column : str
        The column that identifies the import's rows.
    key : str
        The import's key (also its ``provenance`` ``dataset_id``).
    frame : pandas.DataFrame
        The new rows, with the table's columns.
    provenance_row : mapping of str to object
        The import's provenance (every column of the ``provenance`` table).

    Raises
    ------
    ValueError
        If ``key_column`` is not a column of ``table``.
    DatabaseMissingError
        If the database file does not exist.
    """
    import pyarrow as pa

    types = EXTRA_TABLES[table]
    if key_column not in types:
        raise ValueError(f"{key_column!r} is not a column of {table!r}")
    with _atomic_copy(path) as con:
        cols = ", ".join(f'"{c}" {t}' for c, t in types.items())
        con.execute(f"CREATE TABLE IF NOT EXISTS {table} ({cols})")
        con.execute(f'DELETE FROM {table} WHERE "{key_column}" = ?', [key])
        casts = ", ".join(f'CAST("{c}" AS {t})' for c, t in types.items())
        # through Arrow: DuckDB scans bytes and text columns of a pandas frame row by row
        con.register("_frame", pa.Table.from_pandas(frame.reset_index(drop=True)[list(types)],
                                                    preserve_index=False))
        con.execute(f"INSERT INTO {table} SELECT {casts} FROM _frame")
        con.unregister("_frame")
        con.execute("DELETE FROM provenance WHERE dataset_id = ?", [key])
        names = list(PROVENANCE_COLUMNS)
        con.execute(f"INSERT INTO provenance ({', '.join(names)}) VALUES "
                    f"({', '.join('?' for _ in names)})", [provenance_row[n] for n in names])


def write_arrow_table(path: str | Path, name: str, batches, columns: Mapping[str, str]) -> None:
    """Append record batches (an iterable of pyarrow tables) into table ``name`` of a
    database file, creating it with ``columns`` (name -> DuckDB type). For benchmarks and the
    France-scale synthetic region (:mod:`smartidf_analysis.data.synthetic.france`).

    Parameters
    ----------
    path : str or pathlib.Path
        The database file (created when missing).
    name : str
        The table (lower-case letters, digits and ``_``); replaced if it exists.
    batches : iterable of pyarrow.Table
        The rows, in the order of ``columns``.
    columns : mapping of str to str
        Column name -> DuckDB type.

    Raises
    ------
    ValueError
        For an invalid table name.
    """
    if not _NAME.match(name):
        raise ValueError(f"invalid table name {name!r}")
    con = _open(path, read_only=False)
    try:
        cols = ", ".join(f'"{c}" {t}' for c, t in columns.items())
        con.execute(f"CREATE OR REPLACE TABLE {name} ({cols})")
        for batch in batches:
            con.register("_batch", batch)
            con.execute(f"INSERT INTO {name} SELECT * FROM _batch")
            con.unregister("_batch")
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _create_as(con, name: str, frame: pd.DataFrame, insert: bool = False) -> None:
    columns = _columns_of(name)
    types = TABLES[name].columns if name in TABLES else EXTRA_TABLES[name]
    casts = ", ".join(f'CAST("{c}" AS {types[c]}) AS "{c}"' for c in columns)
    con.register("_frame", frame.reset_index(drop=True)[columns])
    try:
        if insert:
            con.execute(f'INSERT INTO {name} ({", ".join(chr(34) + c + chr(34) for c in columns)}) '
                        f"SELECT {casts} FROM _frame")
        else:
            con.execute(f"CREATE TABLE {name} AS SELECT {casts} FROM _frame")
    finally:
        con.unregister("_frame")


def append_rows_atomic(path: str | Path, table: str, frame: pd.DataFrame,
                       provenance: pd.DataFrame, replace: bool = False) -> None:
    """Add ``frame`` to the import table ``table`` (and ``provenance`` rows) of the database
    at ``path`` **atomically** (``_atomic_copy``). ``replace`` first drops the table's
    earlier rows and their provenance.

    Parameters
    ----------
    path : str or pathlib.Path
        The database file.
    table : str
        One of :data:`IMPORT_TABLES`.
    frame : pandas.DataFrame
        The rows, with the table's columns.
    provenance : pandas.DataFrame
        Their ``provenance`` rows.
    replace : bool, default False
        Drop the earlier rows first.

    Raises
    ------
    ValueError
        If ``table`` is not an import table.
    DatabaseMissingError
        If the database file does not exist.
    """
    if table not in IMPORT_TABLES:
        raise ValueError(f"{table!r} is not an import table; known: {list(IMPORT_TABLES)}")
    with _atomic_copy(path) as con:
        if not _run_named(con, "table_exists", {"table_name": table})["present"].iloc[0]:
            _create_as(con, table, frame.iloc[:0])
        if replace:
            con.execute(f"DELETE FROM {table}")
            con.execute("DELETE FROM provenance WHERE table_name = ?", [table])
        _create_as(con, table, frame, insert=True)
        _create_as(con, "provenance", provenance, insert=True)


def import_rows(path: str | Path, table: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of import table ``table`` and their provenance rows in the database at
    ``path``: what a rebuild carries over. Empty frames only when there is no database yet
    or it has no such table (named query ``table_exists``); any other failure (an unreadable
    or damaged file, a table of another shape) raises :class:`ImportedRowsError` naming the
    file, so a rebuild stops instead of dropping the imported rows.

    Parameters
    ----------
    path : str or pathlib.Path
        The database file (may not exist).
    table : str
        One of :data:`IMPORT_TABLES`.

    Returns
    -------
    rows : pandas.DataFrame
        The table's rows.
    provenance : pandas.DataFrame
        Their ``provenance`` rows.

    Raises
    ------
    ValueError
        If ``table`` is not an import table.
    ImportedRowsError
        If the file cannot be read.
    """
    if table not in IMPORT_TABLES:
        raise ValueError(f"{table!r} is not an import table; known: {list(IMPORT_TABLES)}")
    empty = (pd.DataFrame(columns=list(EXTRA_TABLES[table])),
             pd.DataFrame(columns=list(PROVENANCE_COLUMNS)))
    path = Path(path)
    if not path.exists():
        return empty
    try:
        con = _open(path)
        try:
            if not _run_named(con, "table_exists", {"table_name": table})["present"].iloc[0]:
                return empty
            rows = con.execute(f"SELECT {_select_list(table, None)} FROM {table}").df()
            prov = con.execute(f"SELECT {_select_list('provenance', None)} FROM provenance "
                               "WHERE table_name = ?", [table]).df()
            return rows, prov
        finally:
            con.close()
    except (duckdb.Error, OSError) as exc:
        raise ImportedRowsError(
            f"{path}: cannot read the imported {table} rows that a rebuild keeps "
            f"({type(exc).__name__}: {exc}); the database was left as it is (move it away to "
            "build from scratch, without its imported rows)") from exc


def missing_datasets(*, page: str = "", notebook: str = "",
                     path: str | Path | None = None) -> pd.DataFrame:
    """The datasets the last build could not get (``missing_datasets`` table), optionally
    only those a dashboard ``page`` or a ``notebook`` (such as ``"04-solar-potential"``)
    needs. Empty for a complete build (and for databases built before that table).

    Parameters
    ----------
    page : str, default ""
        A dashboard page (e.g. ``"solar"``); empty for every page.
    notebook : str, default ""
        A notebook's stem; empty for every notebook.
    path : str or pathlib.Path, optional
        A DuckDB file or a Parquet export; default the configured source.

    Returns
    -------
    pandas.DataFrame
        Named query ``missing_datasets``: one row per missing dataset (id, title, url, error, the
        tables, pages and notebooks it feeds).
    """
    if not table_exists("missing_datasets", path=path):
        return pd.DataFrame(columns=list(EXTRA_TABLES["missing_datasets"]))
    return query("missing_datasets", path=path, page=page, notebook=notebook)


def missing_message(missing: pd.DataFrame) -> str:
    """What is missing and how to get it, one line per dataset (English; the pages
    translate the frame themselves).

    Parameters
    ----------
    missing : pandas.DataFrame
        :func:`missing_datasets` (``dataset_id``, ``title``, ``error``).

    Returns
    -------
    str
        The message.
    """
    lines = [f"- {r.dataset_id} ({r.title}): {r.error}" for r in missing.itertuples()]
    return ("The last build could not get these datasets, so their tables are empty:\n"
            + "\n".join(lines) + "\nGet them with `smartidf data fetch` (network access, or "
            "SMARTIDF_DOWNLOAD_MIRROR pointing at a mirror of the originals) or put the files "
            "in the SMARTIDF_MIRROR folder, then run `smartidf data build`.")


def require(*, page: str = "", notebook: str = "", path: str | Path | None = None) -> None:
    """Raise :class:`~smartidf_analysis.errors.MissingDataError` naming each missing dataset
    and how to get it when the ``page`` or ``notebook`` lacks inputs; the first cell of
    every notebook calls it.

    Parameters
    ----------
    page : str, default ""
        A dashboard page.
    notebook : str, default ""
        A notebook's stem.
    path : str or pathlib.Path, optional
        A DuckDB file or a Parquet export; default the configured source.

    Raises
    ------
    MissingDataError
        When a dataset that the page or notebook needs is missing.
    """
    missing = missing_datasets(page=page, notebook=notebook, path=path)
    if not missing.empty:
        raise MissingDataError(f"{notebook or page}: " + missing_message(missing))


def read_metadata(path: str | Path) -> dict[str, str]:
    """The ``build_info`` key/value table of a database file (or of the export at ``path``),
    or {} if absent/unreadable.

    Parameters
    ----------
    path : str or pathlib.Path
        A DuckDB file, an export folder or an fsspec URL.

    Returns
    -------
    dict of str to str
        Key -> value (``fingerprint``, ``built_at``, ...).
    """
    if "://" in str(path) or (Path(path) / parquet.MANIFEST).exists():
        try:
            return dict(parquet.read_manifest(str(path))["build_info"])
        except parquet.ExportError:
            return {}
    try:
        con = _open(path)
    except (duckdb.Error, OSError):
        return {}
    try:
        return dict(con.execute("SELECT key, value FROM build_info").fetchall())
    except duckdb.Error:
        return {}
    finally:
        con.close()
