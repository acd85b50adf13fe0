"""Browserless sessions for the load benchmark: the Bokeh server protocol spoken directly.

A session does to the server what a browser does: an HTTP GET of the page (the server
builds the page's document), then the session's websocket (subprotocol ``bokeh`` + the
token from the page), a PULL-DOC request (the whole document travels, as to a browser) and
the ``document_ready`` event BokehJS sends once the page is rendered (Panel runs its on-load
callbacks then, and defers server-side updates until it). It then changes one widget as a
click would (a PATCH-DOC ``ModelChanged`` message) and times how long the server takes to
send back the change of the element that shows the result (a caption or a KPI block):
widget-to-update latency without a browser's rendering (the Chromium probe in load.py
measures that).

Each message is read as the wire gives it (header, metadata, content, binary buffers);
only the pulled document and the messages that name the watched element are parsed as
JSON, and no Bokeh document is kept. All the sessions share one asyncio loop in one thread:
the driver costs a few per cent of a core, so on a 2-core machine the server's CPU is what
is measured (the previous driver, Bokeh's Python client, took ~60 % of a core
deserialising every patch into 19 documents, beside the server it measured).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect

TOKEN = re.compile(r'"token":"([A-Za-z0-9_\-.]+)"')
TIMEOUT = 30.0  # seconds to wait for an update before counting an error
OPENING = 2  # pages opened at once (a ramp-up: the server builds each document in one thread)
# seconds for the websocket handshake (tornado's default, kept explicit; a browser waits
# longer): a page whose opening queues that long is counted as an error
WS_CONNECT_TIMEOUT = 20.0
DOCUMENT_READY = {"kind": "MessageSent", "msg_type": "bokeh_event",
                  "msg_data": {"type": "event", "name": "document_ready", "values": {"type": "map"}}}

Model = dict  # a serialised Bokeh model: {"type": "object", "name", "id", "attributes"}


@dataclass(frozen=True)
class Recipe:
    """How to change a widget of ``page`` and see the result."""

    page: str
    find_widget: Callable[[str, dict], bool]  # (model type without module, attributes)
    values: Callable[[dict], tuple]  # two {property: value} dicts the widget alternates between
    marker: str  # css class of the element whose text changes with the result


def _slider(title: str) -> Callable[[str, dict], bool]:
    return lambda name, a: name == "Slider" and a.get("title") == title


def _slider_values(a, b) -> Callable[[dict], tuple]:
    # the sliders are throttled: Panel reads value_throttled (BokehJS sets it on release)
    return lambda m: ({"value": a, "value_throttled": a}, {"value": b, "value_throttled": b})


RECIPES = {
    "overview": Recipe(
        "overview", lambda name, a: name == "RadioButtonGroup" and "Population" in a.get("labels", []),
        lambda a: ({"active": 1}, {"active": 0}), "map-caption"),
    "broadband": Recipe(  # the quarter slider (no title): last quarter and the one before
        "broadband", lambda name, a: name == "Slider" and not a.get("title") and a.get("start") == 0,
        lambda a: ({"value": a["end"] - 1, "value_throttled": a["end"] - 1},
                   {"value": a["end"], "value_throttled": a["end"]}), "broadband-map-caption"),
    "commuting": Recipe(
        "commuting", lambda name, a: name.endswith("Select") and a.get("title") == "Indicateur",
        lambda a: ({"value": a["options"][1][0]}, {"value": a["options"][0][0]}),
        "commuting-map-caption"),
    "solar": Recipe("solar", _slider("Pertes du système (%)"), _slider_values(16.0, 14.0),
                    "solar-totals"),
    "telecentres": Recipe("telecentres", _slider("Nombre de télécentres (p)"),
                          _slider_values(150, 200), "tc-caption"),
}


def _models(value) -> Iterator[Model]:
    """Every serialised model in a pulled document (models are nested where first used)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") == "object" and "id" in item:
                yield item
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _message(msgtype: str, content: dict) -> list[str]:
    header = {"msgid": uuid.uuid4().hex, "msgtype": msgtype}
    return [json.dumps(header), "{}", json.dumps(content)]


OPEN_TIMEOUT = 120.0  # [s] from the live document to the page's content


class Session:
    """One page's session over the raw websocket (use from the driver's asyncio loop)."""

    def __init__(self, base_url: str, recipe: Recipe):
        self.url, self.recipe = f"{base_url}/{recipe.page}", recipe
        self.socket = self._listener = None
        self.widget_id = self.marker_id = ""
        self.widget: dict = {}
        self.marker_text = ""  # what the watched element shows
        self._changed = asyncio.Event()

    async def open(self) -> float:
        """GET the page, join its session, pull the document, say it is rendered, wait for
        the page's content (pages open with a skeleton and send their content once the
        browser said it is ready) and for the watched element's first result (the solar
        page computes its roofs after its content is shown: a change sent before then was
        answered by that first result, and the next change, back to the value shown, by
        nothing); seconds from the GET to the live, filled document."""
        began = time.perf_counter()
        html, cookies = await asyncio.to_thread(self._get)
        match = TOKEN.search(html)
        if match is None:
            raise RuntimeError(f"no session token in the page {self.url}")
        ws_url = self.url.replace("http://", "ws://", 1) + "/ws"
        # the cookies the page set go with its websocket, as a browser sends them (behind
        # deploy/nginx.conf: the visitor cookie that keeps both on one instance)
        request = HTTPRequest(ws_url, headers={"Cookie": cookies} if cookies else {},
                              connect_timeout=WS_CONNECT_TIMEOUT)
        self.socket = await websocket_connect(request, subprotocols=["bokeh", match.group(1)],
                                              max_message_size=2**30)
        await self._read()  # ACK
        for frame in _message("PULL-DOC-REQ", {}):
            await self.socket.write_message(frame)
        while True:
            header, content = await self._read(parse=True)
            if header["msgtype"] == "PULL-DOC-REPLY":
                break
        self._find(content["doc"])
        await self._send([DOCUMENT_READY])
        try:
            await asyncio.wait_for(self._content(), OPEN_TIMEOUT)
        except TimeoutError:
            raise RuntimeError(f"widget or element .{self.recipe.marker} not found in "
                               f"{self.url} within {OPEN_TIMEOUT} s") from None
        self._listener = asyncio.get_running_loop().create_task(self._listen())
        return time.perf_counter() - began

    async def _content(self) -> None:
        # the content after the skeleton, then the watched element's first text
        while not (self.widget_id and self.marker_id and self.marker_text):
            header, content = await self._read(parse=True)
            if header["msgtype"] != "PATCH-DOC":
                continue
            self._find(content)
            for event in content.get("events", []):
                if (event.get("kind") == "ModelChanged" and event.get("attr") == "text"
                        and event.get("model", {}).get("id") == self.marker_id):
                    self.marker_text = event.get("new") or ""

    def _get(self) -> tuple[str, str]:
        """The page's HTML and the cookies it set (``name=value; ...``)."""
        with urllib.request.urlopen(f"{self.url}?lang=fr", timeout=120) as response:
            cookies = "; ".join(c.split(";", 1)[0]
                                for c in response.headers.get_all("Set-Cookie") or [])
            return response.read().decode("utf-8"), cookies

    def _find(self, doc: dict) -> None:
        for model in _models(doc):
            attrs = model.get("attributes", {})
            kind = model.get("name", "").rsplit(".", 1)[-1]  # panel.models.widgets.CustomSelect
            if not self.widget_id and self.recipe.find_widget(kind, attrs):
                self.widget_id, self.widget = model["id"], attrs
            if not self.marker_id and self.recipe.marker in (attrs.get("css_classes") or []):
                self.marker_id = model["id"]
                self.marker_text = attrs.get("text") or ""

    async def _read(self, parse: bool = False) -> tuple[dict, dict | str]:
        """One whole message: (header, content as parsed JSON or raw text); buffers skipped."""
        frames = [await self.socket.read_message() for _ in range(3)]
        if frames[0] is None:
            raise ConnectionError("websocket closed")
        header = json.loads(frames[0])
        for _ in range(2 * header.get("num_buffers", 0)):
            await self.socket.read_message()
        return header, json.loads(frames[2]) if parse else frames[2]

    async def _listen(self) -> None:
        """Set the update event when a PATCH-DOC changes the watched element's text."""
        needle = f'"{self.marker_id}"'
        try:
            while True:
                header, content = await self._read()
                if header["msgtype"] != "PATCH-DOC" or needle not in content:
                    continue
                if any(e.get("kind") == "ModelChanged" and e.get("attr") == "text"
                       and e.get("model", {}).get("id") == self.marker_id
                       for e in json.loads(content)["events"]):
                    self._changed.set()
        except (ConnectionError, asyncio.CancelledError):
            return
        except Exception:  # noqa: BLE001 - a closed stream ends the session
            return

    async def _send(self, events: list[dict]) -> None:
        for frame in _message("PATCH-DOC", {"events": events}):
            await self.socket.write_message(frame)

    async def change(self, values: dict, timeout: float = TIMEOUT) -> float | None:
        """Set the widget's properties as a browser would; seconds until the watched element
        changed, or None after ``timeout`` seconds."""
        self._changed.clear()
        began = time.perf_counter()
        await self._send([{"kind": "ModelChanged", "model": {"id": self.widget_id}, "attr": name,
                           "new": value} for name, value in values.items()])
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except TimeoutError:
            return None
        return time.perf_counter() - began

    def close(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
        if self.socket is not None:
            self.socket.close()


@dataclass
class SessionResult:
    latencies: list[float] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # the page of each latency
    errors: list[str] = field(default_factory=list)
    open_times: list[float] = field(default_factory=list)  # seconds from the GET to a live document


async def _run(base_url: str, recipes: list[Recipe], *, duration: float, max_changes: int,
               think: float, seed: int, barrier: threading.Barrier, result: SessionResult) -> None:
    opening = asyncio.Semaphore(OPENING)

    async def open_one(recipe: Recipe) -> Session | None:
        async with opening:
            session = Session(base_url, recipe)
            try:
                result.open_times.append(await session.open())
            except Exception as exc:  # noqa: BLE001 - counted as an error of the run
                result.errors.append(f"{recipe.page}: {type(exc).__name__}: {exc}")
                session.close()
                return None
            return session

    sessions = await asyncio.gather(*(open_one(r) for r in recipes))
    try:
        await asyncio.to_thread(barrier.wait, 600)  # the browser probe is ready too
    except threading.BrokenBarrierError:
        result.errors.append("the browser probe failed: no load phase")
        return

    async def drive(i: int, session: Session) -> None:
        rng = random.Random(seed + i)
        values = session.recipe.values(session.widget)
        deadline = time.monotonic() + duration
        for change in range(max_changes):
            if time.monotonic() > deadline:
                break
            latency = await session.change(values[change % 2])
            if latency is None:
                result.errors.append(f"{session.recipe.page}: no update within {TIMEOUT:.0f} s")
            else:
                result.latencies.append(latency)
                result.pages.append(session.recipe.page)
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))

    await asyncio.gather(*(drive(i, s) for i, s in enumerate(sessions) if s is not None))
    for session in sessions:
        if session is not None:
            session.close()


def run_sessions(base_url: str, pages: list[str], sessions: int, *, duration: float,
                 max_changes: int, think: float, seed: int = 0,
                 extra_parties: int = 0) -> tuple[SessionResult, threading.Barrier, list]:
    """Start ``sessions`` sessions over ``pages`` (round robin) on one asyncio loop in a
    thread; they start changing widgets together once all are open and ``extra_parties``
    others (e.g. a browser) have joined the returned barrier. Returns (result, barrier,
    [thread])."""
    result = SessionResult()
    barrier = threading.Barrier(1 + extra_parties)
    recipes = [RECIPES[pages[i % len(pages)]] for i in range(sessions)]
    thread = threading.Thread(target=asyncio.run, daemon=True, args=(_run(
        base_url, recipes, duration=duration, max_changes=max_changes, think=think, seed=seed,
        barrier=barrier, result=result),))
    thread.start()
    return result, barrier, [thread]


def churn(base_url: str, page: str, count: int, batch: int = 10) -> tuple[list[str], list[float]]:
    """Open and close ``count`` sessions of ``page``, ``batch`` at a time; their errors and
    the opening times of the others (GET to live document) [s]."""
    errors: list[str] = []
    open_times: list[float] = []

    async def one() -> None:
        session = Session(base_url, RECIPES[page])
        try:
            open_times.append(await session.open())
        except Exception as exc:  # noqa: BLE001 - counted
            errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            session.close()

    async def all_batches() -> None:
        for first in range(0, count, batch):
            await asyncio.gather(*(one() for _ in range(min(batch, count - first))))

    asyncio.run(all_batches())
    return errors, open_times
