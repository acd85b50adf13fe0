"""Document events raised in callback threads reach the session: none lost to a hold."""

from __future__ import annotations

import asyncio
import threading

import pytest
from bokeh.document import Document
from bokeh.document.events import SessionCallbackAdded

from smartidf_analysis.apps import loop_events

CALLBACKS = 5_000


class _Session:
    """Stands for a server session context: a document with one is a served page."""


def _served_document() -> tuple[Document, list]:
    session = _Session()
    doc = Document()
    doc._session_context = lambda: session  # what Bokeh's server sets (a weak reference)
    received: list = []
    doc.on_change(lambda e: received.append(e) if isinstance(e, SessionCallbackAdded) else None)
    return doc, received


def _run_loop_holding(doc: Document, stop: threading.Event, ready: threading.Event,
                      state: dict) -> None:
    """The server's side: its loop holds and unholds the document continuously (what Panel
    does around each batch of changes it applies)."""
    async def main() -> None:
        state["thread"] = threading.get_ident()
        if state["install"]:
            loop_events.install()
        ready.set()
        while not stop.is_set():
            doc.hold("combine")
            await asyncio.sleep(0)
            doc.unhold()
            await asyncio.sleep(0)
        for _ in range(100):  # a few more loop turns before the end
            await asyncio.sleep(0)

    asyncio.run(main())


def _add_callbacks_from_a_thread(install: bool) -> int:
    doc, received = _served_document()
    stop, ready, state = threading.Event(), threading.Event(), {"install": install}
    server = threading.Thread(target=_run_loop_holding, args=(doc, stop, ready, state))
    server.start()
    try:
        assert ready.wait(10)
        for _ in range(CALLBACKS):  # a callback thread scheduling its page changes
            doc.add_next_tick_callback(lambda: None)
    finally:
        stop.set()
        server.join(30)
        loop_events.uninstall()
    doc.unhold()
    return len(received)


def test_every_callback_added_from_a_thread_reaches_the_session(fast_switching):
    assert _add_callbacks_from_a_thread(install=True) == CALLBACKS


def test_without_the_hand_over_bokeh_loses_some(fast_switching):
    """Why the module exists: Bokeh alone loses some of these events (2-21 of 5,000 in
    each of 10 attempts here). If none of 5 attempts loses one, the test fails: the reason
    for :mod:`loop_events` is gone (a new Bokeh fixed the race?) and it may go."""
    for _ in range(5):
        if _add_callbacks_from_a_thread(install=False) < CALLBACKS:
            return
    pytest.fail("Bokeh alone delivered every event in 5 attempts: if a new Bokeh fixed the "
                "race, apps/loop_events.py (and this test) may go")


def test_documents_without_session_keep_their_hold():
    loop_events.install()
    try:
        doc, received = Document(), []
        doc.on_change(lambda e: received.append(threading.get_ident()))
        doc.hold("combine")
        worker = threading.Thread(target=lambda: doc.add_next_tick_callback(lambda: None))
        worker.start()
        worker.join()
        assert received == []  # held: not a served page
        doc.unhold()
        assert len(received) == 1
        assert loop_events.installed()
    finally:
        loop_events.uninstall()
    assert not loop_events.installed()


def test_model_changes_made_off_the_loop_keep_bokehs_own_path():
    """Held like any model change (Panel's temporary CDN stylesheet URLs during a snapshot
    must not reach the browser): only session-callback events skip the hold."""
    from bokeh.models import Div

    doc, _ = _served_document()
    div = Div(text="before")
    doc.add_root(div)
    changes: list = []
    doc.on_change(lambda e: changes.append((getattr(e, "attr", None), threading.get_ident())))
    loop_events.install()
    try:
        doc.hold("combine")
        worker = threading.Thread(target=lambda: setattr(div, "text", "after"))
        worker.start()
        worker.join()
        assert changes == []  # held
        doc.unhold()
    finally:
        loop_events.uninstall()
    assert [attr for attr, _ in changes] == ["text"]


def test_thread_dispatch_leaves_bokehs_curdoc_stack_alone():
    """Bokeh's own path pushes the document on its process-wide ``curdoc()`` stack from the
    thread, under the loop's feet; the dispatch here does not touch it."""
    from bokeh.io import doc as bokeh_doc

    depths: list[int] = []
    doc, _ = _served_document()
    doc.on_change(lambda e: depths.append(len(bokeh_doc._PATCHED_CURDOCS)))

    def add_from_a_thread() -> None:
        worker = threading.Thread(target=lambda: doc.add_next_tick_callback(lambda: None))
        worker.start()
        worker.join()

    add_from_a_thread()  # Bokeh alone
    loop_events.install()
    try:
        add_from_a_thread()
    finally:
        loop_events.uninstall()
    assert depths == [1, 0]
