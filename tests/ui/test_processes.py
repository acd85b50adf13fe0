"""Several server processes (`smartidf serve --num-procs 2`): a page's websocket may land on
another process than the one that served its HTML, which then builds the visitor's session.
Every page (and the refusal of an oversized URL) is opened so that it does: its HTML rendered
by one server process while the other is stopped, then everything after (scripts, stylesheets,
the websocket and the visitor's session) served by the other while the first is stopped; once
each way. Each opening must load only from this server (no CDN request: the tests run
offline) and show no console error."""

from __future__ import annotations

import contextlib
import urllib.error
import urllib.request
from urllib.parse import urlparse

import psutil
import pytest
from serving import CHROMIUM, CHROMIUM_ARGS, served
from waits import wait_rendered

TIMEOUT = 90_000
PAGES = ("overview", "broadband", "commuting", "telecentres", "finder", "solar", "buildings")


@pytest.fixture(scope="module")
def two_processes(app_db, tmp_path_factory):
    with served(app_db, tmp_path_factory.mktemp("serve2"), "--num-procs", "2") as url:
        yield url


@pytest.fixture(scope="module")
def crossing_browser(browser_type):
    """Chromium for openings whose HTML this test hands to the tab (``route.fulfill``): such
    a document has no address of its own, so Chromium's local network access checks would
    refuse its websocket to 127.0.0.1; turned off here (an HTML fetched from the server, as
    a visitor's, is not refused)."""
    browser = browser_type.launch(executable_path=CHROMIUM, headless=True,
                                  args=[*CHROMIUM_ARGS, "--disable-features=LocalNetworkAccessChecks"])
    yield browser
    browser.close()


def _listens(process: psutil.Process, port: int) -> bool:
    try:
        return any(c.status == psutil.CONN_LISTEN and c.laddr.port == port
                   for c in process.net_connections(kind="tcp"))
    except psutil.Error:  # ended meanwhile
        return False


def server_workers(url: str) -> list[psutil.Process]:
    """The two processes serving ``url``: Tornado's forked workers, which accept on the
    socket their parent bound (the parent holds it too, and serves nothing)."""
    port = urlparse(url).port
    listening = [p for p in psutil.Process().children(recursive=True) if _listens(p, port)]
    pids = {p.pid for p in listening}
    workers = [p for p in listening if p.ppid() in pids]
    assert len(workers) == 2, [(p.pid, p.ppid(), p.name()) for p in listening]
    return workers


@contextlib.contextmanager
def stopped(process: psutil.Process):
    """``process`` stopped (SIGSTOP) meanwhile: the kernel hands every new connection on the
    shared socket to the other worker."""
    process.suspend()
    try:
        yield
    finally:
        process.resume()


def _fetch(url: str) -> tuple[int, bytes]:
    """(status, body) of ``url``; urllib closes the connection, so none is left open."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT / 1000) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _open_crossing(browser, url: str, renders: psutil.Process, serves: psutil.Process,
                   shown: str = "canvas:visible") -> tuple[list[str], list[str]]:
    """Open ``url`` in a new tab with its HTML rendered by ``renders`` and everything after
    it served by ``serves``: (requests to other hosts, console errors)."""
    with stopped(serves):
        status, html = _fetch(url)
    host, path = urlparse(url).netloc, urlparse(url).path
    page = browser.new_page()  # a context of its own: no connection kept from another tab
    foreign, errors = [], []
    page.on("request", lambda r: foreign.append(r.url)
            if urlparse(r.url).netloc not in (host, "") else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # the navigation gets the HTML that ``renders`` made for this URL
    page.route(lambda u: urlparse(u).path == path,
               lambda route: route.fulfill(status=status, body=html,
                                           content_type="text/html; charset=utf-8"))
    try:
        with stopped(renders):
            page.goto(url, timeout=TIMEOUT)
            page.wait_for_selector(shown, timeout=TIMEOUT)
            wait_rendered(page, TIMEOUT)
            # the websocket of the session drawn on the page is connected to ``serves``
            port = urlparse(url).port
            assert [c for c in serves.net_connections(kind="tcp")
                    if c.status == psutil.CONN_ESTABLISHED and c.laddr.port == port]
    finally:
        page.close()
    return foreign, errors


@pytest.mark.parametrize("name", PAGES)
def test_every_session_loads_from_this_server_whichever_process_builds_it(crossing_browser,
                                                                           two_processes, name):
    first, second = server_workers(two_processes)
    for renders, serves in ((first, second), (second, first)):
        foreign, errors = _open_crossing(crossing_browser, f"{two_processes}/{name}", renders,
                                         serves)
        assert foreign == [], foreign
        assert errors == [], errors


def test_the_refusal_of_an_oversized_url_loads_from_this_server_too(crossing_browser,
                                                                  two_processes):
    first, second = server_workers(two_processes)
    for renders, serves in ((first, second), (second, first)):
        foreign, errors = _open_crossing(
            crossing_browser, f"{two_processes}/overview?paris_as_one={'9' * 5000}", renders, serves,
            shown="text=Adresse invalide")
        assert foreign == [], foreign
        assert errors == [], errors


def test_reused_page_html_keeps_each_visitors_language_and_layout(browser, two_processes):
    """The HTML of a page is rendered from the first session of its key (page, language,
    refusal, build: ``shell.page_html_key``); each visitor's own session is made from its URL
    when the websocket connects. Alternating languages, every opening shows the template's
    title, navigation and content in the asked language, each in its place."""
    from smartidf_analysis.apps.i18n import tr

    errors: list[str] = []
    for lang in ("en", "fr", "en", "fr"):
        page = browser.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{two_processes}/overview?lang={lang}", timeout=TIMEOUT)
        page.wait_for_selector("canvas:visible", timeout=TIMEOUT)
        wait_rendered(page, TIMEOUT)
        assert page.title() == f"{tr('app_title', lang)} — {tr('overview', lang)}"
        sidebar, main = page.locator("#sidebar"), page.locator("#main")
        assert sidebar.get_by_text(tr("broadband", lang), exact=True).count() == 1
        assert main.locator(".page-main").count() == 1
        assert sidebar.locator(".page-main").count() == 0
        assert main.get_by_text(tr("broadband", lang), exact=True).count() >= 1  # its KPI card
        assert errors == [], errors
        page.close()
