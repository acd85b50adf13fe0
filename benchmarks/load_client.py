"""Browserless sessions for the load benchmark: Bokeh protocol clients, one per thread.

A session does what a browser does to the server: an HTTP GET of the page (the server
builds the page's document, as for a browser), then a websocket on that session, which
receives the whole document. It then changes one widget of the page, as a click would
(a PATCH-DOC message), and times how long the server takes to send back the change of the
element that shows the result (a caption or a KPI block) — widget-to-update latency
without a browser's rendering. Only server work is measured, so 20 of these fit on the
machine that runs the server; a browser probe (load.py) measures what a user sees.
"""

from __future__ import annotations

import random
import re
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import panel.models  # noqa: F401 - registers Panel's Bokeh models for deserialisation
import panel.models.tabulator  # noqa: F401
from bokeh.client.session import ClientSession
from bokeh.client.util import websocket_url_for_server_url
from bokeh.document.events import MessageSentEvent
from bokeh.events import DocumentReady
from bokeh.model import Model
from bokeh.models import RadioButtonGroup, Select, Slider
from bokeh.util.token import get_session_id

TOKEN = re.compile(r'"token":"([A-Za-z0-9_\-.]+)"')
TIMEOUT = 30.0  # seconds to wait for an update before counting an error
# Bokeh's client awaits its next message from inside the handler of the previous one, so
# its stack deepens with every message (~15 per widget change); the default limit of 1,000
# frames ends a session after a few dozen changes with a RecursionError.
sys.setrecursionlimit(200_000)
threading.stack_size(512 * 2**20)  # room for that depth in each session's IO thread
OPENING = threading.Semaphore(2)  # pages being opened at once (a ramp-up: the server
# builds each page's document in one Python thread; 20 at once time out the websockets)


@dataclass(frozen=True)
class Recipe:
    """How to change a widget of ``page`` and see the result."""

    page: str
    find_widget: Callable[[Model], bool]
    values: Callable[[Model], tuple]  # two property dicts the widget alternates between
    marker: str  # css class of the element whose text changes with the result


def _slider(title: str) -> Callable[[Model], bool]:
    return lambda m: isinstance(m, Slider) and m.title == title


def _slider_values(a, b) -> Callable[[Model], tuple]:
    # the sliders are throttled: Panel reads value_throttled (sent on release)
    return lambda m: ({"value": a, "value_throttled": a}, {"value": b, "value_throttled": b})


RECIPES = {
    "overview": Recipe(
        "overview", lambda m: isinstance(m, RadioButtonGroup) and "Population" in m.labels,
        lambda m: ({"active": 1}, {"active": 0}), "map-caption"),
    "broadband": Recipe(  # the quarter slider (no title): last quarter and the one before
        "broadband", lambda m: isinstance(m, Slider) and not m.title and m.start == 0,
        lambda m: ({"value": m.end - 1, "value_throttled": m.end - 1},
                   {"value": m.end, "value_throttled": m.end}), "broadband-map-caption"),
    "commuting": Recipe(
        "commuting", lambda m: isinstance(m, Select) and m.title == "Indicateur",
        lambda m: ({"value": m.options[1][0]}, {"value": m.options[0][0]}),
        "commuting-map-caption"),
    "solar": Recipe("solar", _slider("Pertes du système (%)"), _slider_values(16.0, 14.0),
                    "solar-totals"),
    "telecentres": Recipe("telecentres", _slider("Nombre de télécentres (p)"),
                          _slider_values(150, 200), "tc-caption"),
}


class _ServerTokenSession(ClientSession):
    """A client session joining the session the server made for the HTTP GET of the page."""

    def __init__(self, token: str, websocket_url: str):
        self._server_token = token
        super().__init__(session_id=get_session_id(token), websocket_url=websocket_url)

    @property
    def token(self) -> str:
        return self._server_token


def open_session(base_url: str, page: str) -> _ServerTokenSession:
    """GET the page like a browser, then join its session over the websocket."""
    url = f"{base_url}/{page}"
    with urllib.request.urlopen(f"{url}?lang=fr", timeout=120) as response:
        html = response.read().decode("utf-8")
    match = TOKEN.search(html)
    if match is None:
        raise RuntimeError(f"no session token in the page {url}")
    session = _ServerTokenSession(match.group(1), websocket_url_for_server_url(url))
    session.pull()  # the whole document travels, as to a browser
    _document_ready(session)
    return session


def _document_ready(session: ClientSession) -> None:
    """Tell the server the page is rendered, as BokehJS does: Panel runs its on-load
    callbacks then, and until then defers (HoloViews: reschedules) every server-side
    update of the document."""
    doc = session.document
    doc.callbacks.trigger_on_change(
        MessageSentEvent(doc, "bokeh_event", DocumentReady(), setter=None))


def _find(session: ClientSession, predicate: Callable[[Model], bool], what: str) -> Model:
    for model in session.document.models:
        if predicate(model):
            return model
    raise RuntimeError(f"{what} not found in the page")


def _marker(session: ClientSession, css_class: str) -> Model:
    return _find(session, lambda m: css_class in (getattr(m, "css_classes", None) or []),
                 f"element .{css_class}")


class LiveSession:
    """An open session whose IO loop runs in a thread of its own; the document is touched
    only on that loop (Bokeh documents are not thread-safe), the caller waits on events."""

    def __init__(self, base_url: str, page: str, marker_class: str):
        self.session = open_session(base_url, page)
        self.marker = _marker(self.session, marker_class)
        self._updated = threading.Event()
        self.marker.on_change("text", lambda attr, old, new: self._updated.set())
        connection = self.session._connection  # noqa: SLF001 - no public loop handle
        self.loop = connection.io_loop
        self._thread = threading.Thread(target=connection.loop_until_closed, daemon=True)
        self._thread.start()

    def change(self, widget: Model, values: dict, timeout: float = TIMEOUT) -> float | None:
        """Change ``widget`` as a browser would; seconds until the marker's text changed,
        or None after ``timeout`` seconds."""
        self._updated.clear()
        began = time.perf_counter()
        self.loop.add_callback(_change, widget, values)
        return time.perf_counter() - began if self._updated.wait(timeout) else None

    @property
    def connected(self) -> bool:
        return self.session.connected

    def close(self) -> None:
        self.loop.add_callback(self.session.close)
        self._thread.join(timeout=30)


def _change(widget: Model, values: dict) -> None:
    """Set widget properties as the browser does (``value_throttled`` is read-only in
    Python: BokehJS sets it when a slider is released)."""
    for name, value in values.items():
        if name == "value_throttled":
            widget.set_from_json(name, value)
        else:
            setattr(widget, name, value)


@dataclass
class SessionResult:
    latencies: list[float]
    pages: list[str]  # the page of each latency
    errors: list[str]
    open_times: list[float]  # seconds from the HTTP GET to a live document


def run_session(base_url: str, recipe: Recipe, *, duration: float, max_changes: int,
                think: float, seed: int, start: threading.Barrier | None,
                result: SessionResult) -> None:
    """One session: open ``recipe.page``, then alternate the widget between two values,
    waiting a random think time (uniform 0.5–1.5 × ``think`` seconds) between changes."""
    rng = random.Random(seed)
    live = None
    try:
        with OPENING:
            began = time.perf_counter()
            live = LiveSession(base_url, recipe.page, recipe.marker)
            result.open_times.append(time.perf_counter() - began)
        widget = _find(live.session, recipe.find_widget, f"widget of {recipe.page}")
        values = recipe.values(widget)
        if start is not None:
            start.wait(timeout=600)
        deadline = time.monotonic() + duration
        for change in range(max_changes):
            if time.monotonic() > deadline:
                break
            latency = live.change(widget, values[change % 2])
            if latency is not None:
                result.latencies.append(latency)
                result.pages.append(recipe.page)
            else:
                result.errors.append(f"{recipe.page}: no update within {TIMEOUT:.0f} s")
                if not live.connected:
                    break
            time.sleep(think * rng.uniform(0.5, 1.5))
    except Exception as exc:  # noqa: BLE001 - counted as an error of the run
        result.errors.append(f"{recipe.page}: {type(exc).__name__}: {exc}")
        if start is not None:
            start.abort()  # the others would wait for this session forever
    finally:
        if live is not None:
            live.close()


def run_sessions(base_url: str, pages: list[str], sessions: int, *, duration: float,
                 max_changes: int, think: float, seed: int = 0,
                 extra_parties: int = 0) -> tuple[SessionResult, threading.Barrier, list]:
    """Start ``sessions`` client sessions over ``pages`` (round robin), in threads; they
    start changing widgets together once all are open (``extra_parties`` more, e.g. a
    browser, join the same barrier). Returns the shared result, the barrier and threads."""
    result = SessionResult([], [], [], [])
    barrier = threading.Barrier(sessions + extra_parties)
    threads = [threading.Thread(
        target=run_session, daemon=True,
        args=(base_url, RECIPES[pages[i % len(pages)]]),
        kwargs=dict(duration=duration, max_changes=max_changes, think=think, seed=seed + i,
                    start=barrier, result=result)) for i in range(sessions)]
    for thread in threads:
        thread.start()
    return result, barrier, threads


def churn(base_url: str, page: str, count: int, batch: int = 10) -> list[str]:
    """Open and close ``count`` sessions of ``page``, ``batch`` at a time; their errors."""
    errors: list[str] = []

    def one():
        try:
            open_session(base_url, page).close()
        except Exception as exc:  # noqa: BLE001 - counted
            errors.append(f"{type(exc).__name__}: {exc}")

    for first in range(0, count, batch):
        threads = [threading.Thread(target=one) for _ in range(min(batch, count - first))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    return errors
