"""The shared read-only connection of each build, the cursors on it, and the
sessions pinned to a build; the build key (:func:`build_key`)."""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import threading
from pathlib import Path

import duckdb

from smartidf_analysis.data import parquet
from smartidf_analysis.data.builds import Build, BuildClosedError, Builds
from smartidf_analysis.data.db._connection import _file_fingerprint, _open, _open_export, _quote, source
from smartidf_analysis.errors import SmartidfError


def build_key(path: str | Path | None = None) -> str:
    """What identifies one build of the source: the key of every cache of data read from it
    (:mod:`smartidf_analysis.data.build_cache`, :mod:`smartidf_analysis.data.stored`) and of
    the shared connections of :func:`cursor`.

    A DuckDB file: its resolved path, inode, size and modification time [ns] (a build or an
    import writes a new file and renames it over the old one, so every build has its own
    key). A Parquet export (:func:`source`): its location and ``exported_at`` stamp. Inside
    :func:`using` (a session pinned to its build) it is the pinned build's key, so that keys
    and reads agree.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A DuckDB file or a Parquet export (see :func:`source`); default the configured source.

    Returns
    -------
    str
        ``"<path>:<inode>:<size>:<mtime_ns>"``, or ``"parquet:<location>:<exported_at>"``.

    Raises
    ------
    DatabaseMissingError
        If the DuckDB file does not exist (outside a pinned session).
    """
    pinned = _PINNED.get()
    if pinned is not None and not pinned.closed and (
            path is None or str(Path(path).resolve()) == pinned.location):
        return pinned.fingerprint
    return _current_key(*source(path))


def _current_key(kind: str, where: str) -> str:
    """The key of the build of source ``where`` now (no pinned session considered)."""
    if kind == "parquet":
        return f"parquet:{where}:{parquet.read_manifest(where)['exported_at']}"
    return _file_fingerprint(where)


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
        return _current_key(kind, where), _open_export(where), "memory"
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
    return _BUILDS.acquire(where, _current_key(kind, where))


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
    reads and :func:`build_key` of that source use ``build`` (``None``: no pin).

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
    the build it read (:func:`build_key`), even when a rebuild lands meanwhile.

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
