"""The base class of every served page: URL state, error guard, loading state and a cache of
the page's data keyed on the database build.

A page subclasses :class:`Page` and declares:

- ``page``: its name in :data:`~.shell.PAGES` (``"broadband"``...);
- ``State``: a ``param.Parameterized`` class of its values, each declared with ``doc=`` (and
  its unit), and ``url_parameters``: those of them kept in the URL, so a copied link
  reopens the same view;
- ``load(database)``: a classmethod computing what every session of the page shares (tables,
  indicators, geometry) from the database file; pure and often slow. :meth:`Page.data`
  returns it cached per database **build** (:func:`~smartidf_analysis.data.db.build_key`:
  a rebuilt database is never served from a stale cache), computed once even when ten
  sessions open the page at once;
- ``render(data)``: the page's content, ``(main, sidebar)`` lists of panes and widgets, made
  on the server's event loop from the loaded data;
- ``labels``: its French and English texts (its ``texts`` module's ``LABELS``), registered
  with :mod:`~.i18n` when the class is defined: importing the page's package is enough for
  :func:`~.i18n.tr` to know them;
- ``user_errors``: the project's own errors (:mod:`smartidf_analysis.errors`) that a
  visitor's values can cause (a commune code that does not exist, an empty selection, an
  impossible siting setting), and ``explain(exc)``, what the page says of one; optionally
  ``error_label`` (the label of its generic error message), ``input_alert_classes`` (CSS
  classes of its warning) and ``extensions`` (Panel extensions it needs).

**One build per session.** A served session pins the database build it opens on
(:func:`~smartidf_analysis.data.db.pin`) and releases it when it ends
(``pn.state.on_session_destroyed``); its loads and callbacks (and the worker threads they
start) read that build and key their caches on it (:func:`~smartidf_analysis.data.db.using`).
A rebuild or an import while it is open changes nothing for it; sessions opened after it
read the new build; the old build's connection is closed after its last session. (With
``--reuse-sessions``, Panel 1.9.4 connects the first visitor of each page key to the session
that renders the key's HTML, which it never destroys: that one session keeps its build open
until the server stops; every later visitor gets a session of its own.)

What the base does, the same for every page:

- **First render without holding the loop.** Served, ``__panel__`` returns the template at
  once with a light skeleton (title, a loading pane); the data are loaded after the page's
  websocket is live (``pn.state.onload``) in a worker thread (``asyncio.to_thread``: the
  loop keeps serving the other sessions meanwhile) and the content then replaces the
  skeleton. Outside a server (notebooks, tests) everything is done at once.
- **One error path.** :meth:`~.guard.PageGuard.guard` wraps callbacks (plain or ``async``). One of the page's
  ``user_errors`` is the visitor's doing: a warning says what is wrong with the values
  (``page-input`` alert, :meth:`~.guard.PageGuard.explain`), and the page stays usable. Anything else is a
  bug or a broken database, not a bad setting: it is logged with its traceback and the page
  shows the generic translated error (``page-error`` alert), never the exception's text.
- **URL state.** :meth:`Page.sync_url` keeps ``url_parameters`` of ``state`` in the URL (Panel's
  ``location.sync``); a bad value in a hand-edited URL is rejected by ``param``'s own
  validation, logged, and the page keeps its default.
- **Heavy callbacks** are async and run their pure analysis function off the loop in a
  :meth:`~.updates.LatestUpdates.latest` block (``await update.run(func, ...)``, a worker
  thread), then set the results on the loop (Panel's documented concurrency pattern for
  async callbacks); only the latest change's result is shown.
- **Serving**: :meth:`Page.build_page` is what a page's entry script hands to
  :func:`~.shell.serve`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import panel as pn
import param

from smartidf_analysis import config
from smartidf_analysis.data import db
from smartidf_analysis.data.build_cache import BuildCache
from smartidf_analysis.errors import SmartidfError

from .guard import PageGuard
from .i18n import LANGS, register, tr
from .sections import PageSections
from .shell import is_served, template
from .updates import LatestUpdates

log = logging.getLogger("smartidf.apps.page")

#: each page class's shared data, of the last build it was loaded for
_PAGE_DATA = BuildCache(max_items=64, latest_build_only=True)


def cached_data(page_class: type[Page], database: str, build_key: str) -> Any:
    """``page_class.load(database)``, computed once per database build and page class
    (:class:`~smartidf_analysis.data.build_cache.BuildCache`: concurrent callers for one key
    wait for the first one's result). Entries of older builds of the same page are dropped
    when a new build is loaded.

    Parameters
    ----------
    page_class : type of Page
        The page class (its ``load``).
    database : str
        Path of the DuckDB file.
    build_key : str
        Its build (:func:`~smartidf_analysis.data.db.build_key`).

    Returns
    -------
    object
        What ``page_class.load`` returned (shared: read-only).
    """
    return _PAGE_DATA.get(build_key, f"{page_class.__module__}.{page_class.__qualname__}",
                          lambda: page_class.load(database))


def clear_cache() -> None:
    """Forget every page's loaded data (tests; a server never needs it: keys change with
    the build)."""
    _PAGE_DATA.clear()


class Page(PageGuard, LatestUpdates, PageSections, pn.viewable.Viewer):
    """One session's page (see the module docstring for what a subclass declares)."""

    page: ClassVar[str] = ""
    State: ClassVar[type[param.Parameterized]] = param.Parameterized
    url_parameters: ClassVar[tuple[str, ...]] = ()
    labels: ClassVar[Mapping[str, tuple[str, str]]] = {}  # registered with the class
    user_errors: ClassVar[tuple[type[SmartidfError], ...]] = ()  # said in a warning
    error_label: ClassVar[str] = "error"  # the label of the generic error message
    input_alert_classes: ClassVar[tuple[str, ...]] = ()  # the warning's CSS classes
    extensions: ClassVar[tuple[str, ...]] = ()  # Panel's, loaded by build_page

    state = param.ClassSelector(class_=param.Parameterized, doc="""
        The page's values (an instance of the page's ``State``); those named in
        ``url_parameters`` are kept in the URL.""")
    lang = param.Selector(default="fr", objects=list(LANGS), doc="""
        Language of the page's texts and number formats (French first).""")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        register(cls.labels)

    def __init__(self, **params):
        params.setdefault("state", self.State())
        super().__init__(**params)
        self.database = str(config.db_path())
        self.fingerprint = db.build_key(self.database)  # the build this session reads
        self.error_alert = pn.pane.Alert("", alert_type="danger", visible=False,
                                         sizing_mode="stretch_width", css_classes=["page-error"])
        self.url_alert = pn.pane.Alert("", alert_type="warning", visible=False,
                                       sizing_mode="stretch_width", css_classes=["page-url-alert"])
        self.input_alert = pn.pane.Alert("", alert_type="warning", visible=False,
                                         sizing_mode="stretch_width",
                                         css_classes=["page-input", *self.input_alert_classes])
        self._generations: dict[str, int] = {}  # channel -> its latest update (LatestUpdates)
        self._tasks: set[asyncio.Task] = set()  # the first update's, served
        self._main = pn.Column(sizing_mode="stretch_width", css_classes=["page-main"])
        self._flush_marker = pn.pane.HTML("", visible=False, css_classes=["page-flush"])
        self._flushes = 0
        self._sidebar = pn.Column(sizing_mode="stretch_width")
        self._pending: dict[str, Callable[[], None]] = {}  # section -> drawing when shown
        self._layout = None
        self.ready = False
        self.build = None  # the database build a served session reads (pinned in _open)

    # ------------------------------------------------------------ what a page declares
    @classmethod
    def load(cls, database: str) -> Any:
        """What every session of the page shares, computed from the database at
        ``database`` (pure; cached per build by :meth:`data`).

        Parameters
        ----------
        database : str
            Path of the DuckDB file.

        Returns
        -------
        object
            The page's data (None in the base class).
        """
        return None

    def prepare(self, data: Any) -> None:
        """Adapt the state to ``data`` before the URL is read (e.g. the quarters a
        selector offers); nothing by default.

        Parameters
        ----------
        data : object
            What :meth:`load` returned.
        """

    def render(self, data: Any) -> tuple[list, list]:
        """The page's ``(main, sidebar)`` objects made from ``data``.

        Parameters
        ----------
        data : object
            What :meth:`load` returned.

        Returns
        -------
        (list, list)
            Panes and widgets of the main area and of the sidebar.

        Raises
        ------
        NotImplementedError
            In the base class.
        """
        raise NotImplementedError

    # ------------------------------------------------------------------------ services
    def data(self) -> Any:
        """The page's shared data for the database build being served.

        Returns
        -------
        object
            :func:`cached_data` of the page class, database and build.
        """
        return cached_data(type(self), self.database, self.fingerprint)

    def tr(self, key: str) -> str:
        """The text ``key`` in the page's language.

        Parameters
        ----------
        key : str
            A key of :mod:`~smartidf_analysis.apps.i18n`.

        Returns
        -------
        str
            The text.
        """
        return tr(key, self.lang)

    def watch(self, func: Callable, names: list[str]) -> None:
        """Call ``func`` (guarded) when any of the state's ``names`` change.

        Parameters
        ----------
        func : callable
            Called with the param event.
        names : list of str
            Parameters of ``state`` watched.
        """
        self.state.param.watch(self.guard(func), names)

    def snapshot(self) -> list:
        """The page's content made again from this session's state and build, for the HTML
        snapshot (:func:`~.snapshot.snapshot_html` calls it in a thread of its own, where the
        copy is built at once, as outside a server): the session's own objects are never
        saved (their saved models would stay tied to them).

        Returns
        -------
        list
            The main objects of a fresh copy of the page.
        """
        copy = type(self)(lang=self.lang)
        copy.database, copy.fingerprint = self.database, self.fingerprint
        data = copy.data()
        copy.prepare(data)
        copy.state.param.update(**{name: value for name, value in self.state.param.values().items()
                                   if name != "name"})
        main, _sidebar = copy.render(data)
        return main

    def sync_url(self) -> None:
        """Keep ``url_parameters`` of the state in the URL (both ways)."""
        if pn.state.location is None or not self.url_parameters:
            return
        state = self.state

        def apply_valid(mapped: dict) -> None:
            for name, value in mapped.items():
                # the URL parser turns "77" into 77: give text parameters their text back
                candidates = [value, str(value)] if isinstance(value, int | float) else [value]
                error: Exception | None = None
                for candidate in candidates:
                    try:
                        state.param.update(**{name: candidate})
                        break
                    except Exception as exc:  # noqa: BLE001 - param validation of a URL value
                        error = exc
                else:
                    log.warning("%s page: rejected URL value for %s: %.80r (%s)", self.page,
                                name, value, type(error).__name__)
                    self.url_alert.object = f"{self.tr('url_ignored')} : {name}"
                    self.url_alert.visible = True

        pn.state.location.sync(state, list(self.url_parameters), on_error=apply_valid)

    # ------------------------------------------------------------------------ lifecycle
    def _fill(self, data: Any) -> None:
        self.prepare(data)
        self.sync_url()  # the URL's values are set before the content is made from them
        main, sidebar = self.render(data)
        self._main[:] = [self.url_alert, self.error_alert, self.input_alert, self._flush_marker,
                         *main]
        self._sidebar[:] = sidebar
        self._main.loading = False
        self.ready = True

    def _pin_build(self) -> None:
        """Pin the build being served now for this session, until it ends."""
        self.build = db.pin(self.database)
        self.fingerprint = self.build.fingerprint
        build = self.build
        log.debug("%s page: session pinned to %r", self.page, build)

        def ended(_session_context) -> None:
            db.unpin(build)
            log.debug("%s page: session ended, %r", self.page, build)

        pn.state.on_session_destroyed(ended)

    async def _open(self) -> None:
        try:
            self._pin_build()
            with db.using(self.build):
                data = await self.in_thread(self.data)
                with pn.io.hold():
                    self._fill(data)
        except Exception as exc:  # noqa: BLE001 - never a traceback in the browser
            log.error("%s page failed to open", self.page, exc_info=exc)
            self._main[:] = [pn.pane.Alert(self.tr("error"), alert_type="danger",
                                           sizing_mode="stretch_width")]
            self._main.loading = False

    def __panel__(self):
        if self._layout is not None:
            return self._layout
        if is_served():
            # the skeleton: Panel's loading state (``pn-loading``) until the content is in
            self._main[:] = [pn.pane.Markdown(self.tr("loading"), min_height=400,
                                              sizing_mode="stretch_width")]
            self._main.loading = True
            pn.state.onload(self._open)
        else:
            with db.pinned(self.database) as build:
                self.fingerprint = build.fingerprint
                self._fill(self.data())
        self._layout = template(self.page, [self._main], sidebar=[self._sidebar],
                                lang=self.lang, snapshot=self.snapshot)
        return self._layout

    @classmethod
    def build_page(cls, lang: str):
        """The page in ``lang``, what its entry script serves (:func:`~.shell.serve`); the
        page's Panel ``extensions`` loaded first.

        Parameters
        ----------
        lang : str
            ``"fr"`` or ``"en"``.

        Returns
        -------
        panel.template.BootstrapTemplate or panel.Row
            The template when served, a row in a notebook.
        """
        if cls.extensions:
            pn.extension(*cls.extensions)
        return cls(lang=lang).__panel__()
