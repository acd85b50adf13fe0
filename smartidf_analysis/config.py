"""Every path and setting of the project; the only module that reads ``os.environ``.

Environment variables:

``SMARTIDF_DATA_DIR``
    Folder for downloads, caches and the database (default: ``data/`` of the checkout; for
    an installed package, the platform's user data folder, ``platformdirs.user_data_path``:
    ``~/.local/share/smartidf-analysis`` on Linux, ``$XDG_DATA_HOME`` honoured).
``SMARTIDF_DB``
    Path of the DuckDB database (default: ``$SMARTIDF_DATA_DIR/smartidf.duckdb``).
``SMARTIDF_MIRROR``
    Folder holding an offline mirror of the official files (read before any download).
``SMARTIDF_OFFLINE``
    ``1`` forbids downloads (the mirror or the synthetic region only).
``SMARTIDF_DOWNLOAD_MIRROR``
    Base URL of a mirror of the public originals (an internal file server, a proxy's
    cache, a ``file://`` folder): each file is fetched from ``<base>/<host>/<path>`` of its
    original URL instead, with the same checksum (as ``PIP_INDEX_URL`` does for pip).
``SMARTIDF_DOWNLOAD_TIMEOUT``, ``SMARTIDF_DOWNLOAD_RETRIES``, ``SMARTIDF_DOWNLOAD_WORKERS``
    Seconds without data before a download attempt is abandoned (default 60), further
    attempts per file (default 3), files downloaded at once (default 4).
``SMARTIDF_REPORT_DIR``, ``SMARTIDF_NOTEBOOK``
    Set by ``smartidf notebooks run``: where key-result CSVs go, and for which notebook.
``SMARTIDF_DASK_ADDRESS``
    Address of a ``dask.distributed`` scheduler (``tcp://host:8786``); unset means local
    threads. Every Dask computation of the package goes through
    :mod:`smartidf_analysis.data.compute`, which connects to it (a clear error naming the
    address within ``SMARTIDF_DASK_TIMEOUT`` seconds, default 5, when nothing answers).
``SMARTIDF_PARQUET``
    Path or fsspec URL (``/shared/smartidf``, ``file:///...``, ``s3://bucket/smartidf``) of a
    Parquet export written by ``smartidf data export --to``. When set, the package reads the
    canonical tables from it instead of the DuckDB file: Dask partitions (``db.read_dask*``)
    read one department file each, so remote workers need only the export, and DuckDB
    queries the same files on one machine.
``SMARTIDF_DUCKDB_THREADS``
    Threads each DuckDB connection may use (a positive integer); unset means DuckDB's
    default (one per core). Results do not depend on it (sums are exact, see ``db``).
``SMARTIDF_KEEP_RESULTS``
    ``0`` (or ``false``, ``no``, ``off``): results computed once per build are not kept on
    disk beside the database (:mod:`smartidf_analysis.data.stored`); each process computes
    them again. Default: kept.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent  # the checkout when the package runs from one (see checkout_dir)
SQL_DIR = PACKAGE_DIR / "data" / "sql"
#: the study notebooks, shipped as package data (``notebooks/`` of a checkout links here)
NOTEBOOKS_DIR = PACKAGE_DIR / "notebooks"
APP_NAME = "smartidf-analysis"  # the distribution's name: the user data folder's name


def checkout_dir(repo: Path = REPO_DIR) -> Path | None:
    """The source checkout the package runs from (editable install, ``make install``), or
    None for a package installed from its wheel (``repo`` is then ``site-packages``).

    Parameters
    ----------
    repo : pathlib.Path, default :data:`REPO_DIR`
        The folder above the package.

    Returns
    -------
    pathlib.Path or None
        ``repo`` when its ``pyproject.toml`` declares this distribution, else None.
    """
    pyproject = repo / "pyproject.toml"
    try:
        declared = f'name = "{APP_NAME}"' in pyproject.read_text(encoding="utf-8")
    except OSError:
        return None
    return repo if declared else None


def data_dir() -> Path:
    """Folder for downloads, caches and the database: ``SMARTIDF_DATA_DIR``, else ``data/``
    of the checkout, else the platform's user data folder (an installed package).

    Returns
    -------
    pathlib.Path
        The data folder (absolute; not created here).
    """
    env = os.environ.get("SMARTIDF_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    checkout = checkout_dir()
    if checkout is not None:
        return checkout / "data"
    return platformdirs.user_data_path(APP_NAME, appauthor=False)


def db_path() -> Path:
    """Path of the DuckDB database file.

    Returns
    -------
    pathlib.Path
        ``SMARTIDF_DB`` (absolute), else ``smartidf.duckdb`` in :func:`data_dir`.
    """
    env = os.environ.get("SMARTIDF_DB")
    return Path(env).expanduser().resolve() if env else data_dir() / "smartidf.duckdb"


def mirror_dir() -> Path | None:
    """The offline mirror folder, or None when ``SMARTIDF_MIRROR`` is unset or empty.

    Returns
    -------
    pathlib.Path or None
        The mirror folder (absolute), or None.
    """
    env = os.environ.get("SMARTIDF_MIRROR", "").strip()
    return Path(env).expanduser().resolve() if env else None


def download_dir() -> Path:
    """Where downloaded official files are cached.

    Returns
    -------
    pathlib.Path
        ``downloads/`` of :func:`data_dir`.
    """
    return data_dir() / "downloads"


def offline() -> bool:
    """True when downloads are forbidden.

    Returns
    -------
    bool
        True when ``SMARTIDF_OFFLINE`` is ``1``, ``true`` or ``yes`` (any case).
    """
    return os.environ.get("SMARTIDF_OFFLINE", "").strip().lower() in {"1", "true", "yes"}


def keep_results() -> bool:
    """Whether results computed once per build are kept on disk beside the database
    (:mod:`smartidf_analysis.data.stored`).

    Returns
    -------
    bool
        False when ``SMARTIDF_KEEP_RESULTS`` is ``0``, ``false``, ``no`` or ``off`` (any
        case), else True.
    """
    return os.environ.get("SMARTIDF_KEEP_RESULTS", "").strip().lower() not in {
        "0", "false", "no", "off"}


def download_mirror() -> str | None:
    """Base URL that replaces each original's scheme (``SMARTIDF_DOWNLOAD_MIRROR``), or None.

    Returns
    -------
    str or None
        The base URL, or None when unset or blank.
    """
    return os.environ.get("SMARTIDF_DOWNLOAD_MIRROR", "").strip() or None


def _positive(name: str, default: float) -> float:
    raw = os.environ.get(name, "").strip()
    try:
        value = float(raw) if raw else default
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected a number") from None
    if value < 0:
        raise ValueError(f"{name}={raw!r}: expected a number >= 0")
    return value


def download_timeout() -> float:
    """Seconds without data after which a download attempt is abandoned.

    Returns
    -------
    float
        ``SMARTIDF_DOWNLOAD_TIMEOUT`` [s], default (and when 0) 60.

    Raises
    ------
    ValueError
        If the variable is not a number >= 0.
    """
    return _positive("SMARTIDF_DOWNLOAD_TIMEOUT", 60.0) or 60.0


def download_retries() -> int:
    """Further attempts per file after a network error or time-out.

    Returns
    -------
    int
        ``SMARTIDF_DOWNLOAD_RETRIES``, default 3.

    Raises
    ------
    ValueError
        If the variable is not a number >= 0.
    """
    return int(_positive("SMARTIDF_DOWNLOAD_RETRIES", 3))


def download_workers() -> int:
    """Files downloaded at once.

    Returns
    -------
    int
        ``SMARTIDF_DOWNLOAD_WORKERS``, default 4, at least 1.

    Raises
    ------
    ValueError
        If the variable is not a number >= 0.
    """
    return max(1, int(_positive("SMARTIDF_DOWNLOAD_WORKERS", 4)))


def download_backoff() -> float:
    """Seconds of the first pause between two attempts (doubled each time, at most 10x);
    ``SMARTIDF_DOWNLOAD_BACKOFF``, default 1.

    Returns
    -------
    float
        The first pause [s].

    Raises
    ------
    ValueError
        If the variable is not a number >= 0.
    """
    return _positive("SMARTIDF_DOWNLOAD_BACKOFF", 1.0)


def dask_address() -> str | None:
    """Address of a dask.distributed scheduler, or None for local threads.

    Returns
    -------
    str or None
        ``SMARTIDF_DASK_ADDRESS`` (e.g. ``tcp://host:8786``), or None when unset or empty.
    """
    return os.environ.get("SMARTIDF_DASK_ADDRESS") or None


def dask_timeout() -> float:
    """Seconds [s] to wait for the scheduler at ``SMARTIDF_DASK_ADDRESS``
    (``SMARTIDF_DASK_TIMEOUT``, default 5).

    Returns
    -------
    float
        The time-out [s], default (and when 0) 5.

    Raises
    ------
    ValueError
        If the variable is not a number >= 0.
    """
    return _positive("SMARTIDF_DASK_TIMEOUT", 5.0) or 5.0


def parquet_export() -> str | None:
    """Location (path or fsspec URL) of the Parquet export to read instead of the DuckDB
    file (``SMARTIDF_PARQUET``), or None.

    Returns
    -------
    str or None
        The path or URL, or None when unset or blank.
    """
    return os.environ.get("SMARTIDF_PARQUET", "").strip() or None


def duckdb_threads() -> int | None:
    """Threads [count] a DuckDB connection may use (``SMARTIDF_DUCKDB_THREADS``), or None
    for DuckDB's default (one per core).

    Returns
    -------
    int or None
        The thread count, or None when unset.

    Raises
    ------
    ValueError
        If the variable is not a positive integer.
    """
    raw = os.environ.get("SMARTIDF_DUCKDB_THREADS", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(f"SMARTIDF_DUCKDB_THREADS={raw!r}: expected a positive integer")
    return int(raw)


def serve_settings() -> dict[str, str | None]:
    """Settings of the served app (auth and cookie secret come from the environment).

    Returns
    -------
    dict of str to str or None
        ``basic_auth`` (``SMARTIDF_BASIC_AUTH``), ``cookie_secret``
        (``SMARTIDF_COOKIE_SECRET``) and ``oauth_provider`` (``SMARTIDF_OAUTH_PROVIDER``), None
        where unset.
    """
    return {
        "basic_auth": os.environ.get("SMARTIDF_BASIC_AUTH"),
        "cookie_secret": os.environ.get("SMARTIDF_COOKIE_SECRET"),
        "oauth_provider": os.environ.get("SMARTIDF_OAUTH_PROVIDER"),
    }


def under_supervisor() -> bool:
    """Whether this process was started by ``smartidf serve``'s supervisor
    (``SMARTIDF_SUPERVISOR_PID``, set by :mod:`smartidf_analysis.apps.supervisor` for the
    server processes; internal, not a user setting).

    Returns
    -------
    bool
        True when ``SMARTIDF_SUPERVISOR_PID`` is set and not empty.
    """
    return bool(os.environ.get("SMARTIDF_SUPERVISOR_PID"))


def report_dir() -> Path | None:
    """Folder where notebooks write their key-result CSVs (set by ``smartidf notebooks run``
    through ``SMARTIDF_REPORT_DIR``), or None when a notebook runs interactively.

    Returns
    -------
    pathlib.Path or None
        The folder (absolute), or None.
    """
    env = os.environ.get("SMARTIDF_REPORT_DIR", "").strip()
    return Path(env).expanduser().resolve() if env else None


def notebook_name() -> str:
    """Name of the notebook being run by ``smartidf notebooks run`` (``SMARTIDF_NOTEBOOK``).

    Returns
    -------
    str
        The notebook's name, ``"notebook"`` when unset.
    """
    return os.environ.get("SMARTIDF_NOTEBOOK", "").strip() or "notebook"
