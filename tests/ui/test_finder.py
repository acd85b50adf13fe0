""""Mon télécentre" in Chromium: the page answers a home/work pair with the numbers of the
package function, a commune typed in the search box changes the answer and the URL, and the
URL reopens the same answer; the pooling section shows the Melun example."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from waits import wait_rendered

from smartidf_analysis.apps.i18n import fmt_number

TIMEOUT = 60_000


@pytest.fixture(scope="module")
def expected(app_db, synthetic):
    """The package's answers on the served database (same function as the page)."""
    if synthetic:
        pytest.skip("the finder cases name real communes (Melun, Puteaux, Versailles)")
    from smartidf_analysis import telecentres as tc
    from smartidf_analysis.data import db
    from smartidf_analysis.telecentres import finder

    inputs = tc.load_inputs(app_db)
    existing, proposed = finder.site_sets(inputs)
    answers = {pair: finder.find_sites(inputs.communes, *pair, "TC", 2, existing, proposed)
               for pair in (("77288", "92062"), ("78646", "92062"))}
    db.close_shared()
    return answers


@pytest.fixture
def page_errors(page, console_errors):
    """Console errors and requests to other hosts than this server (Panel's CDN, which fails
    offline: sessions used to ask it for Panel's CSS, see ``apps/shell.serve_stylesheets_locally``)."""
    foreign: list[str] = []
    page.on("request", lambda r: foreign.append(r.url)
            if r.url.startswith("http") and "127.0.0.1" not in r.url else None)
    return lambda: console_errors + foreign


def _open(page, url):
    page.goto(url, timeout=TIMEOUT)
    expect(page.locator(".finder-answer")).to_contain_text("Télécentre le plus proche",
                                                           timeout=TIMEOUT)
    wait_rendered(page, TIMEOUT)


def _shows(page, answer) -> None:
    s = answer.summary
    expect(page.locator(".finder-answer")).to_contain_text(s["nearest_site"], timeout=TIMEOUT)
    expect(page.locator(".finder-answer")).to_contain_text(s["home_name"], timeout=TIMEOUT)
    first = page.locator(".finder-kpi").first
    expect(first).to_contain_text(fmt_number(s["km_saved_per_week"], "fr"), timeout=TIMEOUT)
    hours = page.locator(".finder-kpi").nth(1)
    expect(hours).to_contain_text(fmt_number(s["hours_saved_per_week"], "fr", 1))


def test_the_finder_answers_a_pair_and_its_url_reopens_it(page, served_app, page_errors,
                                                          expected, browser):
    _open(page, f"{served_app}/finder?home=77288&work=92062")
    _shows(page, expected[("77288", "92062")])
    assert page.locator(".tabulator-row").count() >= 2
    box = page.locator(".finder-home input")
    box.click()
    box.fill("")
    box.press_sequentially("Versailles (78", delay=20)  # BokehJS completes on key presses
    option = page.get_by_text("Versailles (78646)").first
    expect(option).to_be_visible(timeout=TIMEOUT)  # the only completion, highlighted
    box.press("Enter")  # BokehJS takes the highlighted completion
    page.wait_for_function("window.location.search.includes('home=78646')", timeout=TIMEOUT)
    _shows(page, expected[("78646", "92062")])
    shared = page.url
    other = browser.new_page()
    try:
        _open(other, shared)
        _shows(other, expected[("78646", "92062")])
        expect(other.locator(".finder-home input")).to_have_value("Versailles (78646)")
    finally:
        other.close()
    assert page_errors() == []


def test_the_pooling_section_shows_the_melun_case(page, served_app, page_errors, expected):
    _open(page, f"{served_app}/finder")
    expect(page.locator(".finder-melun")).to_contain_text("Melun", timeout=TIMEOUT)
    expect(page.locator(".finder-melun")).to_contain_text("25 salariés", timeout=TIMEOUT)
    assert page.get_by_text("Traceback").count() == 0
    assert page_errors() == []


def test_hostile_url_values_are_rejected(page, served_app, page_errors, expected):
    from urllib.parse import urlencode

    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile = {"home": "<script>alert(1)</script>", "work": "92062' OR 1=1 --",
               "days": "1e308", "hub": "<img src=x onerror=alert(1)>", "mode": "PLANE"}
    _open(page, f"{served_app}/finder?{urlencode(hostile)}")
    _shows(page, expected[("77288", "92062")])  # every value refused: the defaults answer
    expect(page.locator(".page-url-alert")).to_contain_text("Paramètre d'adresse ignoré",
                                                            timeout=TIMEOUT)
    assert page.locator("img[src=x]").count() == 0 and dialogs == []
    assert page_errors() == []
