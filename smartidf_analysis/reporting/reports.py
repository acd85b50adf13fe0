"""Notebook studies: key results as deterministic CSVs, and ``smartidf notebooks run``.

Over 400 lines: the code is under 400; the numpydoc sections of the docstrings (parameters,
returned columns and their units) are the rest.

A notebook passes every table its text quotes through :func:`key_result`, which returns the
table unchanged (for display) and, when the notebooks are run by ``smartidf notebooks run``
(``SMARTIDF_REPORT_DIR`` set), also writes it as ``<notebook>/<name>.csv`` with a fixed
float format, so that two runs on the same database give identical bytes.

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
run date. Everything is written into a temporary sibling folder that replaces ``<out>`` only
when every notebook succeeded: a failing cell leaves the previous reports in place.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from smartidf_analysis import __version__, config
from smartidf_analysis.errors import SmartidfError

_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
MARKER = ".smartidf-reports"  # marks a folder this module may replace
FLOAT_DIGITS = 10  # significant digits of floats in key-result CSVs
NOISE_RELATIVE = 1e-12  # |x| below this fraction of its column's largest |x| is written as 0


# ------------------------------------------------------------------------------ key results
def key_result_csv(frame: pd.DataFrame | pd.Series) -> str:
    """The CSV text :func:`key_result` writes for ``frame`` (a pure function, for tests).

    Row and column order are kept as given (a notebook's package function fixes them). Floats
    get ``FLOAT_DIGITS`` significant digits, ``-0`` and summation noise (below ``NOISE_RELATIVE``
    of the column's largest magnitude) become ``0``, so that floating-point sums computed in a
    different order (parallel DuckDB or Dask aggregation) give the same bytes; floats inside
    object columns (a Series of mixed KPIs: counts, floats, a status) get the same digits.
    Binary columns (``*_wkb`` geometries) are left out; missing values are empty fields. The
    index is written unless it is the default 0..n-1 range.

    Parameters
    ----------
    frame : pandas.DataFrame or pandas.Series
        The key result.

    Returns
    -------
    str
        The CSV text (LF line ends).
    """
    table = frame.to_frame() if isinstance(frame, pd.Series) else frame.copy()
    binary = [c for c in table.columns if str(c).endswith("_wkb") or _is_binary(table[c])]
    table = table.drop(columns=binary)
    for column in table.columns:
        if pd.api.types.is_float_dtype(table[column].dtype):
            table[column] = _stable_floats(table[column])
        elif table[column].dtype == object:
            table[column] = table[column].map(_stable_float_item)
    default_index = isinstance(table.index, pd.RangeIndex) and table.index.start == 0 \
        and table.index.step == 1 and table.index.name is None
    return table.to_csv(index=not default_index, float_format=f"%.{FLOAT_DIGITS}g",
                        lineterminator="\n", na_rep="")


def _is_binary(column: pd.Series) -> bool:
    if column.dtype != object:
        return False
    first = column.dropna().head(1)
    return bool(len(first)) and isinstance(first.iloc[0], bytes | bytearray | memoryview)


def _stable_floats(column: pd.Series) -> pd.Series:
    values = column.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    finite = np.isfinite(values)
    if finite.any():
        scale = np.abs(values[finite]).max()
        values[finite & (np.abs(values) <= scale * NOISE_RELATIVE)] = 0.0
    values = values + 0.0  # -0.0 -> 0.0
    return pd.Series(values, index=column.index, name=column.name)


def _stable_float_item(value: Any) -> Any:
    """A float of an object column as text with ``FLOAT_DIGITS`` significant digits (``-0``
    as ``0``); any other value (int, str, None, NaN) unchanged."""
    if isinstance(value, float | np.floating) and np.isfinite(value):
        return f"{float(value) + 0.0:.{FLOAT_DIGITS}g}"
    return value


def key_result(name: str, frame: pd.DataFrame | pd.Series, notebook: str | None = None,
               ) -> pd.DataFrame | pd.Series:
    """Register a key result table of a notebook; returns ``frame`` unchanged.

    ``name`` is a short snake_case id; ``notebook`` defaults to ``SMARTIDF_NOTEBOOK`` (set by
    the runner). Outside a run (``SMARTIDF_REPORT_DIR`` unset) nothing is written. The CSV
    format is :func:`key_result_csv`.

    Parameters
    ----------
    name : str
        See above (lower-case letters, digits, ``_`` and ``-``, not starting with ``_`` or ``-``).
    frame : pandas.DataFrame or pandas.Series
        The table.
    notebook : str, optional
        See above.

    Returns
    -------
    pandas.DataFrame or pandas.Series
        ``frame``, unchanged.

    Raises
    ------
    ValueError
        If ``name`` is not a valid id.
    """
    if not _NAME.match(name):
        raise ValueError(f"invalid key result name {name!r}")
    folder = config.report_dir()
    if folder is None:
        return frame
    target = folder / (notebook or config.notebook_name())
    target.mkdir(parents=True, exist_ok=True)
    (target / f"{name}.csv").write_bytes(key_result_csv(frame).encode("utf-8"))
    return frame


# ------------------------------------------------------------------------------- provenance
def provenance(db_path: Path | str | None = None) -> dict[str, Any]:
    """What produced a run: datasets (id, title, producer, file, sha256, rows, vintage,
    licence), the database path, build fingerprint and build time, package version, git
    commit, Python version and the run date (UTC).

    Parameters
    ----------
    db_path : str or pathlib.Path, optional
        The database; default :func:`~smartidf_analysis.config.db_path`.

    Returns
    -------
    dict
        ``run_date``, ``package_version``, ``git`` (commit, or None), ``python``,
        ``database`` (``path``, ``fingerprint``, ``built_at``, ``synthetic``) and ``datasets``
        (one dict per row of the ``provenance`` table).
    """
    from smartidf_analysis.data import db

    path = Path(db_path) if db_path is not None else config.db_path()
    datasets = db.read_table("provenance", path=path).sort_values("dataset_id", kind="stable")
    meta = db.read_metadata(path)
    rows = [{k: (None if pd.isna(v) else str(v) if k == "built_at" else v)
             for k, v in r.items()} for r in datasets.to_dict("records")]
    for r in rows:
        r["rows"] = int(r["rows"]) if r["rows"] is not None else None
        r["synthetic"] = bool(r["synthetic"])
    return {
        "run_date": datetime.now(UTC).isoformat(timespec="seconds"),
        "package_version": __version__,
        "git": _git_state(),
        "python": platform.python_version(),
        "database": {"path": str(path.resolve()), "fingerprint": meta.get("fingerprint"),
                     "built_at": meta.get("built_at"),
                     "synthetic": any(r["synthetic"] for r in rows)},
        "datasets": rows,
    }


def _git_state() -> str | None:
    """``<commit>`` (``+ uncommitted changes`` when dirty) of the checkout, None outside git
    or for a package installed from its wheel."""
    checkout = config.checkout_dir()
    if checkout is None:
        return None
    try:
        run = {"cwd": checkout, "capture_output": True, "text": True, "timeout": 10}
        head = subprocess.run(["git", "rev-parse", "HEAD"], check=True, **run).stdout.strip()
        dirty = subprocess.run(["git", "--no-optional-locks", "status", "--porcelain",
                                "--untracked-files=no"], check=True, **run).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head} + uncommitted changes" if dirty else head


def sha256_file(path: Path | str) -> str:
    """Hex sha256 of a file's bytes.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


_CSS = """
.smartidf-stamp{font:13px/1.45 system-ui,sans-serif;margin:12px 0 20px;padding:10px 14px;
  border:1px solid #c8d3e0;border-left:5px solid #1f5c99;background:#f6f9fc;}
.smartidf-stamp h2{font-size:15px;margin:0 0 6px}
.smartidf-stamp table{border-collapse:collapse;font-size:12px}
.smartidf-stamp td,.smartidf-stamp th{border-bottom:1px solid #dde4ec;padding:2px 8px;text-align:left;
  vertical-align:top}
.smartidf-stamp code{font-size:11px;word-break:break-all}
.smartidf-synthetic{background:#fff3cd;border:1px solid #e0b100;padding:6px 10px;font-weight:bold}
"""


def stamp_html(prov: dict[str, Any], extra: dict[str, str] | None = None) -> str:
    """The provenance block shown at the top of every report and of the index.

    Parameters
    ----------
    prov : dict
        :func:`provenance`.
    extra : dict of str to str, optional
        More facts shown in the table (label -> value).

    Returns
    -------
    str
        An HTML ``<section>`` (text escaped).
    """
    e = html.escape
    db_info = prov["database"]
    facts = {"Run date (UTC)": prov["run_date"], "Package": f"smartidf-analysis {prov['package_version']}",
             "Git commit": prov["git"] or "n/a", "Python": prov["python"],
             "Database": db_info["path"], "Build fingerprint": db_info["fingerprint"] or "n/a",
             "Database built at": db_info["built_at"] or "n/a", **(extra or {})}
    lines = ['<section class="smartidf-stamp" id="provenance"><h2>Provenance</h2>']
    if db_info["synthetic"]:
        lines.append('<p class="smartidf-synthetic">SYNTHETIC demo data: no figure in this report '
                     "describes the real Île-de-France.</p>")
    lines.append("<table>")
    lines += [f"<tr><th>{e(k)}</th><td><code>{e(str(v))}</code></td></tr>" for k, v in facts.items()]
    lines.append("</table>")
    lines.append(f"<details><summary>{len(prov['datasets'])} datasets (producer, vintage, licence, "
                 "file sha256)</summary><table><tr><th>dataset</th><th>table</th><th>title</th>"
                 "<th>producer</th><th>vintage</th><th>licence</th><th>rows</th><th>file</th>"
                 "<th>sha256</th></tr>")
    for d in prov["datasets"]:
        cells = [d["dataset_id"], d["table_name"], d["title"], d["producer"], d["vintage"],
                 d["licence"], d["rows"], d["file_name"]]
        lines.append("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in cells)
                     + f"<td><code>{e(d['sha256'] or 'n/a')}</code></td></tr>")
    lines.append("</table></details></section>")
    return "\n".join(lines)


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
