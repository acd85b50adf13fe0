"""What is computed once per database build, kept on disk beside the database, so that the
next process (a served page's worker, a notebook, ``smartidf report``) loads it instead of
computing it again: :func:`per_build`.

* **Where**: the ``cache/`` folder beside the DuckDB file (:func:`cache_dir`; for a Parquet
  export, ``cache/`` of :func:`~smartidf_analysis.config.data_dir`).
* **Key**: the build (:func:`~smartidf_analysis.data.db.build_key`: the file, or the export's
  stamp) and the package's code (:func:`code_fingerprint`, a hash of its ``.py`` and ``.sql``
  files), so a rebuild, an import or another version of the package computes again.
* **One computes, the others wait**: a file lock (``filelock``) per function, so two server
  processes starting together compute once; the file is written under another name and
  renamed, so a reader never sees half of it; the :data:`KEPT` results used last are kept.
* Where the folder cannot be written, the result is computed and not kept; a kept file that
  cannot be read is computed again; ``SMARTIDF_KEEP_RESULTS=0``
  (:func:`~smartidf_analysis.config.keep_results`) computes in every process.

The files are Python pickles (protocol 5), read only from that folder: whoever can write it
can already change the database beside it. Not ``joblib.Memory``: its loader is pure
Python, 2.20 s against 0.14 s for the standard ``pickle`` on the 70 MB territory inputs
(measured here), more than the whole load it saves on a cold ``smartidf report``.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import filelock

from smartidf_analysis import config
from smartidf_analysis.data import db

#: results kept per cache folder (the ones used last)
KEPT = 2
#: seconds a process waits for another one computing the same result before computing it
#: itself
WAIT_S = 600.0

#: the libraries whose objects kept results hold (a new version computes them again)
LIBRARIES = ("numpy", "pandas", "pyarrow", "xarray", "shapely")
_PACKAGE = Path(__file__).resolve().parents[1]
_code: str | None = None
#: one lock object per lock file: re-entrant in its thread, other threads and processes wait
_LOCKS: dict[str, filelock.FileLock] = {}
T = TypeVar("T")


def cache_dir(path: str | Path | None = None) -> Path:
    """The folder where the results of a build are kept.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The database (as for :func:`~smartidf_analysis.data.db.source`); default the
        configured source.

    Returns
    -------
    pathlib.Path
        ``cache/`` beside the DuckDB file, or ``cache/`` of the data folder for a Parquet
        export.
    """
    kind, where = db.source(path)
    if kind == "duckdb":
        return Path(where).parent / "cache"
    return config.data_dir() / "cache"


def code_fingerprint() -> str:
    """A hash of the package's code (every ``.py`` and ``.sql`` file of
    ``smartidf_analysis``, names and contents), of the Python version and of the versions of
    the libraries whose objects the kept results hold (:data:`LIBRARIES`), read once per
    process.

    Returns
    -------
    str
        16 hexadecimal digits (sha256).
    """
    global _code
    if _code is None:
        digest = hashlib.sha256(sys.version.encode())
        for library in LIBRARIES:
            digest.update(f"{library}={importlib.metadata.version(library)}".encode())
        for file in sorted(_PACKAGE.rglob("*")):
            if file.suffix in (".py", ".sql") and "__pycache__" not in file.parts:
                digest.update(file.relative_to(_PACKAGE).as_posix().encode())
                digest.update(file.read_bytes())
        _code = digest.hexdigest()[:16]
    return _code


def per_build(compute: Callable[..., T], build_key: str,
              path: str | Path | None = None, args: tuple = ()) -> T:
    """``compute(build_key, code_fingerprint(), *args)``, computed once per build, code
    version and ``args`` and kept in :func:`cache_dir`: loaded from there when another
    process (or an earlier run) computed it.

    Parameters
    ----------
    compute : callable
        A module-level function of ``(build_key, code, *args)`` returning a picklable result;
        it reads the build that ``build_key`` names (``code`` is only part of the key).
    build_key : str
        The build's key (:func:`~smartidf_analysis.data.db.build_key`).
    path : str or pathlib.Path, optional
        The database, for :func:`cache_dir`; default the configured source.
    args : tuple, default ()
        Further arguments of ``compute`` (numbers, strings: their ``repr`` is part of the key).

    Returns
    -------
    object
        What ``compute`` returned, now or in the process that kept it.
    """
    code = code_fingerprint()
    if not config.keep_results():
        return compute(build_key, code, *args)
    folder = cache_dir(path)
    name = compute.__name__
    key = f"{compute.__module__}.{compute.__qualname__}\0{build_key}\0{code}" + (
        f"\0{args!r}" if args else "")
    file = folder / f"{name}-{hashlib.sha256(key.encode()).hexdigest()[:24]}.pickle"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        where = str(folder.resolve() / f"{name}.lock")
        lock = _LOCKS.setdefault(where, filelock.FileLock(where, timeout=WAIT_S))
        lock.acquire()
    except (OSError, filelock.Timeout):  # not writable, or another process never finished
        return compute(build_key, code, *args)
    try:
        if file.exists():
            try:
                with file.open("rb") as kept:
                    result = pickle.load(kept)
            except Exception:  # noqa: BLE001 - any unreadable file (truncated, other Python): compute
                file.unlink(missing_ok=True)
            else:
                with contextlib.suppress(OSError):
                    os.utime(file)  # used last: kept longest
                return result
        result = compute(build_key, code, *args)
        _keep(result, file)
        _prune(folder, name)
        return result
    finally:
        lock.release()


def _keep(result, file: Path) -> None:
    """Write ``result`` to ``file`` (another name, then a rename); not kept when it cannot
    be written or pickled."""
    partial = file.with_name(f"{file.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as out:
            pickle.dump(result, out, protocol=5)
        os.replace(partial, file)
    except (OSError, pickle.PicklingError, TypeError, AttributeError):
        partial.unlink(missing_ok=True)


def _prune(folder: Path, name: str) -> None:
    """Keep the :data:`KEPT` results of ``name`` used last."""
    kept = sorted(folder.glob(f"{name}-*.pickle"), key=lambda f: f.stat().st_mtime, reverse=True)
    for old in kept[KEPT:]:
        old.unlink(missing_ok=True)
