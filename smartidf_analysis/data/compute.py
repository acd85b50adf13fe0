"""The one place that picks the Dask scheduler: local threads, or the ``dask.distributed``
cluster at ``SMARTIDF_DASK_ADDRESS`` (:func:`smartidf_analysis.config.dask_address`).

Every Dask computation of the package (the solar stock pass, roof estimates and weights on
Dask frames, the telecentre sensitivity sweep, the commuting pairs read by
``db.read_dask_grouped``) calls :func:`compute` instead of ``dask.compute`` or
``.compute()``, so that the setting alone decides where the work runs: the command line, the
notebooks (their kernels inherit the environment) and the served pages honour it alike.

* Unset: Dask's threaded scheduler in this process (one thread per core) - or, in a notebook
  or script that created a ``distributed.Client`` itself, that Client (Dask's default).
* Set: a :class:`distributed.Client` connected to that scheduler, created once per address
  and process and reused. A scheduler that does not answer within ``SMARTIDF_DASK_TIMEOUT``
  seconds (default 5) raises :class:`SchedulerUnreachableError` naming the address.

The workers must be able to import ``smartidf_analysis`` (same package version) and to read
the data: the Parquet export (``SMARTIDF_PARQUET``, ``smartidf data export``) on a shared
folder or object storage, not a DuckDB file on the client's disk.
"""

from __future__ import annotations

import os
import sys
import threading
from typing import Any

from smartidf_analysis import config
from smartidf_analysis.errors import SmartidfError

_clients: dict[str, Any] = {}
_lock = threading.Lock()


class SchedulerUnreachableError(SmartidfError):
    """``SMARTIDF_DASK_ADDRESS`` names a scheduler that did not answer."""


def client():
    """The ``distributed.Client`` of ``SMARTIDF_DASK_ADDRESS`` (or, when that is unset, a
    Client the user created in this process), or None for local threads.

    Raises :class:`SchedulerUnreachableError` (naming the address) when the scheduler does
    not answer within :func:`smartidf_analysis.config.dask_timeout` seconds.

    Returns
    -------
    distributed.Client or None
        The Client, or None for local threads.
    """
    address = config.dask_address()
    if address is None:
        return _own_client()
    with _lock:
        known = _clients.get(address)
        if known is not None and known.status == "running":
            return known
        from distributed import Client

        timeout = config.dask_timeout()
        try:
            made = Client(address, timeout=f"{timeout}s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerUnreachableError(
                f"no Dask scheduler answered at {address} (SMARTIDF_DASK_ADDRESS) within "
                f"{timeout:g} s: {type(exc).__name__}: {exc}. Start one (`dask scheduler`, "
                "see README 'Running on a cluster') or unset SMARTIDF_DASK_ADDRESS to use "
                "local threads.") from None
        _clients[address] = made
        return made


def _own_client():
    """A Client the user created in this process (Dask's default one), or None; only looked
    up when ``distributed`` is imported already (no import cost otherwise)."""
    if "distributed" not in sys.modules:
        return None
    from distributed import default_client

    try:
        return default_client()
    except ValueError:
        return None


def scheduler():
    """What to pass as ``scheduler=`` to Dask: the Client, or ``"threads"``.

    Returns
    -------
    distributed.Client or str
        The Client, or ``"threads"``.

    Raises
    ------
    SchedulerUnreachableError
        When ``SMARTIDF_DASK_ADDRESS`` is set and no scheduler answers.
    """
    found = client()
    return found if found is not None else "threads"


def compute(*collections, **kwargs) -> tuple:
    """``dask.compute(*collections)`` on the configured scheduler (:func:`scheduler`).

    Parameters
    ----------
    *collections
        Dask collections (or other objects, returned as they are).
    **kwargs
        Further keyword arguments of ``dask.compute`` (not ``scheduler``).

    Returns
    -------
    tuple
        One computed result per collection.

    Raises
    ------
    SchedulerUnreachableError
        When ``SMARTIDF_DASK_ADDRESS`` is set and no scheduler answers.
    """
    import dask

    return dask.compute(*collections, scheduler=scheduler(), **kwargs)


def map_shared(func, items, shared) -> list:
    """``[func(shared, item) for item in items]``: on the cluster when one is configured
    (``shared`` sent once to the workers, one task per item), in this process otherwise, one
    item after another (sweeps share memoised inputs that are not made for threads).

    Parameters
    ----------
    func : callable
        ``func(shared, item)``; must be importable by the workers when a cluster is used.
    items : iterable
        The items, one task each.
    shared : object
        The input every call shares (sent once).

    Returns
    -------
    list
        The results, in the order of ``items``.

    Raises
    ------
    SchedulerUnreachableError
        When ``SMARTIDF_DASK_ADDRESS`` is set and no scheduler answers.
    """
    found = client()
    items = list(items)
    if found is None:
        return [func(shared, item) for item in items]
    # hash=False: a fresh key per call. With the default content hash, a second sweep over the
    # same inputs reuses the first sweep's key while the release of the first sweep's future
    # may still be on its way to the scheduler, which then forgets the data under the new
    # tasks ("cancelled for reason: lost dependencies", seen once in CI).
    future = found.scatter(shared, broadcast=True, hash=False)
    try:
        return found.gather(found.map(func, [future] * len(items), items, pure=False))
    finally:
        future.release()


def describe() -> str:
    """One line saying which scheduler computations use (printed by ``smartidf``).

    Connects when ``SMARTIDF_DASK_ADDRESS`` is set, so an unreachable address fails here,
    before any work starts.

    Returns
    -------
    str
        E.g. ``"Dask scheduler: local threads (8 cores)"``.

    Raises
    ------
    SchedulerUnreachableError
        When ``SMARTIDF_DASK_ADDRESS`` is set and no scheduler answers.
    """
    found = client()
    if found is None:
        return f"Dask scheduler: local threads ({os.cpu_count()} cores)"
    info = found.scheduler_info()
    workers = info.get("workers", {})
    threads = sum(w.get("nthreads", 0) for w in workers.values())
    where = config.dask_address() or f"{info.get('address')}, a Client made in this process"
    return f"Dask scheduler: dask.distributed at {where} ({len(workers)} workers, {threads} threads)"


def close() -> None:
    """Close the Clients this process opened (tests, the end of a benchmark run)."""
    with _lock:
        for made in _clients.values():
            made.close()
        _clients.clear()
