"""Opening the database: its file, every connection (:func:`_open`), the source
(DuckDB file or Parquet export), and the write lock beside the file."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from pathlib import Path

import duckdb
import filelock

from smartidf_analysis import config
from smartidf_analysis.data import parquet
from smartidf_analysis.errors import SmartidfError

log = logging.getLogger("smartidf.data.db")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class DatabaseMissingError(SmartidfError):
    """The database file does not exist yet."""


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
