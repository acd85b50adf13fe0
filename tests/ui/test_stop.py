"""`smartidf serve --num-procs 2` stops cleanly: a stop signal sent to its own pid only (not
its group) ends every server process it started and closes the port within 10 s; so does a
SIGKILL of it (Linux's parent-death signal); a second server on a busy port is a one-line
error while the first keeps serving; `/liveness` answers 200 without a login. The supervisor's
logic on stand-in processes: tests/test_supervisor.py."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from urllib.parse import urlparse

import psutil
import pytest
from serving import server_errors, start_server, stop_server, wait_http

from smartidf_analysis.apps.serve import server_environment

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux processes")

STOP_LIMIT = 10.0  # [s] from the signal to no server process left (issue 26)
AUTH_ENV = {"SMARTIDF_BASIC_AUTH": "correct-horse", "SMARTIDF_COOKIE_SECRET": "x" * 32}


def _started(db, tmp, *extra, **kwargs):
    """`smartidf serve --num-procs 2` answering on /liveness; returns (supervisor, url, log,
    server processes: the `panel serve` parent and its two workers)."""
    proc, url, log = start_server(db, tmp, "--num-procs", "2", *extra, **kwargs)
    try:
        wait_http(f"{url}/liveness")
    except RuntimeError:
        stop_server(proc)
        raise RuntimeError(log.read_text()) from None
    (panel,) = psutil.Process(proc.pid).children()
    workers = panel.children()
    assert len(workers) == 2, [p.cmdline() for p in workers]
    return proc, url, log, [panel, *workers]


def _port(url: str) -> int:
    return urlparse(url).port


def _port_closed(url: str) -> bool:
    try:
        socket.create_connection(("127.0.0.1", _port(url)), timeout=5).close()
    except ConnectionRefusedError:
        return True
    return False


def _status(url: str) -> int:
    """HTTP status of ``url``, redirects not followed."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP],
                         ids=lambda s: signal.Signals(s).name)
def test_a_stop_signal_stops_every_server_process_and_closes_the_port(app_db, tmp_path, signum):
    proc, url, log, servers = _started(app_db, tmp_path)
    try:
        # the server runs with the supervisor's allocator settings (jemalloc when installed)
        expected = server_environment(dict(os.environ)).get("LD_PRELOAD")
        assert all(p.environ().get("LD_PRELOAD") == expected for p in servers)
        os.kill(proc.pid, signum)  # the supervisor only: it forwards to its server's group
        assert proc.wait(timeout=STOP_LIMIT) == 0
    finally:
        stop_server(proc)
    # the supervisor returns only once every process of the group ended and was reaped
    # (a zombie counts as running)
    assert [p.pid for p in servers if p.is_running()] == []
    assert _port_closed(url)
    text = log.read_text()
    assert f"smartidf serve: stopped on {signal.Signals(signum).name}" in text
    assert server_errors(text) == []


def test_a_sigkilled_supervisor_takes_its_server_processes_with_it(app_db, tmp_path):
    proc, url, _log, servers = _started(app_db, tmp_path)
    os.kill(proc.pid, signal.SIGKILL)  # nothing to forward: the parent-death signals act
    proc.wait(timeout=STOP_LIMIT)
    gone, alive = psutil.wait_procs(servers, timeout=STOP_LIMIT)
    # a process that ended but is not yet reaped by init is a zombie: ended all the same
    assert [p.pid for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []
    assert _port_closed(url)


def test_restarting_with_auth_on_the_same_port_takes_it_and_a_second_server_cannot(app_db,
                                                                                   tmp_path):
    # the case: stopped, then restarted with --auth basic on the same port, a
    # stranger must meet the login page, not the old unauthenticated workers
    (tmp_path / "first").mkdir()
    first, url, _log, _servers = _started(app_db, tmp_path / "first")
    os.kill(first.pid, signal.SIGTERM)
    first.wait(timeout=STOP_LIMIT)
    (tmp_path / "second").mkdir()
    proc, url_again, log, _servers = _started(app_db, tmp_path / "second", "--auth", "basic",
                                              env=AUTH_ENV, port=_port(url))
    try:
        assert url_again == url
        assert _status(f"{url}/overview") == 302  # to the login page
        with urllib.request.urlopen(f"{url}/liveness", timeout=30) as response:  # no login
            assert response.status == 200
            assert json.loads(response.read()) == {"/liveness": True}
        env = {**os.environ, "SMARTIDF_DB": str(app_db)}
        smartidf = os.path.join(os.path.dirname(sys.executable), "smartidf")
        other = subprocess.run([smartidf, "serve", "--port", str(_port(url)), "--address",
                                "127.0.0.1"], env=env, capture_output=True, text=True,
                               timeout=120)
        assert other.returncode == 1
        assert other.stderr.splitlines() == [
            f"error: port {_port(url)} on 127.0.0.1 is already in use"]
        assert other.stdout == ""
        assert _status(f"{url}/liveness") == 200  # the first keeps serving
        assert _status(f"{url}/overview") == 302
    finally:
        stop_server(proc)
    assert server_errors(log.read_text()) == []
