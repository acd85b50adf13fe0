"""The one in-memory cache of what is read or computed from a database build: values kept
per build (:func:`~smartidf_analysis.data.db.build_key`) and key, thread safe and single
flight, shared by the sessions of a process. The pages, the theme ``io`` modules and the
open-data service use it (:class:`BuildCache`, or the :func:`per_build` decorator); nothing
read from the database is cached any other way. Its disk counterpart, for what a new
process should not compute again, is :mod:`smartidf_analysis.data.stored`.

Values are shared: treat them as read-only.
"""

from __future__ import annotations

import functools
import inspect
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from smartidf_analysis.data import db


class BuildCache:
    """Values computed for one database build and key, shared by the threads of a process
    (least recently used dropped beyond ``max_items``).

    Thread safe and computed once: threads asking for the same new key at the same time
    (ten sessions opening the solar page at once) wait for the first one's result instead
    of each computing it (measured before: 2.2 s of server CPU per solar page opened, two
    thirds of it the same yield cube computed by every session). A failed computation is not
    kept: the next caller computes again.

    Parameters
    ----------
    max_items : int
        Values kept.
    latest_build_only : bool, default False
        Drop a key's values of other builds when a build's value is stored (what a page's
        shared data wants: an old build's tables are not kept once a new build is read).
    """

    def __init__(self, max_items: int = 32, latest_build_only: bool = False) -> None:
        self.max_items = max_items
        self.latest_build_only = latest_build_only
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._computing: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def get(self, build_key: str, key: Hashable, compute: Callable[[], Any]) -> Any:
        """The value of ``key`` for the build ``build_key``: computed once by ``compute()``
        however many callers ask at once, then kept.

        Parameters
        ----------
        build_key : str
            The database build (:func:`~smartidf_analysis.data.db.build_key`).
        key : hashable
            The parameter set.
        compute : callable
            Called without arguments when the value is not kept.

        Returns
        -------
        object
            The value (shared: read-only).
        """
        full = (build_key, key)
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                return self._items[full]
            computing = self._computing.setdefault(full, threading.Lock())
        with computing:
            with self._lock:
                if full in self._items:  # computed by another thread meanwhile
                    self._items.move_to_end(full)
                    return self._items[full]
            try:
                value = compute()
            except BaseException:
                with self._lock:
                    self._computing.pop(full, None)
                raise
            with self._lock:
                if self.latest_build_only:
                    for other in [k for k in self._items if k[1] == key and k != full]:
                        del self._items[other]
                self._items[full] = value
                self._computing.pop(full, None)
                while len(self._items) > self.max_items:
                    self._items.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every kept value."""
        with self._lock:
            self._items.clear()


def per_build(max_items: int = 8, *, path_argument: str | None = None):
    """Decorator: the function's value kept per database build and arguments
    (a :class:`BuildCache` of its own, ``cache`` attribute of the decorated function).

    Each call pins the build being read for its duration (:func:`~smartidf_analysis.data.db.pinned`),
    so the key and the function's reads are of the same build even when a rebuild lands
    meanwhile; inside a served session, that is the session's build.

    Parameters
    ----------
    max_items : int, default 8
        Values kept (builds x argument sets).
    path_argument : str, optional
        The name of the function's argument giving the database (a path, or None for the
        configured source); default: the configured source.

    Returns
    -------
    callable
        The decorator.
    """
    def decorate(func):
        cache = BuildCache(max_items)
        signature = inspect.signature(func)

        @functools.wraps(func)
        def cached(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()
            path = bound.arguments.get(path_argument) if path_argument else None
            key = (func.__qualname__, tuple(bound.arguments.items()))
            with db.pinned(path):
                return cache.get(db.build_key(path), key, lambda: func(*args, **kwargs))

        cached.cache = cache
        return cached

    return decorate
