"""Solar page in Chromium: totals follow the losses slider (and the URL), the production
convention is named and switched (button and URL), the roof inspector
opens from the table, the URL restores a view in English, the synthetic stock is rasterised
and labelled; no console errors."""

from __future__ import annotations

import re

from playwright.sync_api import expect

TIMEOUT = 90_000


def _open(page, url):
    page.set_viewport_size({"width": 1400, "height": 1100})
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_selector(".solar-totals", timeout=TIMEOUT)
    page.wait_for_selector("canvas:visible", timeout=TIMEOUT)  # the hidden map has one too


def _text(locator) -> str:
    """Text of a Panel pane (its content lives in a shadow root)."""
    return locator.evaluate("e => (e.shadowRoot || e).textContent")


def _gwh(text: str) -> float:
    """The annual production in a totals caption ('20,36 GWh/an' or '20.36 GWh/yr')."""
    number = re.search(r"([\d\s\u202f.,]+)\s*GWh", text).group(1)
    number = number.replace("\u202f", "").replace(" ", "")
    return float(number.replace(",", ".") if "," in number and "." not in number else number.replace(",", ""))


def test_losses_slider_changes_the_totals(page, served_app, console_errors):
    _open(page, f"{served_app}/solar")
    totals = page.locator(".solar-totals")
    expect(totals).to_contain_text("GWh/an", timeout=TIMEOUT)
    expect(page.locator(".solar-map-caption")).to_contain_text("Source", timeout=TIMEOUT)
    before = _text(totals)
    losses = page.get_by_role("slider").nth(1)  # efficiency, losses, usable share
    assert losses.get_attribute("aria-valuenow").startswith("14")
    losses.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("window.location.search.includes('system_losses_pct=16')", timeout=TIMEOUT)
    # the new figure (the pane's text changes earlier: the busy indicator's style goes in it)
    number = re.search(r"([\d\s\u202f.,]+)\s*GWh", before).group(1).strip()
    expect(totals).not_to_contain_text(re.compile(re.escape(number) + r"\s*GWh"), timeout=TIMEOUT)
    after = _text(totals)
    assert _gwh(after) < _gwh(before), (before, after)  # more losses, less energy
    assert re.search(r"\d+ toitures", after.replace("\u202f", ""))  # same roofs, other energy
    assert console_errors == []


def test_convention_is_named_and_switches_from_the_url(page, served_app, console_errors):
    _open(page, f"{served_app}/solar?roof_set=saint_denis_cadastre")
    totals = page.locator(".solar-totals")
    expect(totals).to_contain_text("Convention affichée : modules actuels", timeout=TIMEOUT)
    modules = _gwh(_text(totals))
    page.get_by_role("button", name="cadastre solaire régional").click()
    page.wait_for_function("window.location.search.includes('convention=cadastre')", timeout=TIMEOUT)
    expect(totals).to_contain_text("cadastre solaire régional", timeout=TIMEOUT)
    assert _gwh(_text(totals)) < modules  # the cadastre's k: less than today's modules
    assert console_errors == []


def test_inspector_shows_the_monthly_production(page, served_app, console_errors):
    _open(page, f"{served_app}/solar")
    inspector = page.locator(".solar-inspector")
    expect(inspector).to_contain_text("Cliquez", timeout=TIMEOUT)
    page.locator(".tabulator-row").first.click()  # the largest producer
    expect(inspector).to_contain_text("kWh/an", timeout=TIMEOUT)
    page.wait_for_function("window.location.search.includes('roof_id=')", timeout=TIMEOUT)
    assert console_errors == []


def test_url_restores_a_view_in_english(page, served_app, console_errors, synthetic):
    _open(page, f"{served_app}/solar?lang=en&roof_set=paris13_volumes&system_losses_pct=20"
                "&indicator=yield_kwh_kwp")
    totals = page.locator(".solar-totals")
    expect(totals).to_contain_text("Paris 13e", timeout=TIMEOUT)
    expect(totals).to_contain_text("GWh/yr", timeout=TIMEOUT)
    if synthetic:  # a synthetic database's extracts are labelled as such
        expect(totals).to_contain_text("(SYNTHETIC)", timeout=TIMEOUT)
    else:  # shaded courtyards: the real Paris block has roofs in every class
        expect(totals).to_contain_text(re.compile(r"blue [1-9]"), timeout=TIMEOUT)
        expect(totals).not_to_contain_text("SYNTHETIC")
    expect(page.locator(".solar-commune-caption")).to_contain_text("modelled", timeout=TIMEOUT)
    assert console_errors == []


def test_synthetic_stock_is_rasterised_and_labelled(page, served_app, console_errors):
    _open(page, f"{served_app}/solar?roof_set=synthetic_stock&indicator=annual_gwh")
    totals = page.locator(".solar-totals")
    expect(totals).to_contain_text("SYNTHÉTIQUE", timeout=TIMEOUT)
    expect(totals).to_contain_text(re.compile(r"2\s500\s000 toitures"), timeout=TIMEOUT)
    expect(page.locator(".solar-synthetic-alert")).to_contain_text("aucune toiture réelle", timeout=TIMEOUT)
    expect(page.locator(".solar-commune-caption")).to_contain_text("SYNTHÉTIQUE", timeout=TIMEOUT)
    assert console_errors == []
