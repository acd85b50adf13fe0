"""`smartidf serve`'s supervisor (apps/supervisor.py) on small stand-in processes: a stop
signal reaches every process of the server's group, stubborn ones are killed after the grace
period, a child ending on its own ends the supervisor with its status, a busy port is one line.
The same on the real server: tests/ui/test_stop.py."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest

from smartidf_analysis.apps.supervisor import STOP_GRACE_SECONDS, check_port_free, exit_status
from smartidf_analysis.errors import SmartidfError

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux processes")

# The stand-in server: forks a worker (as `panel serve --num-procs` does), prints both pids,
# then each prints the signal it receives and exits, or ignores SIGTERM ("stubborn"), or the
# parent exits with status 3 at once ("exit").
SERVER = """
import os, signal, sys
mode = sys.argv[1]
if mode == "clean":  # SIGTERM taken by sigwait below (no race with a handler)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
else:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
worker = os.fork()
if worker:
    print(os.getpid(), worker, flush=True)
    if mode == "exit":
        sys.exit(3)
if mode == "clean":
    received = signal.sigwait({signal.SIGTERM})
    os.write(1, signal.Signals(received).name.encode() + b" ")  # one write: never interleaved
    os._exit(0)
while True:
    signal.pause()
"""
SUPERVISOR = ("import os, sys; from smartidf_analysis.apps.supervisor import supervise; "
              "sys.exit(supervise(sys.argv[2:], dict(os.environ), grace=float(sys.argv[1])))")
GRACE = 1.0  # [s] SIGTERM to SIGKILL for the stubborn processes (else the real one, 5 s)


def _start(mode: str, grace: float = GRACE) -> tuple[subprocess.Popen, list[int]]:
    proc = subprocess.Popen([sys.executable, "-c", SUPERVISOR, str(grace), sys.executable, "-c",
                             SERVER, mode], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    pids = [int(p) for p in proc.stdout.readline().split()]  # the server and its worker
    assert len(pids) == 2, proc.communicate()
    return proc, pids


def _left(pids: list[int]) -> list[int]:
    """The pids still existing (a zombie nobody reaped counts)."""
    return [pid for pid in pids if psutil.pid_exists(pid)]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_stop_signal_to_the_supervisor_reaches_every_process_of_the_group(signum):
    proc, pids = _start("clean", grace=STOP_GRACE_SECONDS)
    os.kill(proc.pid, signum)  # the supervisor only
    out, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert out.split() == ["SIGTERM", "SIGTERM"], err  # forwarded as SIGTERM to both
    # they stopped on SIGTERM within the grace period: nothing killed
    assert err.strip() == f"smartidf serve: stopped on {signal.Signals(signum).name}"
    assert _left(pids) == []


def test_processes_ignoring_sigterm_are_killed_after_the_grace_period():
    proc, pids = _start("stubborn")
    started = time.monotonic()
    os.kill(proc.pid, signal.SIGTERM)
    _out, err = proc.communicate(timeout=10)
    assert time.monotonic() - started >= GRACE  # given the grace period, then killed
    assert proc.returncode == 0 and "were killed" in err
    assert _left(pids) == []


def test_a_server_ending_on_its_own_ends_the_supervisor_with_its_status():
    proc, pids = _start("exit")  # its worker, left running and ignoring SIGTERM, is killed
    proc.communicate(timeout=10)
    assert proc.returncode == 3
    assert _left(pids) == []
    assert exit_status(-signal.SIGKILL) == 137 and exit_status(0) == 0


def test_a_busy_port_is_one_line_and_a_free_one_passes():
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Tornado
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        with pytest.raises(SmartidfError) as error:
            check_port_free("127.0.0.1", port)
        assert str(error.value) == f"port {port} on 127.0.0.1 is already in use"
        with pytest.raises(SmartidfError, match="already in use"):
            check_port_free("0.0.0.0", port)  # every address includes 127.0.0.1
    check_port_free("127.0.0.1", port)  # closed: free again
    with pytest.raises(SmartidfError, match="cannot listen on no-such-host.invalid"):
        check_port_free("no-such-host.invalid", port)
