"""The printable report of a territory: one standalone HTML file (inline CSS and SVG map, no
script, no server) and an A4 PDF printed from it.

Renderer: **Chromium's print to PDF through Playwright**. It is the engine the browser tests
already drive (Debian's ``chromium`` and the locked ``playwright`` package, nothing else to
install), so the PDF is exactly what a reader's browser shows of the HTML report (same
fonts, SVG and CSS, ``@page`` and ``@media print`` rules honoured), and one browser started
once prints every territory of a level. WeasyPrint would add a Python dependency and
Debian's Pango libraries, and has its own CSS and SVG subset to keep in step with.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from smartidf_analysis.apps.i18n import tr
from smartidf_analysis.apps.territoire.document import esc, profile_body
from smartidf_analysis.apps.territoire.flows_map import flows_map_svg
from smartidf_analysis.broadband import io as broadband_io
from smartidf_analysis.data import db
from smartidf_analysis.data.build_cache import per_build
from smartidf_analysis.errors import SmartidfError
from smartidf_analysis.reporting import territory as terr
from smartidf_analysis.reporting.territory import registry

FORMATS = ("html", "pdf")
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
STYLE = """
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:11px;color:#222;margin:16px}
h1{font-size:20px;margin:0 0 4px} h2{font-size:17px;margin:6px 0}
h3{font-size:14px;margin:14px 0 4px;border-bottom:2px solid #1f6fb2}
h4{font-size:12px;margin:8px 0 2px}
table{border-collapse:collapse;width:100%;margin-bottom:6px}
th,td{border-bottom:1px solid #ddd;padding:2px 4px;text-align:left;vertical-align:top}
td.value{font-weight:bold;white-space:nowrap} td.num{white-space:nowrap}
td.source{color:#555;font-size:9px} .note{color:#555;font-size:9px}
.missing-theme{color:#a4161a;font-weight:bold} figure{margin:4px 0}
figcaption{font-size:9px;color:#555} .synthetic{color:#a4161a;font-weight:bold}
@page{size:A4;margin:12mm}
@media print{body{margin:0} section{break-inside:auto} tr,figure{break-inside:avoid}
h3,h4{break-after:avoid}}
"""


@per_build(max_items=2)
def _outlines() -> pd.DataFrame:
    return broadband_io.load_map()


def report_parts(code: str, level: str | None = None, lang: str = "fr",
                 inputs: terr.TerritoryInputs | None = None) -> dict:
    """What the page and the report show of one territory: ``profile`` (the frame of
    :func:`~smartidf_analysis.reporting.territory.figures.territory_profile`), ``destinations``,
    ``origins`` (top flows), ``map`` (SVG), ``trajectory`` (fibre), ``sites`` (nearest
    telecentre sites), ``pooling`` (employers' pooling groups) and ``body`` (the HTML
    fragment).

    Parameters
    ----------
    code : str
        The territory's code.
    level : str, optional
        Its level; ``None`` to find it at any level.
    lang : str, default "fr"
        Language of the HTML (``"fr"`` or ``"en"``).
    inputs : TerritoryInputs, optional
        The profile's inputs; default: the current build's
        (:func:`~smartidf_analysis.reporting.territory.inputs.load_inputs`).

    Returns
    -------
    dict
        The keys above: frames (``profile``, ``destinations``, ``origins``, ``trajectory``,
        ``sites``, ``pooling``) and strings (``map``, ``body``).

    Raises
    ------
    TerritoryNotFound
        If no territory has that code (at that level).
    ValueError
        If ``level`` is unknown.
    """
    inputs = inputs or terr.load_inputs()
    profile = terr.territory_profile(code, level, inputs=inputs)
    t = profile.attrs["territory"]
    dest = terr.top_flows(t["code"], t["level"], "destinations", inputs=inputs)
    orig = terr.top_flows(t["code"], t["level"], "origins", inputs=inputs)
    members = registry.members(inputs.communes, t["level"], t["code"])
    svg = flows_map_svg(_outlines(), members, dest, orig)
    trajectory = terr.fibre_trajectory(t["code"], t["level"], inputs=inputs)
    sites = terr.nearest_sites(t["code"], t["level"], inputs=inputs)
    pooling = terr.pooling_opportunities(t["code"], t["level"], inputs=inputs)
    return {"profile": profile, "destinations": dest, "origins": orig, "map": svg,
            "trajectory": trajectory, "sites": sites, "pooling": pooling,
            "body": profile_body(profile, dest, orig, svg, lang, trajectory, sites, pooling)}


def standalone_html(parts: dict, lang: str = "fr") -> str:
    """The report as one HTML document (inline style and map, no script).

    Parameters
    ----------
    parts : dict
        What :func:`report_parts` returned (``profile`` and ``body`` are used).
    lang : str, default "fr"
        Language of the title and notes (``"fr"`` or ``"en"``).

    Returns
    -------
    str
        A complete HTML document, dated today, naming the configured database's build time.
    """
    t = parts["profile"].attrs["territory"]
    banner = (f"<p class='synthetic'>{esc(tr('synthetic_banner', lang))}</p>"
              if parts["profile"].attrs.get("synthetic") else "")
    return (f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
            f"<title>{esc(tr('report_title', lang))} — {esc(t['name'])}</title>"
            f"<style>{STYLE}</style></head><body>"
            f"<h1>{esc(tr('report_title', lang))}</h1>{banner}{parts['body']}"
            f"<p class='note'>{esc(tr('report_made', lang))} {date.today().isoformat()} "
            f"(build {esc(db.read_metadata(db.source()[1]).get('built_at', '?'))}).</p>"
            "</body></html>")


def chromium_path() -> str:
    """The Chromium executable that prints the PDFs (Debian's ``chromium``).

    Returns
    -------
    str
        The path of the first of :data:`CHROMIUM_CANDIDATES` found on ``PATH``.

    Raises
    ------
    SmartidfError
        If none is found.
    """
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise SmartidfError("no Chromium found to print the PDF (install Debian's chromium: "
                        "`apt-get install chromium`), or use --format html")


class PdfPrinter:
    """One headless Chromium (Playwright) printing HTML documents to A4 PDFs; a context
    manager, so a whole level is printed by one browser. Playwright's synchronous API runs
    in the printer's own thread, so printing works from any caller, even one whose thread
    runs an asyncio loop (a Panel server, a notebook kernel, pytest-playwright's tests)."""

    def __enter__(self) -> PdfPrinter:
        executable = chromium_path()  # no Chromium: the clear error, before anything starts
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf-printer")
        try:
            self._thread.submit(self._start, executable).result()
        except BaseException:
            self._thread.shutdown()
            raise
        return self

    def _start(self, executable: str) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        try:
            self._browser = self._pw.chromium.launch(executable_path=executable,
                                                     args=["--no-sandbox"])
            self._page = self._browser.new_page()
        except BaseException:
            self._pw.stop()
            raise

    def _print(self, document: str, out: Path) -> Path:
        self._page.set_content(document, wait_until="load")
        self._page.pdf(path=str(out), format="A4", print_background=True,
                       margin={"top": "12mm", "bottom": "12mm", "left": "12mm", "right": "12mm"})
        return out

    def print(self, document: str, out: Path) -> Path:
        """``document`` (HTML text) printed to ``out`` (A4, backgrounds kept).

        Parameters
        ----------
        document : str
            A complete HTML document (:func:`standalone_html`).
        out : pathlib.Path
            The PDF file written (overwritten).

        Returns
        -------
        pathlib.Path
            ``out``.
        """
        return self._thread.submit(self._print, document, out).result()

    def _stop(self) -> None:
        self._browser.close()
        self._pw.stop()

    def __exit__(self, *exc) -> None:
        try:
            self._thread.submit(self._stop).result()
        finally:
            self._thread.shutdown()


def write_report(code: str, out: str | Path, level: str | None = None, fmt: str = "pdf",
                 lang: str = "fr", printer: PdfPrinter | None = None) -> Path:
    """Write the report of one territory to ``out`` as ``fmt`` (html | pdf).

    Parameters
    ----------
    code : str
        The territory's code.
    out : str or pathlib.Path
        The file written (its folder is created).
    level : str, optional
        Its level; ``None`` to find it at any level.
    fmt : {"pdf", "html"}, default "pdf"
        One of :data:`FORMATS`.
    lang : str, default "fr"
        Language of the report (``"fr"`` or ``"en"``).
    printer : PdfPrinter, optional
        An open printer to reuse; ``None`` starts one for this report (PDF only).

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    ValueError
        If ``fmt`` or ``level`` is unknown.
    TerritoryNotFound
        If no territory has that code (at that level).
    SmartidfError
        If a PDF is asked and no Chromium is found (:func:`chromium_path`).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; known: {FORMATS}")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    document = standalone_html(report_parts(code, level, lang), lang)
    if fmt == "html":
        out.write_text(document, encoding="utf-8")
        return out
    if printer is not None:
        return printer.print(document, out)
    with PdfPrinter() as own:
        return own.print(document, out)


def write_level(level: str, out_dir: str | Path, fmt: str = "pdf", lang: str = "fr",
                codes: Iterable[str] | None = None, progress: bool = True) -> list[Path]:
    """One report per territory of ``level`` in ``out_dir`` (``<level>-<code>.<fmt>``), with a
    progress bar; one browser prints them all.

    Parameters
    ----------
    level : str
        One of :data:`~smartidf_analysis.reporting.territory.registry.LEVELS`.
    out_dir : str or pathlib.Path
        The folder written to (created).
    fmt : {"pdf", "html"}, default "pdf"
        One of :data:`FORMATS`.
    lang : str, default "fr"
        Language of the reports (``"fr"`` or ``"en"``).
    codes : iterable of str, optional
        The territories to write; default every territory of ``level``.
    progress : bool, default True
        Show a progress bar (tqdm).

    Returns
    -------
    list of pathlib.Path
        The files written, in the order of ``codes``.

    Raises
    ------
    ValueError
        If ``level`` or ``fmt`` is unknown (``fmt``: at the first report).
    TerritoryNotFound
        If a code is no territory of ``level``.
    """
    registry.check_level(level)
    inputs = terr.load_inputs()
    table = inputs.table[inputs.table["level"] == level]
    codes = list(codes) if codes is not None else list(table["code"])
    out_dir = Path(out_dir)
    written = []
    with PdfPrinter() if fmt == "pdf" else contextlib.nullcontext() as printer:
        for code in tqdm(codes, desc=f"reports ({level})", unit="territory", disable=not progress):
            written.append(write_report(code, out_dir / f"{level}-{code}.{fmt}", level, fmt, lang,
                                        printer))
    return written
