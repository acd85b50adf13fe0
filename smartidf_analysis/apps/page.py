"""The base class of every served page: URL state, error guard, loading state and a cache of
the page's data keyed on the database build.

Over 400 lines: the module's account of a page's life and the numpydoc sections of
:class:`Page`'s methods; the code itself is under 300 lines.

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
  on the server's event loop from the loaded data.

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
- **Error guard.** :meth:`guard` wraps callbacks (plain or ``async``): an error is logged with
  its traceback and the page shows a short translated message (``page-error`` alert), never
  a traceback.
- **URL state.** :meth:`sync_url` keeps ``url_parameters`` of ``state`` in the URL (Panel's
  ``location.sync``); a bad value in a hand-edited URL is rejected by ``param``'s own
  validation, logged, and the page keeps its default.
- **Heavy callbacks** call :meth:`in_thread` (``await self.in_thread(func, ...)``) on a pure
  analysis function, then set the results on the loop (Panel's documented concurrency
  pattern for async callbacks).
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any, ClassVar

import panel as pn
import param

from smartidf_analysis import config
from smartidf_analysis.data import db
from smartidf_analysis.data.build_cache import BuildCache

from .i18n import LANGS, tr
from .shell import is_served, template

log = logging.getLogger("smartidf.apps.page")

#: Panel releases whose write queue can leave a message to the browser unsent (see
#: ``tests/test_upstream_bugs.py``, strict xfail): :meth:`Page.in_thread` works around it by
#: a later change of a hidden pane, which makes Panel send what it left queued. Another
#: Panel release stops the server at start-up (:func:`check_panel_version`) until the
#: reproduction says whether the workaround is still needed.
PANEL_WRITE_QUEUE_RACE = ("1.9.4",)
FLUSH_AFTER_MS = (250, 1500)  # [ms] after an async callback's result came back


def check_panel_version(version: str | None = None) -> None:
    """Raise unless ``version`` (default: the installed Panel) is one the write-queue
    workaround was checked against (:data:`PANEL_WRITE_QUEUE_RACE`).

    Parameters
    ----------
    version : str, optional
        A Panel version; default the installed one.

    Raises
    ------
    RuntimeError
        For a version not in :data:`PANEL_WRITE_QUEUE_RACE`.
    """
    version = version or pn.__version__
    if version not in PANEL_WRITE_QUEUE_RACE:
        raise RuntimeError(
            f"Panel {version}: the served pages work around a write-queue race of Panel "
            f"{', '.join(PANEL_WRITE_QUEUE_RACE)} (apps/page.py). Run "
            "tests/test_upstream_bugs.py: if the race is fixed (XPASS), remove the "
            "workaround; if not, add this version to PANEL_WRITE_QUEUE_RACE.")


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


class Page(pn.viewable.Viewer):
    """One session's page (see the module docstring for what a subclass declares)."""

    page: ClassVar[str] = ""
    State: ClassVar[type[param.Parameterized]] = param.Parameterized
    url_parameters: ClassVar[tuple[str, ...]] = ()

    state = param.ClassSelector(class_=param.Parameterized, doc="""
        The page's values (an instance of the page's ``State``); those named in
        ``url_parameters`` are kept in the URL.""")
    lang = param.Selector(default="fr", objects=list(LANGS), doc="""
        Language of the page's texts and number formats (French first).""")

    def __init__(self, **params):
        params.setdefault("state", self.State())
        super().__init__(**params)
        self.database = str(config.db_path())
        self.fingerprint = db.build_key(self.database)  # the build this session reads
        self.error_alert = pn.pane.Alert("", alert_type="danger", visible=False,
                                         sizing_mode="stretch_width", css_classes=["page-error"])
        self.url_alert = pn.pane.Alert("", alert_type="warning", visible=False,
                                       sizing_mode="stretch_width", css_classes=["page-url-alert"])
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

    def show_error(self, exc: BaseException | None, message: str | None = None) -> None:
        """Show ``message`` (default: the generic translated error) in the page's alert, or
        hide the alert when ``exc`` is None and no message is given.

        Parameters
        ----------
        exc : BaseException or None
            The error (not shown to the user).
        message : str, optional
            Text shown instead of the generic one.
        """
        if exc is None and message is None:
            self.error_alert.visible = False
            return
        self.error_alert.object = message or self.tr("error")
        self.error_alert.visible = True

    def guard(self, func: Callable) -> Callable:
        """``func`` (a callback, plain or async) with errors logged and shown as a short
        message in the page.

        Parameters
        ----------
        func : callable
            The callback.

        Returns
        -------
        callable
            The wrapped callback (it returns None after an error); it runs under the session's
            pinned build.
        """
        name = getattr(func, "__name__", repr(func))
        page = self

        def failed(exc: BaseException) -> None:
            log.error("%s page: callback %s failed", self.page, name, exc_info=exc)
            self.show_error(exc)

        if inspect.iscoroutinefunction(func):
            @functools.wraps(func)
            async def guarded_async(*args, **kwargs):
                try:
                    with db.using(page.build):
                        return await func(*args, **kwargs)
                except Exception as exc:  # noqa: BLE001 - never a traceback in the browser
                    failed(exc)
            return guarded_async

        @functools.wraps(func)
        def guarded_sync(*args, **kwargs):
            try:
                with db.using(page.build):
                    return func(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - never a traceback in the browser
                failed(exc)
        return guarded_sync

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

    async def in_thread(self, func: Callable, *args, **kwargs) -> Any:
        """``func(*args, **kwargs)`` in a worker thread when served (the event loop keeps
        serving other sessions), at once otherwise. For pure analysis functions only:
        they must not touch the page's panes or widgets.

        Served, the page is also changed a little later (:data:`FLUSH_AFTER_MS`: a hidden
        pane's text), so that whatever the caller then shows reaches the browser even when
        Panel's write queue left it queued (:data:`PANEL_WRITE_QUEUE_RACE`).

        Parameters
        ----------
        func : callable
            A pure function.
        *args, **kwargs
            Its arguments.

        Returns
        -------
        object
            What ``func`` returned.
        """
        if not is_served():
            return func(*args, **kwargs)
        result = await asyncio.to_thread(func, *args, **kwargs)
        doc = pn.state.curdoc
        if doc is not None:
            for delay in FLUSH_AFTER_MS:
                doc.add_timeout_callback(self._flush, delay)
        return result

    def snapshot(self) -> list:
        """The page's content made again from this session's state and build, for the HTML
        snapshot (:func:`~.shell.snapshot_html` calls it in a thread of its own, where the
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

    def _flush(self) -> None:
        """A change of the hidden marker pane: Panel then sends what it still held queued."""
        self._flushes += 1
        self._flush_marker.object = f"<!-- {self._flushes} -->"

    def when_shown(self, section: str, draw: Callable[[], None] | None) -> None:
        """``draw()`` now if ``section`` is the shown one (``state.section``), else when it is
        next shown, so that a hidden section's charts are built for nobody (``None``: forget
        the section's pending drawing). For pages whose ``State`` has a ``section``.

        Parameters
        ----------
        section : str
            A section name.
        draw : callable or None
            The drawing, called without arguments.
        """
        if draw is None:
            self._pending.pop(section, None)
        elif self.state.section == section:
            self._pending.pop(section, None)
            draw()
        else:
            self._pending[section] = draw

    def section_tabs(self, sections: dict[str, list], titles: dict[str, str],
                     **params) -> pn.Tabs:
        """``sections`` (name -> objects) as Panel's dynamic tabs titled ``titles[name]``, the
        shown one kept in ``state.section`` both ways (so in the URL when it is a URL
        parameter). Dynamic: a tab's models are made when it is first shown, and the
        drawings :meth:`when_shown` holds for it are run then.

        Parameters
        ----------
        sections : dict of str to list
            Section name -> objects.
        titles : dict of str to str
            Section name -> tab title.
        **params
            Further keyword arguments of ``pn.Tabs``.

        Returns
        -------
        panel.Tabs
            The tabs.
        """
        names = list(sections)
        tabs = pn.Tabs(*((titles[name], pn.Column(*sections[name], sizing_mode="stretch_width"))
                         for name in names),
                       active=names.index(self.state.section), dynamic=True,
                       sizing_mode="stretch_width", **params)

        def shown(*_):
            tabs.active = names.index(self.state.section)
            draw = self._pending.pop(self.state.section, None)
            if draw is not None:
                draw()

        tabs.param.watch(self.guard(lambda event: setattr(self.state, "section",
                                                          names[event.new])), "active")
        self.watch(shown, ["section"])
        return tabs

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
        self._main[:] = [self.url_alert, self.error_alert, self._flush_marker, *main]
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
