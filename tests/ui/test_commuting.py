"""Commuting page in Chromium: selecting a commune changes the flows table; bad input gives a
message on the page, never a traceback; no console errors."""

from __future__ import annotations

import json
import re

from playwright.sync_api import expect

TIMEOUT = 60_000
COMMUNE_LIST = {"fr": "Commune (ou cliquer sur la carte)", "en": "Commune (or click on the map)"}


def _open(page, url):
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_selector("canvas", timeout=TIMEOUT)


def _first_row(page) -> str:
    return page.locator(".tabulator-row").first.inner_text()


def _choose(page, index: int, lang: str = "fr") -> str:
    """Pick the option at ``index`` of the commune list; returns its label 'Name (code)'."""
    select = page.get_by_role("combobox", name=COMMUNE_LIST[lang])
    label = select.locator("option").nth(index).inner_text().strip()
    select.select_option(label=label)
    return label


def test_selecting_a_commune_changes_the_flows_table(page, served_app, console_errors):
    _open(page, f"{served_app}/commuting")
    flows_caption = page.locator(".commuting-flows-caption")
    expect(flows_caption).to_contain_text("Choisissez une commune", timeout=TIMEOUT)
    expect(page.locator(".commuting-map-caption")).to_contain_text("Source", timeout=TIMEOUT)
    expect(page.locator(".commuting-map-caption")).to_contain_text("2014", timeout=TIMEOUT)
    assert page.locator(".tabulator-row").count() == 0

    first = _choose(page, 1)
    expect(flows_caption).to_contain_text(first, timeout=TIMEOUT)
    code = re.search(r"\((\w{5})\)$", first).group(1)
    expect(page.locator(".tabulator-row").first).to_contain_text(code, timeout=TIMEOUT)
    rows_first = _first_row(page)
    page.wait_for_function(f"window.location.search.includes('commune={code}')",
                           timeout=TIMEOUT)

    second = _choose(page, 40)
    assert second != first
    expect(flows_caption).to_contain_text(second, timeout=TIMEOUT)
    code2 = re.search(r"\((\w{5})\)$", second).group(1)
    expect(page.locator(".tabulator-row").first).to_contain_text(code2, timeout=TIMEOUT)
    assert _first_row(page) != rows_first
    assert page.locator(".tabulator-row").count() > 1
    assert console_errors == []


def test_commune_from_the_url_and_unknown_code(page, served_app, console_errors):
    _open(page, f"{served_app}/commuting?commune=99999")
    alert = page.locator(".commuting-alert")
    expect(alert).to_contain_text("Commune inconnue", timeout=TIMEOUT)
    expect(alert).to_contain_text("99999", timeout=TIMEOUT)
    assert page.locator(".tabulator-row").count() == 0

    label = _choose(page, 3)
    expect(page.locator(".commuting-flows-caption")).to_contain_text(label, timeout=TIMEOUT)
    expect(alert).to_be_hidden(timeout=TIMEOUT)
    assert page.get_by_text("Traceback").count() == 0

    # a shared view: Paris as one commune, public transport only, Paris selected
    _open(page, f"{served_app}/commuting?paris_as_one=true&modes=%5B%22TC%22%5D&commune=75056")
    expect(page.locator(".commuting-flows-caption")).to_contain_text("(75056)", timeout=TIMEOUT)
    caption = page.locator(".commuting-map-caption")
    expect(caption).to_contain_text("Paris en une seule commune", timeout=TIMEOUT)
    expect(caption).to_contain_text("Transports en commun", timeout=TIMEOUT)
    expect(caption).not_to_contain_text("Marche", timeout=TIMEOUT)
    expect(alert).to_be_hidden(timeout=TIMEOUT)
    assert console_errors == []


def test_empty_mode_selection_gives_a_message(page, served_app, console_errors):
    _open(page, f"{served_app}/commuting?lang=en")
    label = _choose(page, 2, "en")
    expect(page.locator(".commuting-flows-caption")).to_contain_text(label, timeout=TIMEOUT)
    modes = {"DOMICILE": "Works at home", "NM": "Walking, cycling", "TC": "Public transport",
             "VP": "Car, motorbike"}
    left = list(modes)
    for code, label in modes.items():
        page.get_by_role("checkbox", name=label).uncheck()
        left.remove(code)
        # a user sees each click take effect (the URL holds the page state) before the next;
        # Panel's location sync writes a list as Python's repr (['TC', 'VP'])
        page.wait_for_function(
            "JSON.stringify(JSON.parse((new URLSearchParams(location.search).get('modes') "
            f"|| 'null').replaceAll(\"'\", '\"'))) === '{json.dumps(left, separators=(',', ':'))}'",
            timeout=TIMEOUT)
    alert = page.locator(".commuting-alert")
    expect(alert).to_contain_text("Empty selection", timeout=TIMEOUT)
    expect(page.locator(".tabulator-row")).to_have_count(0, timeout=TIMEOUT)
    page.get_by_role("checkbox", name="Public transport").check()
    expect(alert).to_be_hidden(timeout=TIMEOUT)
    expect(page.locator(".commuting-map-caption")).to_contain_text("Public transport",
                                                                   timeout=TIMEOUT)
    expect(page.locator(".tabulator-row").first).to_be_visible(timeout=TIMEOUT)
    assert page.get_by_text("Traceback").count() == 0
    assert console_errors == []
