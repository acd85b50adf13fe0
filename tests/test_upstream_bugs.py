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
The project's workaround, public API only (``apps/updates.py``): after each async callback's
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

pygeoapi 0.21.0 (the newest for Python 3.11): its Flask application answers these bad requests
with a 500 and a traceback in the log — a POST to ``/collections/<id>/items`` without
a Content-Type (the view returns None), ``sortby=`` with an empty name (it indexes the first
character), and an execute request that is not UTF-8, or JSON but not an object, or whose
``subscriber`` is not an object — and its generated OpenAPI document gives ``/conformance``
the landing page's response (which requires ``links``; a conformance declaration has
``conformsTo`` only). Found by schemathesis against ``smartidf publish`` (2026-12-05). The
project's workarounds, public API: a WSGI middleware in front of pygeoapi's app answers
those requests with a 4xx and a message (``publish/guard.py``, the service being read-only
anyway), and tests/test_publish.py checks ``/conformance`` for server errors only
(schemathesis's ``--exclude-path``/``--include-path``). The reproductions run pygeoapi's own
app, with its GeoJSON provider and hello-world process, in a Flask test client.

Panel 1.9.4 (``panel.config.basic_auth``): a basic-auth password given in ``PANEL_BASIC_AUTH``
is lower-cased (the property lower-cases whatever it reads, as it does for an OAuth
provider's name), so a password with a capital letter never matches what is typed. The
project's workaround (``apps/serve.py``, public API): a password is passed as
``--basic-auth`` (on the command line, which ``smartidf serve`` warns about; a credentials
file is recommended), the cookie secret in ``PANEL_COOKIE_SECRET``, which keeps its case.
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
                   "(write queue race); pages flush it (apps/updates.py)")
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
    from smartidf_analysis.apps.updates import PANEL_WRITE_QUEUE_RACE, check_panel_version

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


# ------------------------------------------------------------------------- pygeoapi 0.21
PYGEOAPI_PROBE = """
import json
from pygeoapi.flask_app import APP
client = APP.test_client()
execute = "/processes/hello-world/execution"
print(json.dumps({
    "good_items": client.get("/collections/points/items?f=json").status_code,
    "good_execute": client.post(execute, json={"inputs": {"name": "x"}}).status_code,
    "post_items_without_content_type": client.post("/collections/points/items").status_code,
    "empty_sortby": client.get("/collections/points/items?sortby=").status_code,
    "execute_not_utf8": client.post(execute, data=b"\\xea",
                                     content_type="application/json").status_code,
    "execute_not_an_object": client.post(execute, json=[1]).status_code,
    "subscriber_not_an_object": client.post(
        execute, json={"inputs": {"name": "x"}, "subscriber": 1}).status_code,
}))
"""


@pytest.fixture(scope="module")
def pygeoapi_server(tmp_path_factory):
    """(config, OpenAPI document, status of each probe) of a bare pygeoapi: a GeoJSON
    collection of two points and the hello-world process, run in a fresh interpreter
    (pygeoapi's Flask app reads its configuration when imported)."""
    import json
    import os
    import subprocess
    import sys

    import yaml
    from pygeoapi.openapi import get_oas

    folder = tmp_path_factory.mktemp("pygeoapi")
    points = folder / "points.geojson"
    points.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": i, "properties": {"name": f"p{i}"},
         "geometry": {"type": "Point", "coordinates": [2.3 + i / 10, 48.8]}} for i in (1, 2)]}))
    url = "http://localhost:5000"
    config = {
        "server": {"bind": {"host": "127.0.0.1", "port": 5000}, "url": url,
                   "mimetype": "application/json; charset=UTF-8", "encoding": "utf-8",
                   "languages": ["en-US"], "limits": {"default_items": 10, "max_items": 10},
                   "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                           "attribution": "OSM"}},
        "logging": {"level": "ERROR"},
        "metadata": {"identification": {"title": "t", "description": "d", "keywords": ["k"],
                                        "terms_of_service": "", "url": url},
                     "license": {"name": "MIT", "url": url}, "provider": {"name": "p"},
                     "contact": {"name": "c"}},
        "resources": {
            "points": {"type": "collection", "title": "points", "description": "two points",
                       "keywords": ["points"], "extents": {"spatial": {"bbox": [2, 48, 3, 49]}},
                       "providers": [{"type": "feature", "name": "GeoJSON", "data": str(points),
                                      "id_field": "id"}]},
            "hello-world": {"type": "process", "processor": {"name": "HelloWorld"}}}}
    (folder / "config.yml").write_text(yaml.safe_dump(config))
    document = get_oas(config)
    (folder / "openapi.json").write_text(json.dumps(document))
    env = {**os.environ, "PYGEOAPI_CONFIG": str(folder / "config.yml"),
           "PYGEOAPI_OPENAPI": str(folder / "openapi.json")}
    done = subprocess.run([sys.executable, "-c", PYGEOAPI_PROBE], env=env, capture_output=True,
                          text=True, timeout=300, check=True)
    return config, document, json.loads(done.stdout.strip().splitlines()[-1])


def test_pygeoapi_probe_reaches_the_app(pygeoapi_server):
    """The reproductions below reach pygeoapi: a good request answers 200 there."""
    _config, document, answers = pygeoapi_server
    assert answers["good_items"] == answers["good_execute"] == 200
    assert "/collections/points/items" in document["paths"]


@pytest.mark.parametrize("probe", ["post_items_without_content_type", "empty_sortby",
                                   "execute_not_utf8", "execute_not_an_object",
                                   "subscriber_not_an_object"])
@pytest.mark.xfail(strict=True, reason="pygeoapi 0.21 answers these bad requests with a 500")
def test_pygeoapi_answers_a_bad_request_without_a_server_error(pygeoapi_server, probe):
    assert pygeoapi_server[2][probe] < 500


@pytest.mark.xfail(strict=True, reason="pygeoapi 0.21 documents /conformance with the landing "
                   "page's response")
def test_pygeoapi_documents_the_conformance_declaration_as_such(pygeoapi_server):
    ref = pygeoapi_server[1]["paths"]["/conformance"]["get"]["responses"]["200"]["$ref"]
    assert not ref.endswith("/LandingPage")


@pytest.mark.xfail(strict=True, reason="Panel 1.9.4 lower-cases PANEL_BASIC_AUTH")
def test_panel_keeps_the_case_of_a_basic_auth_password_from_the_environment(monkeypatch):
    from panel.config import config

    monkeypatch.setenv("PANEL_BASIC_AUTH", "Correct-Horse")
    assert config.basic_auth == "Correct-Horse"


def test_panel_keeps_the_case_of_the_cookie_secret_from_the_environment(monkeypatch):
    """What the workaround relies on: the cookie secret from the environment as it is."""
    from panel.config import config

    monkeypatch.setenv("PANEL_COOKIE_SECRET", "Mixed-Case-Secret")
    assert config.cookie_secret == "Mixed-Case-Secret"
