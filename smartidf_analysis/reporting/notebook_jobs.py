"""Several notebooks at once, each in its own fresh kernel: how ``smartidf notebooks run``
uses every core.

A kernel is a process of its own, so notebooks run side by side truly in parallel; the
threads here only wait for their kernels (and turn an executed notebook into its report,
``on_done``). The notebooks do not depend on each other: each writes its key results into
its own folder, reads the database read-only, and results kept per build
(:mod:`smartidf_analysis.data.stored`) are computed once under a file lock, so a notebook
asking for one that another is computing waits for it. Running them together changes no
key result (``tests/test_notebooks.py`` compares the CSVs of a run against notebooks run
one by one).

Longest first: the previous run's times (``provenance.json`` of the reports folder) start
the longest notebooks first, so that the short ones fill the gaps at the end (the run ends
when its last notebook does); a notebook without a known time starts first.

On the first failing notebook the others stop after their running cell (their kernels shut
down) and the failure is returned.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from pathlib import Path

import nbformat

from smartidf_analysis.reporting.notebook_runner import NotebookFailure, execute_notebook


class _Stopped(Exception):
    """Another notebook failed: this one stops after its running cell."""


def default_jobs() -> int:
    """Notebooks run at once by default: the cores this process may use.

    Returns
    -------
    int
        ``len(os.sched_getaffinity(0))`` where the platform has it, else ``os.cpu_count()``
        (at least 1).
    """
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def previous_seconds(out: Path | str) -> dict[str, float]:
    """Each notebook's run time [s] in the previous run written to ``out``, by file stem.

    Parameters
    ----------
    out : str or pathlib.Path
        A reports folder of ``smartidf notebooks run``.

    Returns
    -------
    dict of str to float
        Stem -> seconds; empty when ``out`` holds no readable ``provenance.json``.
    """
    try:
        runs = json.loads((Path(out) / "provenance.json").read_text(encoding="utf-8"))["notebooks"]
        return {str(run["stem"]): float(run["seconds"]) for run in runs}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def longest_first(paths: Sequence[Path], seconds: Mapping[str, float]) -> list[Path]:
    """``paths`` in the order to start them: unknown run times first, then the longest
    known; ties in name order.

    Parameters
    ----------
    paths : sequence of pathlib.Path
        The notebooks.
    seconds : mapping of str to float
        Known run times [s] by file stem (:func:`previous_seconds`).

    Returns
    -------
    list of pathlib.Path
        The same notebooks, reordered.
    """
    return sorted(paths, key=lambda p: (p.stem in seconds, -seconds.get(p.stem, 0.0), p.name))


def execute_notebooks(paths: Sequence[Path], envs: Sequence[Mapping[str, str]], *,
                      jobs: int | None = None, cell_timeout: float = 600.0,
                      on_cell: Callable[[int, int], None] | None = None,
                      on_done: Callable[[Path, nbformat.NotebookNode, float], None] | None = None,
                      ) -> NotebookFailure | None:
    """Execute the notebooks at ``paths`` (started in this order), ``jobs`` at a time, each
    in a fresh kernel with its environment from ``envs``.

    ``on_done(path, executed, seconds)`` is called in the notebook's thread once it ran
    (``seconds``: its wall time [s], kernel start included); ``on_cell(index, n_cells)``
    after each code cell, from any thread.

    Parameters
    ----------
    paths : sequence of pathlib.Path
        The notebooks, in the order to start them.
    envs : sequence of mapping of str to str
        Each notebook's kernel environment
        (:func:`~smartidf_analysis.reporting.notebook_runner.kernel_env`).
    jobs : int, optional
        Notebooks run at once; default :func:`default_jobs`.
    cell_timeout : float, default 600.0
        Time limit of each cell [s].
    on_cell, on_done : callable, optional
        See above.

    Returns
    -------
    NotebookFailure or None
        The failure of the first notebook (in ``paths`` order) that failed, or None when
        every notebook ran.
    """
    jobs = max(1, min(jobs or default_jobs(), len(paths)))
    stop = threading.Event()

    def progress(index: int, n_cells: int) -> None:
        if on_cell is not None:
            on_cell(index, n_cells)
        if stop.is_set():
            raise _Stopped

    def run(path: Path, env: Mapping[str, str]) -> None:
        if stop.is_set():
            return
        started = time.monotonic()
        try:
            executed = execute_notebook(path, env, cell_timeout=cell_timeout, on_cell=progress)
            if on_done is not None:
                on_done(path, executed, time.monotonic() - started)
        except BaseException:
            stop.set()
            raise

    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="notebook") as pool:
        futures = [pool.submit(run, path, env) for path, env in zip(paths, envs, strict=True)]
        try:
            wait(futures, return_when=FIRST_EXCEPTION)
        except BaseException:  # Ctrl-C: the running notebooks stop after their cell
            stop.set()
            raise
        finally:
            for future in futures:
                future.cancel()
    failures = [future.exception() for future in futures
                if not future.cancelled() and future.exception() is not None]
    for exc in failures:
        if not isinstance(exc, NotebookFailure | _Stopped):
            raise exc
    return next((exc for exc in failures if isinstance(exc, NotebookFailure)), None)
