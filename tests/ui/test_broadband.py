"""Broadband page in Chromium: the quarter slider redraws the map (caption, URL and pixels
change), the URL restores a view and the section shown, English labels, no console errors."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from waits import wait_figure_painted

TIMEOUT = 60_000


def _open(page, url):
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_selector(".broadband-map-caption", timeout=TIMEOUT)
    page.wait_for_selector("canvas", timeout=TIMEOUT)


def _map(page):
    """The map's Bokeh root: the first figure after the headline (the one with a colour bar)."""
    return page.locator(".bk-Figure, .bk-Canvas").first


def test_quarter_slider_redraws_the_map(page, served_app, console_errors):
    page.set_viewport_size({"width": 1400, "height": 1000})
    _open(page, f"{served_app}/broadband")
    caption = page.locator(".broadband-map-caption")
    expect(caption).to_contain_text("T1 2018", timeout=TIMEOUT)  # default: the last quarter
    expect(caption).to_contain_text("Source", timeout=TIMEOUT)
    wait_figure_painted(page, "T1 2018", TIMEOUT)  # the map's title holds the quarter
    before = _map(page).screenshot()
    slider = page.get_by_role("slider").first  # the quarter slider comes first in the sidebar
    slider.focus()
    page.keyboard.press("ArrowLeft")
    expect(caption).to_contain_text("T4 2017", timeout=TIMEOUT)
    page.wait_for_function("window.location.search.includes('quarter=2017Q4')", timeout=TIMEOUT)
    wait_figure_painted(page, "T4 2017", TIMEOUT)
    after = _map(page).screenshot()
    assert after != before, "the map's pixels did not change with the quarter"
    page.keyboard.press("ArrowLeft")
    expect(caption).to_contain_text("T3 2017", timeout=TIMEOUT)
    assert console_errors == []


def test_url_restores_the_view_in_english(page, served_app, console_errors):
    _open(page, f"{served_app}/broadband?lang=en&indicator=growth&quarter=2017Q3"
                "&department=77&threshold=0.5")
    caption = page.locator(".broadband-map-caption")
    expect(caption).to_contain_text("Quarter-on-quarter growth", timeout=TIMEOUT)
    expect(caption).to_contain_text("Q3 2017", timeout=TIMEOUT)
    # no growth on the first observed quarter: every commune is "no data", none is 0
    expect(caption).to_contain_text(re.compile(r"\b0 communes with a value"), timeout=TIMEOUT)
    expect(page.get_by_text("Commune inspector")).to_be_visible(timeout=TIMEOUT)  # a tab
    gaps = page.locator(".broadband-gap-caption")
    expect(gaps).to_have_count(0)  # sections are drawn when shown: the map alone at first
    page.get_by_text("Communes lagging behind").click()
    expect(gaps).to_contain_text("below 50 %", timeout=TIMEOUT)
    expect(page).to_have_url(re.compile(r"section=gaps"), timeout=TIMEOUT)
    page.reload(timeout=TIMEOUT)  # the URL reopens the same section
    expect(page.locator(".broadband-gap-caption")).to_contain_text("below 50 %",
                                                                    timeout=TIMEOUT)
    expect(caption).to_have_count(0)
    assert console_errors == []
