"""Several server processes (`smartidf serve --num-procs 2`): a page's websocket may land on
another process than the one that served its HTML, which then builds the visitor's session.
Every page (and the refusal of an oversized URL), opened a few times, must load only from
this server (no CDN request: the tests run offline) and show no console error."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from serving import served
from waits import wait_rendered

TIMEOUT = 90_000
PAGES = ("overview", "broadband", "commuting", "telecentres", "finder", "solar", "buildings")
OPENINGS = 2  # per page: 14 openings, each with one chance in two of crossing processes


@pytest.fixture(scope="module")
def two_processes(app_db, tmp_path_factory):
    with served(app_db, tmp_path_factory.mktemp("serve2"), "--num-procs", "2") as url:
        yield url


@pytest.mark.parametrize("name", PAGES)
def test_every_session_loads_from_this_server_whichever_process_builds_it(browser, two_processes,
                                                                           name):
    for _ in range(OPENINGS):
        foreign, errors = _open(browser, f"{two_processes}/{name}")
        assert foreign == [], foreign
        assert errors == [], errors


def test_the_refusal_of_an_oversized_url_loads_from_this_server_too(browser, two_processes):
    for _ in range(OPENINGS):
        foreign, errors = _open(browser, f"{two_processes}/overview?paris_as_one={'9' * 5000}",
                                shown="text=Adresse invalide")
        assert foreign == [], foreign
        assert errors == [], errors


def _open(browser, url: str, shown: str = "canvas:visible") -> tuple[list[str], list[str]]:
    """Open ``url`` in a new tab until rendered: (requests to other hosts, console errors)."""
    host = urlparse(url).netloc
    page = browser.new_page()
    foreign, errors = [], []
    page.on("request", lambda r: foreign.append(r.url)
            if urlparse(r.url).netloc not in (host, "") else None)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_selector(shown, timeout=TIMEOUT)
    wait_rendered(page, TIMEOUT)
    page.close()
    return foreign, errors


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
