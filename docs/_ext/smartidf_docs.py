"""Pages the docs build generates before reading its sources (git-ignored outputs).

- ``api/``: the API reference (:mod:`apiref`);
- ``guides/_datasets.md``: the dataset table, from :mod:`smartidf_analysis.data.catalog`;
- ``studies/NN-*.ipynb``: each study notebook as committed (never executed here), with a note
  after its first cell: a link to its stamped HTML report when ``smartidf notebooks run`` wrote
  one into ``smartidf_reports_dir`` (``reports/`` by default), how to produce it otherwise.
  When reports exist they are copied into the built site under ``reports/``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import apiref
import nbformat

ROOT = Path(__file__).resolve().parents[2]


def study_notebooks() -> list[Path]:
    """The study notebooks: ``notebooks/NN-*.ipynb`` of the checkout, else the package's copy."""
    for folder in (ROOT / "notebooks", ROOT / "smartidf_analysis" / "notebooks"):
        found = sorted(folder.glob("[0-9][0-9]-*.ipynb"))
        if found:
            return found
    return []


def _write_if_changed(path: Path, text: str) -> None:
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def datasets_markdown() -> str:
    """The catalogue as Markdown tables: datasets the build reads, then refresh-only ones."""
    from smartidf_analysis.data import catalog

    def table(records) -> list[str]:
        lines = ["| id | title | producer | vintage | licence | feeds | notes |",
                 "|---|---|---|---|---|---|---|"]
        for d in records:
            title = f"[{_md_cell(d.title)}]({d.url})" if d.url.startswith("http") else _md_cell(d.title)
            lines.append(f"| `{d.id}` | {title} | {_md_cell(d.producer)} | {_md_cell(d.vintage)} "
                         f"| {_md_cell(d.licence)} | `{d.table}` | {_md_cell(d.notes)} |")
        return lines

    out = [f"{len(catalog.DATASETS)} datasets are read by `smartidf data build` "
           "(generated from `smartidf_analysis/data/catalog.py` at each docs build):", ""]
    out += table(catalog.DATASETS)
    out += ["", f"{len(catalog.REFRESH_DATASETS)} refresh-only dataset(s), fetched by a refresh "
            "command only, never by `smartidf data build`:", ""]
    out += table(catalog.REFRESH_DATASETS)
    return "\n".join(out) + "\n"


def queries_markdown() -> str:
    """The named queries of ``smartidf_analysis/data/sql/`` as a Markdown table: name,
    bound parameters, and the SQL file's leading comment."""
    from smartidf_analysis.data import db

    folder = ROOT / "smartidf_analysis" / "data" / "sql"
    lines = ["| query | parameters | what it returns |", "|---|---|---|"]
    for sql in sorted(folder.glob("*.sql")):
        comment = []
        for line in sql.read_text(encoding="utf-8").splitlines():
            if not line.startswith("--"):
                break
            comment.append(line.lstrip("-").strip())
        params = ", ".join(f"`{p}`" for p in db.query_parameters(sql.stem)) or "-"
        lines.append(f"| `{sql.stem}` | {params} | {_md_cell(' '.join(comment))} |")
    return "\n".join(lines) + "\n"


def _report_note(stem: str, reports: Path) -> str:
    report = reports / f"{stem}.html"
    if report.is_file():
        stamp = ""
        prov_file = reports / "provenance.json"
        if prov_file.is_file():
            prov = json.loads(prov_file.read_text(encoding="utf-8"))
            database = prov.get("database") or {}
            stamp = (f" It was run on {prov.get('run_date')} with smartidf-analysis "
                     f"{prov.get('package_version')} (git {prov.get('git')}) against the database "
                     f"build `{database.get('fingerprint')}`"
                     + (" (**synthetic** demo region)" if database.get("synthetic") else "") + ".")
        return (f":::{{note}}\nThe executed study, with its figures, key results and provenance: "
                f"[stamped report](../reports/{stem}.html) (all reports: "
                f"[index](../reports/index.html)).{stamp} Below, the notebook as committed "
                "(not executed by the documentation build).\n:::\n")
    return ("```{note}\nNo stamped report of this study was found when these pages were built: "
            "below is the notebook as committed, narrative and code, without outputs. To produce "
            "the executed report (figures, key results as CSV, provenance of every dataset), run "
            "`smartidf notebooks run --out reports/` (after `smartidf data build`), then "
            "`make docs`: this page then links the report.\n```\n")


def write_studies(out: Path, reports: Path) -> list[str]:
    """Write ``out/NN-*.ipynb`` and ``out/index.md``; returns the study names."""
    out.mkdir(parents=True, exist_ok=True)
    names = []
    for source in study_notebooks():
        nb = nbformat.read(source, as_version=4)
        note = nbformat.v4.new_markdown_cell(_report_note(source.stem, reports))
        note.id = "smartidf-docs-report-note"
        nb.cells.insert(1 if nb.cells else 0, note)
        for cell in nb.cells:  # as committed: no outputs (a local run may have left some)
            if cell.cell_type == "code":
                cell.outputs, cell.execution_count = [], None
        _write_if_changed(out / source.name, nbformat.writes(nb) + "\n")
        names.append(source.stem)
    for stale in out.glob("*.ipynb"):
        if stale.stem not in names:
            stale.unlink()
    index = ["# Studies", "",
             "The studies of the project, one notebook each: they narrate and call the "
             "package, and every figure they quote comes from the database with its source and "
             "vintage. The documentation build does not run them: each page shows the notebook "
             "as committed and links its stamped HTML report when `smartidf notebooks run "
             "--out reports/` has produced one before `make docs`.", "",
             "```{toctree}", ":maxdepth: 1", "", *names, "```", ""]
    _write_if_changed(out / "index.md", "\n".join(index))
    return names


def _generate(app, config) -> None:
    src = Path(app.srcdir)
    apiref.write_api_pages(src / "api")
    _write_if_changed(src / "guides" / "_datasets.md", datasets_markdown())
    _write_if_changed(src / "guides" / "_queries.md", queries_markdown())
    write_studies(src / "studies", Path(config.smartidf_reports_dir))


def _copy_reports(app, exception) -> None:
    reports = Path(app.config.smartidf_reports_dir)
    if exception is None and app.builder.format == "html" and (reports / "index.html").is_file():
        target = Path(app.outdir) / "reports"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(reports, target)


def _resolve_short_name(app, env, node, contnode):
    """A Python reference the domain could not resolve as written (a short name from another
    module, as docstrings written for readers of the source use them) is looked up as
    ``.name``: resolved when exactly one documented object ends so, or else when exactly one
    is the object the name imports (a name re-exported by a module that no longer defines
    it); still a warning (an error with -W) when none or several do."""
    if node.get("refdomain") != "py" or node.get("refspecific"):
        return None
    target = node.get("reftarget", "")
    if not target or target.startswith("_") or "._" in target:
        return None
    domain = env.get_domain("py")
    matches = domain.find_obj(env, None, None, target, node["reftype"], 1)
    homes = {name for name, _ in matches}
    if len(homes) != 1:
        # as written, or relative to the referring module and its packages (``reports.x``)
        parts = (node.get("py:module") or "").split(".")
        tried = [f"{'.'.join(parts[:cut])}.{target}" for cut in range(len(parts), 0, -1) if parts[0]]
        for dotted in (*tried, target):
            matches = _reexported(domain, env, dotted, node["reftype"])
            if len({name for name, _ in matches}) == 1:
                break
        else:
            return None
    from sphinx.util.nodes import make_refnode

    name, obj = matches[0]
    return make_refnode(app.builder, node["refdoc"], obj.docname, obj.node_id, contnode, name)


_MISSING = object()


def _imported(dotted: str):
    """The object ``dotted`` (``package.module.name``) names, or :data:`_MISSING`."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attr in parts[cut:]:
            obj = getattr(obj, attr, _MISSING)
            if obj is _MISSING:
                break
        return obj
    return _MISSING


def _reexported(domain, env, target: str, reftype: str) -> list:
    """The documented object a module re-exports (``solar.io.stock_summary``, documented where
    it is defined, ``solar.io.production.stock_summary``): the objects of that last name
    that are the very object ``target`` imports."""
    if "." not in target:
        return []
    wanted = _imported(target)
    if wanted is _MISSING:
        return []
    candidates = domain.find_obj(env, None, None, target.rpartition(".")[2], reftype, 1)
    return [(name, obj) for name, obj in candidates if _imported(name) is wanted]


def setup(app):
    app.connect("missing-reference", _resolve_short_name)
    app.add_config_value("smartidf_reports_dir", "", "env")
    # before the environment lists the source files (autosummary's stubs come from those)
    app.connect("config-inited", _generate)
    app.connect("build-finished", _copy_reports)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
