"""Notebook studies: key results as deterministic CSVs, and ``smartidf notebooks run``.

A notebook passes every table its text quotes through :func:`key_result`, which returns the
table unchanged (for display) and, when the notebooks are run by ``smartidf notebooks run``
(``SMARTIDF_REPORT_DIR`` set), also writes it as ``<notebook>/<name>.csv`` with a fixed
float format, so that two runs on the same database give identical bytes
(:mod:`~smartidf_analysis.reporting.key_results`; importable from here too).

:func:`run_notebooks` executes every study notebook (shipped in the package,
:data:`~smartidf_analysis.config.NOTEBOOKS_DIR`; ``notebooks/`` of a checkout) in name order
against the current database (one fresh kernel each, see
:mod:`smartidf_analysis.reporting.notebook_runner`) and writes::

    <out>/index.html              the notebooks, their key results (with sha256) and the provenance
    <out>/<notebook>.html         the executed notebook, stamped with the provenance
    <out>/<notebook>/<name>.csv   its key results
    <out>/provenance.json         the same provenance, machine-readable
    <out>/_assets/                BokehJS / Panel files the reports would otherwise fetch from a CDN

The provenance is the database's ``provenance`` table (dataset ids, file sha256s, vintages,
licences), its build fingerprint (``build_info``), the package version and git commit, and the
run date (:mod:`~smartidf_analysis.reporting.stamp`). Everything is written into a temporary
sibling folder that replaces ``<out>`` only when every notebook succeeded: a failing cell
leaves the previous reports in place.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from smartidf_analysis import __version__, config  # noqa: F401 - __version__: still importable from here
from smartidf_analysis.errors import SmartidfError
from smartidf_analysis.reporting.key_results import (  # noqa: F401 - moved there, re-exported
    FLOAT_DIGITS,
    NOISE_RELATIVE,
    key_result,
    key_result_csv,
)
from smartidf_analysis.reporting.stamp import (  # noqa: F401 - moved there, re-exported
    _CSS,
    _git_state,
    provenance,
    sha256_file,
    stamp_html,
)

MARKER = ".smartidf-reports"  # marks a folder this module may replace


# ---------------------------------------------------------------------------------- the run
class ReportFolderError(SmartidfError):
    """The output folder exists and was not written by ``smartidf notebooks run``."""


def notebook_paths(folder: Path | str | None = None) -> list[Path]:
    """The study notebooks in run order: ``*.ipynb`` of ``folder`` (default the package's,
    :data:`~smartidf_analysis.config.NOTEBOOKS_DIR`) sorted by name.

    Parameters
    ----------
    folder : str or pathlib.Path, optional
        The folder; default :data:`~smartidf_analysis.config.NOTEBOOKS_DIR`.

    Returns
    -------
    list of pathlib.Path
        The notebooks (hidden files left out).
    """
    folder = Path(folder) if folder is not None else config.NOTEBOOKS_DIR
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))


def notebook_title(nb) -> str:
    """The first ``# title`` of the notebook's first markdown cell (or '').

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A notebook.

    Returns
    -------
    str
        The title, or ``""``.
    """
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
            return ""
    return ""


def run_notebooks(out: Path | str = "reports", notebooks: list[Path | str] | None = None,
                  db_path: Path | str | None = None, *, cell_timeout: float = 600.0,
                  progress: bool = True, stream: TextIO | None = None,
                  jobs: int | None = None) -> int:
    """Execute ``notebooks`` (default :func:`notebook_paths`) against ``db_path`` (default the
    configured database), ``jobs`` at a time each in its own kernel, longest first
    (:mod:`~smartidf_analysis.reporting.notebook_jobs`), and write stamped HTML reports,
    key-result CSVs and an index into ``out``. Returns the exit code: 0, or 1 when a notebook
    fails — the message on ``stream`` (stderr) names the notebook, the cell and the exception,
    and ``out`` is left as it was. Raises :class:`SmartidfError` when there is nothing to run or
    no database, or when ``out`` holds files this command did not write. ``cell_timeout`` [s]
    bounds each cell.

    Parameters
    ----------
    out : str or pathlib.Path, default "reports"
        The reports folder.
    notebooks : list of str or pathlib.Path, optional
        The notebooks to run, in order.
    db_path : str or pathlib.Path, optional
        The database; default :func:`~smartidf_analysis.config.db_path`.
    cell_timeout : float, default 600.0
        See above [s].
    progress : bool, default True
        Show a progress bar (code cells) on ``stream``.
    stream : file-like, optional
        Where progress and messages go; default ``sys.stderr``.
    jobs : int, optional
        Notebooks run at once; default one per core
        (:func:`~smartidf_analysis.reporting.notebook_jobs.default_jobs`).

    Returns
    -------
    int
        0 when every notebook ran, 1 when one failed.

    Raises
    ------
    SmartidfError
        When nbclient or nbconvert is missing or there is no notebook to run;
        :class:`~smartidf_analysis.data.db.DatabaseMissingError` without a database;
        :class:`ReportFolderError` when ``out`` holds files this command did not write.
    """
    try:
        import nbclient  # noqa: F401
        import nbconvert  # noqa: F401
    except ImportError as exc:
        raise SmartidfError(f"{exc.name} is missing: install the notebook extra (`make install`, "
                            "or pip install -e '.[notebooks]' outside the locked venv)") from None
    from tqdm import tqdm

    from smartidf_analysis.data import db
    from smartidf_analysis.reporting import notebook_jobs
    from smartidf_analysis.reporting.notebook_runner import (
        code_cell_count,
        kernel_env,
        localize_assets,
        read_notebook,
        to_html,
    )

    stream = stream or sys.stderr
    paths = [Path(p).resolve() for p in (notebooks if notebooks is not None else notebook_paths())]
    if not paths:
        raise SmartidfError(f"no notebooks to run in {config.NOTEBOOKS_DIR}")
    database = Path(db_path) if db_path is not None else config.db_path()
    if not database.exists():
        raise db.DatabaseMissingError(f"no database at {database}: run `smartidf data build` first")
    out = Path(out).resolve()
    if out.exists() and any(out.iterdir()) and not (out / MARKER).exists():
        raise ReportFolderError(f"{out} exists and was not written by `smartidf notebooks run`; "
                                "choose another --out or empty it")

    prov = provenance(database)
    started = time.monotonic()
    staging = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    finished: dict[Path, dict[str, Any]] = {}
    notebooks_nb = dict(zip(paths, (read_notebook(p) for p in paths), strict=True))
    bar = tqdm(total=sum(code_cell_count(nb) for nb in notebooks_nb.values()), unit="cell",
               file=stream, disable=not progress, dynamic_ncols=True, desc="notebooks")

    def report(path: Path, executed, seconds: float) -> None:  # in the notebook's thread
        source_nb = notebooks_nb[path]
        results = {p.stem: sha256_file(p) for p in sorted((staging / path.stem).glob("*.csv"))}
        run = {"notebook": path.name, "stem": path.stem, "title": notebook_title(source_nb),
               "sha256": sha256_file(path), "code_cells": code_cell_count(source_nb),
               "seconds": round(seconds, 1), "key_results": results}
        extra = {"Notebook": f"{path.name} (sha256 {run['sha256']})",
                 "Notebook run time": f"{seconds:.1f} s",
                 "Key results (CSV)": ", ".join(f"{path.stem}/{k}.csv" for k in results) or "none"}
        page = localize_assets(to_html(executed, title=run["title"] or path.stem,
                                       stamp_html=stamp_html(prov, extra), css=_CSS), staging)
        (staging / f"{path.stem}.html").write_text(page, encoding="utf-8")
        finished[path] = run

    order = notebook_jobs.longest_first(paths, notebook_jobs.previous_seconds(out))
    try:
        failure = notebook_jobs.execute_notebooks(
            order, [kernel_env(database, report_dir=staging, notebook=p.stem) for p in order],
            jobs=jobs, cell_timeout=cell_timeout, on_cell=lambda *_: bar.update(1),
            on_done=report)
    except BaseException:
        bar.close()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if failure is not None:
        bar.close()
        _report_failure(failure, out, stream)
        shutil.rmtree(staging, ignore_errors=True)
        return 1
    runs = [finished[p] for p in paths]  # name order
    bar.close()
    total = time.monotonic() - started
    (staging / "index.html").write_text(index_html(prov, runs, total), encoding="utf-8")
    (staging / "provenance.json").write_text(
        json.dumps({**prov, "notebooks": runs, "total_seconds": round(total, 1)}, indent=1,
                   ensure_ascii=False) + "\n", encoding="utf-8")
    (staging / MARKER).write_text("written by smartidf notebooks run\n", encoding="utf-8")
    _swap(staging, out)
    cells = sum(r["code_cells"] for r in runs)
    print(f"{_plural(len(runs), 'notebook')}, {_plural(cells, 'code cell')} in {total:.1f} s; "
          f"reports: {out / 'index.html'}", file=stream)
    return 0


def _report_failure(failure, out: Path, stream: TextIO) -> None:
    from smartidf_analysis.reporting.notebook_runner import traceback_tail

    print(f"error: {failure}", file=stream)
    tail = traceback_tail(failure)
    if tail:
        print("  " + "\n  ".join(tail), file=stream)
    kept = f"previous reports in {out} left unchanged" if out.exists() else "no reports written"
    print(f"{kept}.", file=stream)


def _swap(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging`` with two renames (same parent folder)."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def index_html(prov: dict[str, Any], runs: list[dict[str, Any]], total_seconds: float) -> str:
    """The index page: one row per notebook with its report, run time and key-result CSVs.

    Parameters
    ----------
    prov : dict
        :func:`provenance`.
    runs : list of dict
        One dict per notebook run: ``notebook``, ``stem``, ``title``, ``code_cells``,
        ``seconds``, ``key_results`` (name -> sha256).
    total_seconds : float
        The whole run's time [s].

    Returns
    -------
    str
        The HTML page.
    """
    e = html.escape
    rows = []
    for i, r in enumerate(runs):
        csvs = "<br>".join(f'<a href="{e(r["stem"])}/{e(k)}.csv">{e(k)}.csv</a> '
                           f"<code>{v[:12]}</code>" for k, v in r["key_results"].items()) or "—"
        rows.append(f'<tr><td>{i + 1}</td><td><a href="{e(r["stem"])}.html">{e(r["notebook"])}</a></td>'
                    f"<td>{e(r['title'])}</td><td>{r['code_cells']}</td><td>{r['seconds']:.1f}</td>"
                    f"<td>{csvs}</td></tr>")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="generator" content="smartidf notebooks run">
<title>smartidf-analysis — notebook reports</title>
<style>body{{font:14px/1.5 system-ui,sans-serif;margin:24px auto;max-width:1200px;padding:0 16px}}
table.runs{{border-collapse:collapse}} table.runs td,table.runs th{{border-bottom:1px solid #ddd;
padding:4px 10px;text-align:left;vertical-align:top}}{_CSS}</style></head>
<body><h1>smartidf-analysis — notebook reports</h1>
<p>{_plural(len(runs), "notebook")} executed (each in a fresh kernel) against the database below; each
report is the executed notebook, and each key result (a table the text quotes) is also a CSV next to it,
identical from run to run on the same database (sha256 prefix shown).</p>
<table class="runs"><tr><th>#</th><th>report</th><th>title</th><th>code cells</th>
<th>run time [s]</th><th>key results (CSV, sha256)</th></tr>
{chr(10).join(rows)}
</table>
<p id="total-run-time">Total run time: {total_seconds:.1f} s.</p>
{stamp_html(prov)}
</body></html>
"""


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
