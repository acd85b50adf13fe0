"""Panel's queued websocket messages are all sent, in order (see apps/write_queue.py)."""

from __future__ import annotations

import asyncio

import pytest
from bokeh.document import Document
from panel.io import document as panel_document

from smartidf_analysis.apps import write_queue


class _Socket:
    """Stands for a page's websocket (Panel writes to it through extra_socket_handlers)."""


class _Protocol:
    def create(self, msgtype: str, events: list) -> tuple:
        return (msgtype, *events)


class _Connection:
    def __init__(self) -> None:
        self._socket = _Socket()
        self.protocol = _Protocol()


@pytest.fixture
def socket_writes():
    """Messages written to the fake socket, and the pending futures of their writes."""
    sent: list[tuple] = []
    pending: list[asyncio.Future] = []

    def write(conn, msg=None):
        sent.append(msg)
        pending.append(asyncio.get_running_loop().create_future())
        return [pending[-1]]

    panel_document.extra_socket_handlers[_Socket] = write
    yield sent, pending
    del panel_document.extra_socket_handlers[_Socket]
    write_queue.uninstall()


def _replay(sent: list, pending: list) -> Document:
    """The order that strands a message (a probe found it in the served app): a batch is
    queued after the previous one's write completed, before the task that sent it resumed."""
    async def main() -> Document:
        doc, conn = Document(), _Connection()
        panel_document.schedule_write_events(doc, [conn], ["loading on"])
        await asyncio.sleep(0)  # its task sends it and awaits the write
        assert sent == [("PATCH-DOC", "loading on")]
        pending[0].set_result(None)  # the write completes: that task's wake-up is queued
        panel_document.schedule_write_events(doc, [conn], ["results"])  # behind the wake-up
        for _ in range(20):
            await asyncio.sleep(0)
        for future in pending[1:]:
            future.set_result(None)
        for _ in range(20):
            await asyncio.sleep(0)
        return doc

    return asyncio.run(main())


def test_panel_alone_strands_the_second_message(socket_writes):
    """The bug, with Panel's own code: the second message stays queued, unsent (the replay
    is deterministic: a Panel that sends it fails here, and apps/write_queue.py may go)."""
    sent, pending = socket_writes
    doc = _replay(sent, pending)
    assert sent == [("PATCH-DOC", "loading on")], \
        "this Panel sends the second message: apps/write_queue.py is not needed"
    assert panel_document._WRITE_MSGS[doc]  # queued for the page's next change
    panel_document._WRITE_MSGS.pop(doc)


def test_every_queued_message_is_sent_in_order(socket_writes):
    sent, pending = socket_writes
    write_queue.install()
    write_queue.install()  # idempotent
    assert write_queue.installed()
    doc = _replay(sent, pending)
    assert sent == [("PATCH-DOC", "loading on"), ("PATCH-DOC", "results")]
    assert doc not in panel_document._WRITE_MSGS  # nothing left queued
    assert doc not in panel_document._WRITE_BLOCK  # and the page no longer marked as writing
    write_queue.uninstall()
    assert not write_queue.installed()


def test_the_server_setup_installs_it_and_the_other_fixes():
    """What `panel serve --setup apps/warmup.py` does once the server's loop runs."""
    import gc

    from smartidf_analysis.apps import change_order, loop_events, warmup

    thresholds = gc.get_threshold()

    async def main() -> None:
        warmup.setup()
        await asyncio.sleep(0.1)  # the callbacks it added to the loop run

    try:
        asyncio.run(main())
        assert write_queue.installed() and loop_events.installed()
        assert change_order.installed()
        assert gc.get_threshold() == warmup.GC_THRESHOLDS
    finally:
        write_queue.uninstall()
        loop_events.uninstall()
        change_order.uninstall()
        gc.unfreeze()
        gc.set_threshold(*thresholds)
