"""Browser changes to one widget, handled in threads, end at the last value sent
(see apps/change_order.py)."""

from __future__ import annotations

import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import panel as pn
import pytest
from bokeh.document import Document
from panel.io.state import state

from smartidf_analysis.apps import change_order

CHANGES = 1_000
TRIALS = 10


class _Session:
    """Stands for a server session context: a document with one is a served page."""


@pytest.fixture(autouse=True)
def _served_panel():
    """Sliders throttled, as served (``apps/shell.setup``); Panel's own methods after."""
    with pn.config.set(throttled=True):
        yield
    change_order.uninstall()


def _final_value(threads: int) -> int:
    """What the server does with --num-threads: each change from the browser goes through
    ``_server_change`` (on the loop: here this thread), which schedules a batch when none
    is pending; the batch (``_change_event``) runs in the thread pool. The slider is
    throttled: the browser sends ``value`` and ``value_throttled`` on release, and Panel
    applies the latter."""
    session = _Session()
    doc = Document()
    doc._session_context = lambda: session  # what Bokeh's server sets (a weak reference)
    slider = pn.widgets.IntSlider(start=0, end=CHANGES)
    ref = slider.get_root(doc).ref["id"]
    with ThreadPoolExecutor(threads) as pool:
        batches = []
        doc.add_timeout_callback = lambda callback, timeout: batches.append(
            pool.submit(slider._change_event, doc))  # the loop hands the batch to a thread
        for value in range(1, CHANGES + 1):
            for attribute in ("value", "value_throttled"):
                slider._server_change(doc, ref, None, attribute, value - 1, value)
            if value % 7 == 0:
                time.sleep(0)  # the loop turns
        for batch in batches:
            batch.result()
    assert not slider._events  # nothing left pending
    return slider.value


def test_last_change_wins_with_threads(fast_switching):
    change_order.install()
    change_order.install()  # idempotent
    assert change_order.installed()
    finals = [_final_value(threads=2) for _ in range(TRIALS)]
    assert finals == [CHANGES] * TRIALS
    change_order.uninstall()
    assert not change_order.installed()


def test_one_thread_needs_no_lock(fast_switching):
    """The reference: one thread applies the batches in order, with Panel alone."""
    assert [_final_value(threads=1) for _ in range(3)] == [CHANGES] * 3


def test_busy_state_counts_every_event_from_threads(fast_switching):
    """Panel's busy counter, updated from four callback threads at once, ends empty."""
    change_order.install()
    errors: list[Exception] = []

    def events() -> None:
        for _ in range(2_000):
            event_id = uuid.uuid4().hex
            try:
                state._add_busy_event(event_id)
                state._remove_busy_event(event_id)
            except Exception as exc:  # noqa: BLE001 - counted: what Panel raises alone
                errors.append(exc)

    threads = [threading.Thread(target=events) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert state._busy_counter == [] and state.busy is False
    assert state.param.busy.readonly  # put back by every edit
