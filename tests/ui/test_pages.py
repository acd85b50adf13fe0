"""Every served page: renders with no console errors, its CSV downloads are non-empty, and
hostile URL values are rejected or escaped (the theme files test each page's widgets)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

TIMEOUT = 90_000
PAGES = ("overview", "broadband", "commuting", "telecentres", "solar")
TITLES = {"overview": "Vue d'ensemble", "broadband": "Très haut débit",
          "commuting": "Déplacements domicile-travail", "telecentres": "Télécentres",
          "solar": "Potentiel solaire"}
HOSTILE = {  # names that pages sync to the URL, with values no widget accepts
    "commune": "75056'; DROP TABLE communes; --", "quarter": "<script>alert(1)</script>",
    "indicator": "<img src=x onerror=alert(1)>", "n_sites": "1e308", "radius_km": "-1",
    "system_losses_pct": "NaN", "modes": "[\"<script>\"]", "department": "' OR 1=1 --",
    "lang": "<b>xx</b>",
}


#: a selection so that every table has rows (the commuting flows table follows a commune)
SELECTION = {"commuting": "?commune=92062"}


def _open(page, url):
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_selector("canvas:visible", timeout=TIMEOUT)


@pytest.mark.parametrize("name", PAGES)
def test_page_renders_with_navigation_and_no_console_errors(page, served_app, console_errors,
                                                            name):
    _open(page, f"{served_app}/{name}")
    expect(page.get_by_text(TITLES[name]).first).to_be_visible(timeout=TIMEOUT)
    for other in PAGES:
        if other != name:
            assert page.locator(f"a[href='./{other}']").count() >= 1
    page.wait_for_timeout(1000)
    assert console_errors == []


@pytest.mark.parametrize("name", PAGES)
def test_every_csv_download_is_non_empty(page, served_app, console_errors, name, synthetic):
    """On real data every table has rows; the synthetic region leaves some empty (no build
    issues, no commune without fibre data, other commune codes), so there a CSV has at
    least its header."""
    _open(page, f"{served_app}/{name}{SELECTION.get(name, '')}")
    buttons = page.get_by_role("button").filter(has_text="CSV")
    expect(buttons.first).to_be_visible(timeout=TIMEOUT)
    for i in range(buttons.count()):
        label = buttons.nth(i).inner_text()
        with page.expect_download(timeout=TIMEOUT) as info:
            buttons.nth(i).click()
        lines = open(info.value.path(), encoding="utf-8").read().splitlines()
        assert len(lines) >= (1 if synthetic else 2), (name, label)
        assert "," in lines[0]
    assert console_errors == []


@pytest.mark.parametrize("name", PAGES)
def test_hostile_url_values_are_rejected(page, served_app, console_errors, name):
    from urllib.parse import urlencode

    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _open(page, f"{served_app}/{name}?{urlencode(HOSTILE)}")
    expect(page.get_by_text(TITLES[name]).first).to_be_visible(timeout=TIMEOUT)
    page.wait_for_timeout(1500)
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []
    assert console_errors == []
