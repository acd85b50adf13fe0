"""Writes: a new database file (the build), and imports made atomic (a copy of the
file, renamed over it under the write lock); the imported rows a rebuild keeps."""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from smartidf_analysis.data.db._connection import _NAME, _db_file, _open, write_lock
from smartidf_analysis.data.db._queries import _run_named
from smartidf_analysis.data.db._whitelist import EXTRA_TABLES, IMPORT_TABLES, _columns_of, _select_list
from smartidf_analysis.data.schema import (
    PROVENANCE_COLUMNS,
    TABLES,
)
from smartidf_analysis.errors import SmartidfError


class ImportedRowsError(SmartidfError):
    """The imported rows of a database could not be read (so a rebuild would lose them)."""


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
