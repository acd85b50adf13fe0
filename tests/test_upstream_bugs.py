"""Known bugs of dependencies, each as a minimal reproduction marked ``xfail(strict=True)``:
the day a release fixes one, its test passes, strict xfail turns that into a failure, and
the note here (and the workaround it names) can go.

Panel 1.9.4's write queue (``panel.io.document``): a batch of model changes queued for a
page's websocket while a previous write is in flight is left unsent when the task that sent
the previous batch resumes in the same loop turn, after the new batch's task was scheduled
and before it ran: that task clears the page's "writing" mark and the new one returns
without sending. Seen in the served app (a probe found it once in a 120 s load run, 2026-12-02);
the symptom is a page whose spinner stays on until its next change (measured again
without a thread pool, 2026-12-03: 2 of 517 widget changes never answered in
``benchmarks/load.py``, both after async callbacks, whose results go through that queue).
The project's workaround, public API only (``apps/page.py``): after each async callback's
result, the page changes a hidden pane a little later (Bokeh's
``Document.add_timeout_callback``), and that write makes Panel send what it left queued;
the server refuses to start on a Panel release the workaround was not checked on. The
reproduction drives Panel's functions directly (module-private names used here only, to
reproduce the bug).

dask.distributed 2026.8 (``Client.scatter``): scattering the same data again, with the default
content hash and ``broadcast=True``, right after the previous future of that data was
dropped, gives a future the scheduler cancels ("lost dependencies"; the scheduler logs "Key
lost during replication"): the release of the old key reaches the scheduler after the new
scatter reused it. Seen in CI (2026-12-03) when two telecentre sweeps ran one after the
other on the test cluster; 8 to 9 of 10 rescatters fail in the reproduction. The project's
workaround, public API (``data/compute.py``, ``map_shared``): ``hash=False`` (a fresh key per
scatter) and an explicit ``Future.release()`` once the sweep is gathered.
"""

from __future__ import annotations

import asyncio

import pytest
from bokeh.document import Document
from panel.io import document as panel_document


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


@pytest.mark.xfail(strict=True, reason="Panel 1.9.4 leaves a queued websocket message unsent "
                   "(write queue race); pages flush it (apps/page.py)")
def test_panel_sends_every_queued_message_in_order(socket_writes):
    sent, pending = socket_writes

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

    doc = asyncio.run(main())
    try:
        assert sent == [("PATCH-DOC", "loading on"), ("PATCH-DOC", "results")]
    finally:
        panel_document._WRITE_MSGS.pop(doc, None)
        panel_document._WRITE_BLOCK.pop(doc, None)


def test_the_server_refuses_a_panel_release_the_workaround_was_not_checked_on():
    from smartidf_analysis.apps.page import PANEL_WRITE_QUEUE_RACE, check_panel_version

    check_panel_version(PANEL_WRITE_QUEUE_RACE[0])
    check_panel_version()  # the locked environment's Panel is a checked one
    with pytest.raises(RuntimeError, match="test_upstream_bugs.py"):
        check_panel_version("1.9.99")


@pytest.mark.xfail(strict=True, reason="dask.distributed 2026.8 cancels a rescattered hashed "
                   "future whose previous copy was just released (see module docstring)")
def test_distributed_keeps_data_scattered_again_after_its_release():
    import numpy as np
    from distributed import Client, LocalCluster

    def total(shared, extra):
        return int(shared.sum()) + extra

    data = np.arange(200_000)
    failures = 0
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        for _ in range(10):
            future = client.scatter(data, broadcast=True)
            try:
                client.gather(client.map(total, [future] * 2, [1, 2], pure=False))
            except Exception:  # noqa: BLE001 - the bug shows as FutureCancelledError
                failures += 1
            del future
    assert failures == 0


def test_the_project_sweeps_rescatter_without_losing_data(monkeypatch):
    """The workaround (``compute.map_shared``) on the same pattern: no failure in 10 sweeps."""
    import numpy as np
    from distributed import Client, LocalCluster

    from smartidf_analysis.data import compute

    def total(shared, extra):
        return int(shared.sum()) + extra

    data = np.arange(200_000)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster, Client(cluster):
        monkeypatch.delenv("SMARTIDF_DASK_ADDRESS", raising=False)
        results = [compute.map_shared(total, [1, 2], data) for _ in range(10)]
    expected = int(data.sum())
    assert results == [[expected + 1, expected + 2]] * 10
