"""The shared page shell: template, navigation, language, synthetic banner, error guard."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable

import pandas as pd
import panel as pn
from panel.io.resources import LOCAL_DIST

from smartidf_analysis.data import db
from smartidf_analysis.data.build_cache import per_build

from .i18n import LANGS, tr
from .safe_text import escape_markdown
from .snapshot import snapshot_button

log = logging.getLogger("smartidf.apps")

PAGES = ("overview", "broadband", "commuting", "telecentres", "finder", "solar",
         "buildings", "territoire")
_READY = False


def setup() -> None:
    """``pn.extension`` once. Nothing is loaded from the internet: the template
    (:func:`template`) is Panel's Bootstrap one, whose CSS and JavaScript Panel serves
    itself (FastListTemplate links Google Fonts, which fail offline)."""
    global _READY
    if _READY:
        return
    pn.extension("tabulator", notifications=is_served(), loading_indicator=True,
                 defer_load=False, throttled=True)
    _READY = True


def is_served() -> bool:
    """True inside a `panel serve` session (a Bokeh server document), False in notebooks.

    Not ``pn.state.served``: it calls ``inspect.stack()`` (a stat and a source look-up for
    every frame of the stack, at each page build) and only looks at its direct caller's
    module, this one, so it was always False here.

    Returns
    -------
    bool
        Whether the current document belongs to a server session.
    """
    doc = pn.state.curdoc
    return doc is not None and doc.session_context is not None


def lang_of(args: dict | None) -> str:
    """Language asked by URL arguments ``args`` (name -> list of values, as Tornado and
    ``pn.state.session_args`` give them): the ``lang`` argument, French by default.

    Parameters
    ----------
    args : dict or None
        URL arguments (values as bytes or text).

    Returns
    -------
    str
        A language of :data:`~smartidf_analysis.apps.i18n.LANGS`.
    """
    raw = (args or {}).get("lang", [b"fr"])[0]
    lang = raw.decode("ascii", "ignore") if isinstance(raw, bytes) else str(raw)
    return lang if lang in LANGS else "fr"


def current_lang() -> str:
    """Language of the current session from the ``lang`` URL argument (default French).

    Returns
    -------
    str
        ``"fr"`` or ``"en"``.
    """
    return lang_of(pn.state.session_args)


def is_synthetic(path=None) -> bool:
    """True when the database (``path``, default the configured one) was built from the
    synthetic demo region.

    Parameters
    ----------
    path : str or Path, optional
        The DuckDB file.

    Returns
    -------
    bool
        The ``synthetic`` flag of the region totals.

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database does not exist.
    """
    frame = db.query("region_totals", path=path)
    return bool(frame["synthetic"].iloc[0])


@per_build(max_items=64)
def _build_facts(page: str) -> tuple[bool, pd.DataFrame]:
    return is_synthetic(), db.missing_datasets(page=page)


def build_facts(page: str) -> tuple[bool, pd.DataFrame]:
    """``(synthetic, missing datasets of the page)`` for the database build being served,
    read once per build and page (:func:`~smartidf_analysis.data.db.build_key`;
    every page opened read them again before: about 5 % of its server CPU). The frame is
    shared: read it, do not change it.

    Parameters
    ----------
    page : str
        A page of :data:`PAGES`.

    Returns
    -------
    (bool, DataFrame)
        Whether the data are synthetic, and the missing datasets of the page
        (:func:`~smartidf_analysis.data.db.missing_datasets`).

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database does not exist.
    """
    return _build_facts(page)  # the key and the reads of one build, even during a rebuild


def navigation(lang: str, active: str) -> pn.pane.Markdown:
    """Links to every page, keeping the language.

    Parameters
    ----------
    lang : str
        Language of the labels and links.
    active : str
        The current page (shown in bold, not linked).

    Returns
    -------
    panel.pane.Markdown
        The links and the language switch.
    """
    suffix = "?lang=en" if lang == "en" else ""
    items = []
    for page in PAGES:
        label = tr(page, lang)
        items.append(f"- **{label}**" if page == active else f"- [{label}](./{page}{suffix})")
    other = "fr" if lang == "en" else "en"
    items.append(f"\n[{tr('language', lang)}](./{active}?lang={other})")
    return pn.pane.Markdown("\n".join(items), sizing_mode="stretch_width")


def template(page: str, main: list, sidebar: list | None = None, lang: str = "fr",
             snapshot: Callable[[], list] | None = None):
    """The page template with navigation, a banner when data are synthetic, and ``main``.
    ``snapshot()`` makes a copy of ``main`` for the HTML snapshot (:meth:`.page.Page.snapshot`;
    default: clones of ``main``'s panes, for the static messages of :func:`guarded`).

    Parameters
    ----------
    page : str
        A page of :data:`PAGES`.
    main : list
        Objects of the main area.
    sidebar : list, optional
        Objects under the navigation.
    lang : str
        Language of the texts.
    snapshot : callable, optional
        Makes copies of ``main`` for the HTML snapshot.

    Returns
    -------
    panel.template.BootstrapTemplate or panel.Row
        The template when served, a plain row in a notebook.
    """
    setup()
    banner = []
    try:
        if build_facts(page)[0]:
            banner = [pn.pane.Alert(tr("synthetic_banner", lang), alert_type="warning",
                                    sizing_mode="stretch_width", css_classes=["synthetic-banner"])]
    except Exception:  # noqa: BLE001 - a missing database is reported by the page itself
        log.exception("could not read provenance")

    def snapshot_objects() -> list:
        """Copies of the banner and the content, never the session's own objects (see
        (:func:`~.snapshot.snapshot_html`)."""
        content = snapshot() if snapshot is not None else [obj.clone() for obj in main]
        return [*(obj.clone() for obj in banner), *content]

    save_button = snapshot_button(page, snapshot_objects, lang)
    if not is_served():  # inline in JupyterLab: the template's CSS would not load there
        return pn.Row(pn.Column(navigation(lang, page), *(sidebar or []), width=300),
                      pn.Column(*banner, *main, sizing_mode="stretch_width"),
                      sizing_mode="stretch_width")
    # No template busy indicator: Panel's is one spinner per session, all tied to the
    # process-wide pn.state.busy, so every callback's start and end redrew every open
    # session's spinner (O(sessions) per change: 26 % of a server process's CPU at 20
    # sessions each, py-spy under benchmarks/load.py, 2026-12-05), and showed a visitor as
    # busy because of another's callback. Pages show their own loading state.
    tpl = pn.template.BootstrapTemplate(
        title=f"{tr('app_title', lang)} — {tr(page, lang)}",
        sidebar=[navigation(lang, page), *(sidebar or []), save_button],
        main=[*banner, *main], header_background="#1f5c99", sidebar_width=300,
        busy_indicator=None,
    )
    return tpl


MAX_URL_VALUE = 512  # characters of one URL query value
MAX_URL_QUERY = 4096  # characters of all of them


def url_args_ok(args: dict | None = None) -> bool:
    """False when the URL query (``args``, default the session's) is oversized (hostile):
    the page then ignores the URL.

    Panel parses every query value (e.g. ``int()`` of a 5,000-digit number raises deep in
    its Location model), so oversized queries are refused before anything reads them.

    Parameters
    ----------
    args : dict, optional
        URL arguments (name -> list of values); default the session's.

    Returns
    -------
    bool
        True when no value passes :data:`MAX_URL_VALUE` characters and all together not
        :data:`MAX_URL_QUERY`.
    """
    args = pn.state.session_args if args is None else args
    sizes = [len(v) for values in (args or {}).values() for v in values]
    return all(n <= MAX_URL_VALUE for n in sizes) and sum(sizes) <= MAX_URL_QUERY


def page_html_key(request) -> tuple[str, str, bool, str]:
    """What a page's HTML depends on, for Panel's ``reuse_sessions`` (``smartidf serve``
    sets ``pn.config.session_key_func`` to this): the page's path, its language, whether
    the URL is refused (:func:`url_args_ok`) and the database build being served
    (:func:`~smartidf_analysis.data.db.build_key`: a synthetic banner, a missing
    dataset's message or a missing database change the page's roots).

    With session reuse, the HTML of a page is rendered from the first session made for its
    key, and the visitor's own session is made only when its websocket connects (from the
    visitor's URL): one session per opened page, on the process the websocket reached. The
    HTML carries the template's text (title, language) and the places of the document's
    roots, which BokehJS fills in order; the roots of every page are the same whatever the
    URL (the template and the page's skeleton, :class:`~.page.Page`), except for the
    language and a refused URL's bare page, hence this key. Panel keeps the session of
    each key for the server's lifetime: at most one per page, language and build.

    Parameters
    ----------
    request : tornado.httputil.HTTPServerRequest
        The request (its ``path`` and ``arguments``).

    Returns
    -------
    (str, str, bool, str)
        Path, language, whether the URL is accepted, build key (or "no database").
    """
    args = request.arguments or {}
    try:
        build = db.build_key()
    except db.DatabaseMissingError:
        build = "no database"
    return request.path, lang_of(args), url_args_ok(args), build


def serve(build, page: str) -> None:
    """Make the page servable: ``build(lang)`` through :func:`guarded`, URL state only when
    the query is sane (see :func:`url_args_ok`).

    Parameters
    ----------
    build : callable
        ``build(lang)`` returns the page's servable object.
    page : str
        A page of :data:`PAGES`.
    """
    doc = pn.state.curdoc
    if doc is not None:
        serve_stylesheets_locally(doc)
    if not url_args_ok():
        log.warning("oversized URL query refused on page %s", page)
        setup()  # a bare page: the template would read the URL through its location model
        pn.Column(pn.pane.Alert(f"{tr('bad_url', 'fr')} / {tr('bad_url', 'en')}",
                                alert_type="warning"),
                  pn.pane.Markdown(f"[{tr(page, 'fr')}](./{page})")).servable(location=False)
        return
    # A template adds each of its items as a separate root, and Bokeh re-walks every model
    # of the document after each add_root: with the references frozen it walks once
    # (broadband page: 2.7 s -> 1.3 s of server CPU per opened page, benchmarks/load.py).
    with doc.models.freeze() if doc is not None else contextlib.nullcontext():
        guarded(build, page).servable()


def serve_stylesheets_locally(doc) -> None:
    """Point the session's stylesheets at this server's copy of Panel's files.

    With several server processes (``smartidf serve --num-procs``), a page's websocket may
    land on another process than the one that served its HTML; that process builds the
    session from the websocket alone, where Panel 1.9.4 never sets the document's
    ``dist_url`` (only its HTML handler does) and falls back to its CDN's URLs, which fail
    offline (measured: 3 of 6 broadband pages with CDN requests with 2 processes). Setting
    it first, through Bokeh's public ``Document.template_variables``, gives every session
    the same local URLs; the HTML handler later sets the same value.

    Parameters
    ----------
    doc : bokeh.document.Document
        The session's document.
    """
    rel_path = pn.state.rel_path
    doc.template_variables.setdefault(
        "dist_url", f"{rel_path}/{LOCAL_DIST}" if rel_path else LOCAL_DIST)


def missing_data_panel(missing, lang: str) -> pn.pane.Alert:
    """What the page lacks: each missing dataset, its URL and the build's error, and how to
    get it (``missing``: rows of :func:`smartidf_analysis.data.db.missing_datasets`).

    Parameters
    ----------
    missing : DataFrame
        ``dataset_id``, ``title``, ``url``, ``error``.
    lang : str
        Language of the texts.

    Returns
    -------
    panel.pane.Alert
        The message (values escaped).
    """
    items = "\n".join(f"- **{escape_markdown(r.dataset_id)}** — {escape_markdown(r.title)} "
                      f"({escape_markdown(r.url)}) : <code>{escape_markdown(r.error[:300])}</code>"
                      for r in missing.itertuples())
    return pn.pane.Alert(f"{tr('missing_data', lang)}\n\n{items}\n\n{tr('missing_how', lang)}",
                         alert_type="danger", sizing_mode="stretch_width",
                         css_classes=["missing-data"])


def guarded(build, page: str):
    """Build a page; on any error show a short message and log the details (no traceback).
    A page whose datasets the last build could not get shows which ones and how to get
    them instead (the overview shows it above its catalogue).

    Parameters
    ----------
    build : callable
        ``build(lang)`` returns the page's servable object.
    page : str
        A page of :data:`PAGES`.

    Returns
    -------
    object
        What ``build`` returned, or a template with the message.
    """
    lang = current_lang()
    try:
        missing = build_facts(page)[1]
        if not missing.empty and page != "overview":
            log.warning("page %s: missing datasets %s", page, list(missing["dataset_id"]))
            return template(page, [missing_data_panel(missing, lang)], lang=lang)
        return build(lang)
    except db.DatabaseMissingError:
        log.exception("database missing")
        return template(page, [pn.pane.Alert(tr("no_database", lang), alert_type="danger")],
                        lang=lang)
    except Exception:  # noqa: BLE001 - never a traceback in the browser
        log.exception("page %s failed", page)
        return template(page, [pn.pane.Alert(tr("error", lang), alert_type="danger")], lang=lang)
