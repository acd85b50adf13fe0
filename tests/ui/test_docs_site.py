"""The documentation site in Chromium: its index and an API page open with no console error and
no request leaving the machine (served by Python's http.server on a free port of 127.0.0.1)."""

from __future__ import annotations

import functools
import http.server
import threading
from urllib.parse import urlsplit

import pytest
from docs_site import built_site
from playwright.sync_api import expect
from serving import _free_port

pytestmark = pytest.mark.slow


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="module")
def site_url():
    html, proc = built_site()
    assert proc.returncode == 0, f"sphinx-build -W failed:\n{proc.stderr[-6000:]}"
    handler = functools.partial(_QuietHandler, directory=str(html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def requests_elsewhere(page, site_url):
    """URLs the page asked for that are not on the local server."""
    local = urlsplit(site_url).netloc
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url)
            if urlsplit(r.url).scheme in ("http", "https") and urlsplit(r.url).netloc != local
            else None)
    return asked


@pytest.mark.parametrize("path, heading", [
    ("index.html", "smartidf-analysis"),
    ("api/generated/smartidf_analysis.telecentres.scenarios.run_scenario.html", "run_scenario"),
])
def test_docs_page_opens_without_console_errors(page, site_url, console_errors,
                                                requests_elsewhere, path, heading):
    response = page.goto(f"{site_url}/{path}", wait_until="load")
    assert response is not None and response.status == 200
    expect(page.locator("h1").first).to_contain_text(heading)
    # the theme's scripts ran: its navigation bar is built and the search button is there
    expect(page.locator(".bd-header").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert not console_errors, console_errors
    assert not requests_elsewhere, requests_elsewhere
