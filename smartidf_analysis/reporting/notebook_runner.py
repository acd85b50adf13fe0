"""Execute one notebook in a fresh kernel and export it as a self-contained HTML report.

Used by :func:`smartidf_analysis.reporting.reports.run_notebooks` (``smartidf notebooks run``) and by
``tests/test_notebooks.py``. A notebook runs cell by cell with nbclient in a ``python3``
kernel whose environment carries the project settings (``SMARTIDF_DB``, and for reports
``SMARTIDF_REPORT_DIR`` / ``SMARTIDF_NOTEBOOK`` so that :func:`reports.key_result` writes
CSVs) and ``PYTHONHASHSEED=0`` (set and dict orders of strings repeat from run to run).
The working directory of the kernel is the notebook's folder, as in JupyterLab.

A cell that raises, or a notebook that runs out of time, becomes a :class:`NotebookFailure`
naming the notebook, the cell index (0-based, as nbformat counts; JupyterLab shows the same
cell as number index + 1) with its first source line, and the exception line.
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import unquote

import nbformat

from smartidf_analysis.errors import SmartidfError

KERNEL_NAME = "python3"
# Settings a notebook run must not inherit from the caller's environment: the runner sets them.
_RUN_VARIABLES = ("SMARTIDF_REPORT_DIR", "SMARTIDF_NOTEBOOK")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# The report template: JupyterLab's look, nothing loaded from the internet (no require.js,
# MathJax or Mermaid from a CDN; Bokeh/Panel outputs carry their JavaScript inline), and the
# provenance stamp at the top of the page.
_REPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_css -%}
<meta name="generator" content="smartidf notebooks run">
<style>{{ resources.smartidf_css }}</style>
{%- endblock html_head_css -%}
{%- block body_header -%}
{{ super() }}
{{ resources.smartidf_stamp }}
{%- endblock body_header -%}
"""


class NotebookFailure(SmartidfError):
    """A notebook cell raised (or the notebook ran out of time) during a run.

    Parameters
    ----------
    notebook : str or pathlib.Path
        The notebook file.
    cell_index : int or None
        The failing cell's 0-based index, None before the first cell.
    ename : str
        The exception's name.
    evalue : str
        The exception's message.
    source_line : str, default ""
        The first code line of the failing cell.
    traceback : str, default ""
        The traceback text (ANSI colours removed).
    executed : nbformat.NotebookNode, optional
        The notebook as far as it ran.
    """

    def __init__(self, notebook: Path | str, cell_index: int | None, ename: str, evalue: str,
                 source_line: str = "", traceback: str = "", executed=None):
        self.notebook = Path(notebook)
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        self.source_line = source_line
        self.traceback = traceback
        self.executed = executed
        super().__init__(f"notebook {self.notebook}, {self.where}: {self.exception_line}")

    @property
    def where(self) -> str:
        """``cell 3 (`first code line`)``: which cell failed (0-based index)."""
        if self.cell_index is None:
            return "before the first cell"
        code = f" (`{self.source_line}`)" if self.source_line else ""
        return f"cell {self.cell_index}{code}"

    @property
    def exception_line(self) -> str:
        """``ExceptionName: message`` (first line of the message)."""
        message = (self.evalue or "").strip().splitlines()
        return f"{self.ename}: {message[0]}" if message else self.ename


def kernel_env(db_path: Path | str | None = None, report_dir: Path | str | None = None,
               notebook: str | None = None, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment of a notebook kernel: ``base`` (default ``os.environ``) without any inherited
    run settings, plus ``SMARTIDF_DB``, ``SMARTIDF_REPORT_DIR``, ``SMARTIDF_NOTEBOOK`` when given
    and ``PYTHONHASHSEED=0``.

    Parameters
    ----------
    db_path : str or pathlib.Path, optional
        The database the notebook reads (``SMARTIDF_DB``, made absolute).
    report_dir : str or pathlib.Path, optional
        Where key results are written (``SMARTIDF_REPORT_DIR``, made absolute).
    notebook : str, optional
        The notebook's name for its key results (``SMARTIDF_NOTEBOOK``; default
        ``"notebook"``, set only with ``report_dir``).
    base : mapping of str to str, optional
        The environment to start from; default ``os.environ``.

    Returns
    -------
    dict of str to str
        The kernel's environment.
    """
    env = {k: v for k, v in (os.environ if base is None else base).items()
           if k not in _RUN_VARIABLES}
    env["PYTHONHASHSEED"] = "0"
    if db_path is not None:
        env["SMARTIDF_DB"] = str(Path(db_path).resolve())
    if report_dir is not None:
        env["SMARTIDF_REPORT_DIR"] = str(Path(report_dir).resolve())
        env["SMARTIDF_NOTEBOOK"] = notebook or "notebook"
    return env


def read_notebook(path: Path | str) -> nbformat.NotebookNode:
    """A notebook file as nbformat v4.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.ipynb`` file.

    Returns
    -------
    nbformat.NotebookNode
        The notebook.
    """
    return nbformat.read(str(path), as_version=4)


def code_cell_count(nb: nbformat.NotebookNode) -> int:
    """Number of code cells (what the progress bar counts).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A notebook.

    Returns
    -------
    int
        Its number of code cells.
    """
    return sum(cell.cell_type == "code" for cell in nb.cells)


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()[:80]
    return ""


def execute_notebook(path: Path | str, env: Mapping[str, str] | None = None, *,
                     cell_timeout: float = 600.0, notebook_timeout: float | None = None,
                     on_cell: Callable[[int, int], None] | None = None,
                     ) -> nbformat.NotebookNode:
    """Run every cell of the notebook at ``path`` in a new ``python3`` kernel; return it executed.

    ``env`` is the kernel's environment (see :func:`kernel_env`; default: ``kernel_env()``).
    ``cell_timeout`` [s] bounds each cell, ``notebook_timeout`` [s] the whole notebook including
    the kernel start. ``on_cell(index, n_cells)`` is called after each code cell (progress bars).
    The file is not modified. Raises :class:`NotebookFailure` on the first failing cell.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.ipynb`` file.
    env : mapping of str to str, optional
        See above.
    cell_timeout : float, default 600.0
        See above [s].
    notebook_timeout : float, optional
        See above [s]; default no limit.
    on_cell : callable, optional
        See above.

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook, with its outputs.

    Raises
    ------
    NotebookFailure
        When a cell raises, a time-out is reached or the kernel dies.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    path = Path(path).resolve()
    nb = read_notebook(path)
    started = time.monotonic()
    # shutdown_kernel="immediate": the kernel is stopped (SIGKILL) once its last cell has
    # replied; a graceful shutdown request waited 2.5 s for kernels that do not exit by
    # themselves, then sent SIGTERM (3.4 s per notebook, measured). Everything a notebook
    # writes (key results, kept results) is written by the cell that makes it.
    client = NotebookClient(nb, timeout=int(cell_timeout), kernel_name=KERNEL_NAME,
                            allow_errors=False, record_timing=True, shutdown_kernel="immediate",
                            extra_arguments=["--IPKernelApp.log_level=ERROR"],
                            resources={"metadata": {"path": str(path.parent)}})
    client.reset_execution_trackers()
    n_code = code_cell_count(nb)
    index = None
    try:
        with client.setup_kernel(env=dict(kernel_env() if env is None else env)):
            info = client.wait_for_reply(client.kc.kernel_info())
            if info is not None and "language_info" in info["content"]:
                nb.metadata["language_info"] = info["content"]["language_info"]
            done = 0
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                if notebook_timeout is not None:
                    remaining = notebook_timeout - (time.monotonic() - started)
                    if remaining <= 0:
                        raise CellTimeoutError(f"notebook timeout of {notebook_timeout:g} s reached")
                    client.timeout = int(max(1, min(cell_timeout, remaining)))
                client.execute_cell(cell, index, execution_count=client.code_cells_executed + 1)
                done += 1
                if on_cell is not None:
                    on_cell(done, n_code)
    except CellExecutionError as exc:
        raise _failure(path, nb, index, exc.ename, exc.evalue, exc.traceback) from None
    except (CellTimeoutError, DeadKernelError, TimeoutError) as exc:
        raise _failure(path, nb, index, type(exc).__name__, str(exc), "") from None
    return nb


def _failure(path: Path, nb, index: int | None, ename: str, evalue: str,
             traceback: str) -> NotebookFailure:
    source = nb.cells[index].source if index is not None else ""
    return NotebookFailure(path, index, ename, _ANSI.sub("", evalue or ""), _first_line(source),
                           _ANSI.sub("", traceback or ""), executed=nb)


def traceback_tail(failure: NotebookFailure, lines: int = 12) -> list[str]:
    """The last ``lines`` non-blank lines of the failing cell's traceback (without the cell
    source nbclient puts in front).

    Parameters
    ----------
    failure : NotebookFailure
        A failed run.
    lines : int, default 12
        Number of lines kept.

    Returns
    -------
    list of str
        The lines, last last.
    """
    text = failure.traceback.split("\n------------------\n")[-1]
    return [line for line in text.splitlines() if line.strip()][-lines:]


ASSETS_FOLDER = "_assets"
# BokehJS / Panel resources that notebook outputs may reference on a CDN (or, for templates, at
# JupyterLab's static path) instead of embedding them; each maps to a file shipped with the
# installed bokeh / panel packages.
_PANEL_URL = re.compile(r"(?:https://cdn\.holoviz\.org/panel/[0-9][^/\"']*/dist/"
                        r"|(?<![\w/.])static/extensions/panel/)([\w@%^.\-/]+?\.(?:css|js|woff2?|ttf|svg))")
_BOKEH_URL = re.compile(r"https://cdn\.bokeh\.org/bokeh/release/(bokeh(?:-[a-z]+)?)-[0-9][\w.]*?\.min\.js")


def localize_assets(page: str, folder: Path) -> str:
    """Point the CDN (and JupyterLab static) URLs of BokehJS / Panel resources in an HTML
    report at copies in ``folder/_assets`` taken from the installed packages, so that a report
    opens offline even when a notebook did not embed them (``pn.config.inline``). URLs whose
    file is not shipped are left as they are.

    Parameters
    ----------
    page : str
        An HTML report.
    folder : pathlib.Path
        The folder the report is written to (its ``_assets/`` receives the copies).

    Returns
    -------
    str
        The page with the URLs rewritten relative to ``folder``.
    """
    import bokeh
    import panel

    roots = {"panel": Path(panel.__file__).parent / "dist",
             "bokeh": Path(bokeh.__file__).parent / "server" / "static" / "js"}

    def local(kind: str, relative: str, original: str) -> str:
        decoded = unquote(relative)  # the browser decodes %5E, %40... before opening the file
        source = roots[kind] / decoded
        if ".." in Path(decoded).parts or not source.is_file():
            return original
        target = folder / ASSETS_FOLDER / kind / decoded
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        return f"{ASSETS_FOLDER}/{kind}/{relative}"

    page = _PANEL_URL.sub(lambda m: local("panel", m.group(1), m.group(0)), page)
    return _BOKEH_URL.sub(lambda m: local("bokeh", f"{m.group(1)}.min.js", m.group(0)), page)


def to_html(nb: nbformat.NotebookNode, *, title: str, stamp_html: str, css: str = "") -> str:
    """The executed notebook as one HTML page (JupyterLab look) with ``stamp_html`` at the top.

    Nothing is fetched from a CDN: require.js, MathJax and Mermaid are left out (LaTeX shows as
    source), images are inlined, Bokeh/Panel outputs carry their own JavaScript.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The executed notebook (not modified).
    title : str
        The page title.
    stamp_html : str
        The provenance block (:func:`~smartidf_analysis.reporting.reports.stamp_html`).
    css : str, default ""
        Extra CSS put in the page head.

    Returns
    -------
    str
        The HTML page.
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    for cell in nb.cells:  # Panel's comm bookkeeping leaves display_data outputs without data
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs
                            if o.output_type != "display_data" or o.get("data")]
    exporter = HTMLExporter(template_name="lab", template_file="smartidf_report.html.j2",
                            extra_loaders=[DictLoader({"smartidf_report.html.j2": _REPORT_TEMPLATE})],
                            embed_images=True, exclude_anchor_links=True)
    body, _ = exporter.from_notebook_node(nb, resources={
        "metadata": {"name": title}, "smartidf_stamp": stamp_html, "smartidf_css": css})
    return body
