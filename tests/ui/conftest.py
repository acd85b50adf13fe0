"""Browser tests: `smartidf serve` on 127.0.0.1 driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.ui)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} missing: install Debian's chromium (make chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS,
            "headless": True}


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


def start_server(db_path: Path, tmp: Path, *extra: str, env: dict | None = None):
    """Start `smartidf serve` on a free port; returns (process, base_url, log_path)."""
    port = _free_port()
    log_path = tmp / f"serve-{port}.log"
    log = open(log_path, "w")
    full_env = {**os.environ, "SMARTIDF_DB": str(db_path), **(env or {})}
    smartidf = shutil.which("smartidf", path=str(Path(sys.executable).parent)) or "smartidf"
    proc = subprocess.Popen([smartidf, "serve", "--port", str(port), "--address", "127.0.0.1",
                             *extra], stdout=log, stderr=subprocess.STDOUT, env=full_env)
    return proc, f"http://127.0.0.1:{port}", log_path


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def served_app(app_db, tmp_path_factory):
    """The app served on 127.0.0.1 for the whole session; yields its base URL."""
    tmp = tmp_path_factory.mktemp("serve")
    proc, url, log_path = start_server(app_db, tmp)
    try:
        wait_http(f"{url}/overview")
    except RuntimeError:
        stop_server(proc)
        raise RuntimeError(log_path.read_text()) from None
    yield url
    stop_server(proc)
    server_log = log_path.read_text()
    assert "Traceback" not in server_log, server_log


@pytest.fixture
def console_errors(page):
    """Console errors and page errors collected during a test."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors
