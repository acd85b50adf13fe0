"""One shared connection per build of the database, counted, so a rebuild never closes a
connection that a reader still uses.

A served process reads the database through one shared connection per **build**
(:func:`smartidf_analysis.data.db.build_key`: a build or an import writes a new file
and renames it over the old one). This module keeps, for each source location, the *current*
build (the last one opened) and every older build still in use, with the number of its
users: a cursor being read, or a session pinned to it (:func:`smartidf_analysis.data.db.pin`).
An older build's connection is closed when its last user lets it go; the current one stays
open for the next reader. Nothing here imports DuckDB: the opener is given by
:mod:`smartidf_analysis.data.db`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class BuildClosedError(RuntimeError):
    """A build whose connection was already closed was asked for a new user."""


class Build:
    """One build of one source: its ``location`` (the resolved file, or the export's URL),
    ``fingerprint`` (what identifies the build), shared ``connection`` and ``users`` (how
    many cursors and pinned sessions use it now).

    Parameters
    ----------
    location : str
        The resolved database file, or the export's URL.
    fingerprint : str
        What identifies the build (:func:`smartidf_analysis.data.db.build_key`).
    connection : duckdb.DuckDBPyConnection
        The build's shared connection.
    catalog : str
        The name the build's file is attached under in that connection.
    """

    def __init__(self, location: str, fingerprint: str, connection: Any, catalog: str) -> None:
        self.location = location
        self.fingerprint = fingerprint
        self.connection = connection
        self.catalog = catalog  # the name the build's file is attached under
        self.users = 0
        self.closed = False

    def __repr__(self) -> str:
        state = "closed" if self.closed else f"{self.users} users"
        return f"Build({self.fingerprint!r}, {state})"


class Builds:
    """The builds open in this process (thread safe). ``opener(location)`` returns
    ``(fingerprint, connection, catalog)`` of the build found at ``location`` now.

    Parameters
    ----------
    opener : callable
        ``opener(location) -> (fingerprint, connection, catalog)``.
    """

    def __init__(self, opener: Callable[[str], tuple[str, Any, str]]) -> None:
        self._opener = opener
        self._current: dict[str, Build] = {}
        self._older: list[Build] = []
        self._lock = threading.Lock()

    def acquire(self, location: str, fingerprint: str) -> Build:
        """A new user of the build ``fingerprint`` of ``location``: the current one when it
        is that build, else a newly opened connection, which becomes the current one (the
        previous current build is closed now if nobody uses it, else when its last user
        releases it).

        Parameters
        ----------
        location : str
            The source's location.
        fingerprint : str
            The build wanted (the file's fingerprint now).

        Returns
        -------
        Build
            The build, its user count raised by one; call :meth:`release` when done.
        """
        with self._lock:
            build = self._current.get(location)
            if build is None or build.fingerprint != fingerprint:
                opened, connection, catalog = self._opener(location)
                build = Build(location, opened, connection, catalog)
                self._retire(self._current.get(location))
                self._current[location] = build
            build.users += 1
            return build

    def add_user(self, build: Build) -> Build:
        """One more user of a build already held by someone (a pinned session's cursor).

        Parameters
        ----------
        build : Build
            A build in use.

        Returns
        -------
        Build
            ``build``, its user count raised by one.

        Raises
        ------
        BuildClosedError
            If ``build``'s connection is already closed.
        """
        with self._lock:
            if build.closed:
                raise BuildClosedError(repr(build))
            build.users += 1
            return build

    def release(self, build: Build) -> None:
        """One user less; an older build is closed when this was its last user.

        Parameters
        ----------
        build : Build
            A build acquired before.
        """
        with self._lock:
            build.users -= 1
            if build.users <= 0 and self._current.get(build.location) is not build:
                self._close(build)

    def close_unused(self) -> None:
        """Close every build nobody uses (tests, and before a process ends); the builds in
        use are closed when their last user releases them."""
        with self._lock:
            for location, build in list(self._current.items()):
                if build.users <= 0:
                    del self._current[location]
                    self._close(build)
                else:
                    del self._current[location]
                    self._older.append(build)

    def open_builds(self) -> list[Build]:
        """The builds whose connection is open (current and older ones in use).

        Returns
        -------
        list of Build
            The current builds, then the older ones.
        """
        with self._lock:
            return [*self._current.values(), *self._older]

    def _retire(self, build: Build | None) -> None:
        if build is None:
            return
        if build.users <= 0:
            self._close(build)
        else:
            self._older.append(build)

    def _close(self, build: Build) -> None:
        if build in self._older:
            self._older.remove(build)
        if not build.closed:
            build.closed = True
            build.connection.close()
