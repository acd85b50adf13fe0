"""Serving helpers for browser tests: start `smartidf serve` on 127.0.0.1 and wait for it."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 180.0) -> None:
    """Wait until ``url`` answers HTTP 200 (panel's first request imports everything)."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                if response.status == 200:
                    return
        except Exception as exc:  # noqa: BLE001 - still starting
            last = exc
        time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer in {timeout} s: {last}")


def start_server(db_path: Path, tmp: Path, *extra: str, env: dict | None = None,
                 port: int | None = None):
    """Start `smartidf serve` on ``port`` (default: a free one); returns (process, base_url,
    log_path)."""
    port = port or _free_port()
    log_path = tmp / f"serve-{port}.log"
    log = open(log_path, "w")
    full_env = {**os.environ, "SMARTIDF_DB": str(db_path), **(env or {})}
    smartidf = shutil.which("smartidf", path=str(Path(sys.executable).parent)) or "smartidf"
    proc = subprocess.Popen([smartidf, "serve", "--port", str(port), "--address", "127.0.0.1",
                             *extra], stdout=log, stderr=subprocess.STDOUT, env=full_env,
                            start_new_session=True)
    return proc, f"http://127.0.0.1:{port}", log_path


@contextlib.contextmanager
def served(db_path: Path, tmp: Path, *extra: str, env: dict | None = None,
           ready: str = "/overview", check_log: bool = True):
    """`smartidf serve` started, waited for (``ready`` answers 200) and stopped; yields the
    base URL. The server's log goes into the failure when it does not start and, with
    ``check_log``, a traceback in it fails the test run at the end."""
    proc, url, log_path = start_server(db_path, tmp, *extra, env=env)
    try:
        wait_http(f"{url}{ready}")
    except RuntimeError:
        stop_server(proc)
        raise RuntimeError(log_path.read_text()) from None
    try:
        yield url
    finally:
        stop_server(proc)
    errors = server_errors(log_path.read_text()) if check_log else []
    assert not errors, errors


def stop_server(proc) -> None:
    """Stop the server and anything it started (its own process group)."""
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=20)


BENIGN = ("WebSocketClosedError", "StreamClosedError")


def server_errors(log_text: str) -> list[str]:
    """Tracebacks in a server log, except the benign ones of browsers closing websockets."""
    blocks = log_text.split("Traceback (most recent call last):")[1:]
    return [b[:2000] for b in blocks if not any(name in b for name in BENIGN)]
