"""Overview page in Chromium: renders the map with no console errors, reacts to widgets."""

from __future__ import annotations

from playwright.sync_api import expect

TIMEOUT = 60_000


def _open(page, url):
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_selector(".bk-Canvas, canvas", timeout=TIMEOUT)


def test_overview_renders_map_without_console_errors(page, served_app, console_errors):
    _open(page, f"{served_app}/overview")
    expect(page.get_by_text("Catalogue des données")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("commuting_flows").first).to_be_visible(timeout=TIMEOUT)
    canvas_count = page.locator("canvas").count()
    assert canvas_count >= 1
    page.wait_for_timeout(1000)
    assert console_errors == []


def test_overview_state_is_in_the_url(page, served_app, console_errors):
    _open(page, f"{served_app}/overview?metric=density_per_km2")
    caption = page.locator(".map-caption")
    expect(caption).to_contain_text("Densité de population", timeout=TIMEOUT)
    expect(caption).to_contain_text("1 285 communes", timeout=TIMEOUT)
    page.get_by_role("checkbox").first.check()  # the only checkbox: Paris as one commune
    expect(caption).to_contain_text("1 266 communes", timeout=TIMEOUT)
    page.wait_for_function("window.location.search.includes('paris_as_one=true')",
                           timeout=TIMEOUT)
    assert console_errors == []


def test_overview_in_english(page, served_app, console_errors):
    _open(page, f"{served_app}/overview?lang=en")
    expect(page.get_by_text("Data catalogue")).to_be_visible(timeout=TIMEOUT)
    assert console_errors == []
