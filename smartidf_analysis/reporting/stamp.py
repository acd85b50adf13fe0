"""What produced a run of the studies, and the provenance stamp of its reports.

The provenance is the database's ``provenance`` table (dataset ids, file sha256s, vintages,
licences), its build fingerprint (``build_info``), the package version and git commit, and the
run date (:func:`provenance`); :func:`stamp_html` shows it at the top of every report and of
the index.
"""

from __future__ import annotations

import hashlib
import html
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from smartidf_analysis import __version__, config


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
