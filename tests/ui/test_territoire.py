""""Mon territoire" in Chromium: ``/territoire?code=77288`` shows the commune's name and its
fibre rate (computed here straight from the tables) and the figures of the four themes
(fibre trajectory, modal split and hub, nearest sites, roofs by class), the search box finds a territory typed
without accents and puts it in the URL, English with ``?lang=en``, and an unknown code is
answered with text, escaped."""

from __future__ import annotations

import re

import duckdb
import pytest
from playwright.sync_api import expect
from serving import served
from waits import wait_rendered

from smartidf_analysis.apps.i18n import fmt_number

TIMEOUT = 90_000


@pytest.fixture(scope="module")
def commune(app_db, synthetic) -> dict:
    """Melun (77288) on real data, the most populous commune outside Paris on the synthetic
    region: code, name and FttH rate [%] at the last quarter, from the tables."""
    con = duckdb.connect(str(app_db), read_only=True)
    code = "77288" if not synthetic else con.execute(
        "SELECT commune_code FROM communes WHERE kind = 'COM' AND commune_code <> '75056' "
        "ORDER BY population DESC LIMIT 1").fetchone()[0]
    name = con.execute("SELECT commune_name FROM communes WHERE commune_code = ?", [code]).fetchone()[0]
    rate = con.execute("""
        WITH f AS (SELECT sum(connectable_premises) AS c FROM fibre_deployment WHERE geo_level = 'COM'
                   AND commune_code = $code AND quarter = (SELECT max(quarter) FROM fibre_deployment)),
        p AS (SELECT sum(dwellings + establishments) AS d FROM premises WHERE commune_code = $code)
        SELECT 100 * c / d FROM f, p""", {"code": code}).fetchone()[0]
    con.close()
    return {"code": code, "name": name, "rate": rate}


@pytest.fixture(scope="module")
def served_app(app_db, tmp_path_factory):
    """The app on one server process (warm-up and first answer sooner on a busy machine)."""
    with served(app_db, tmp_path_factory.mktemp("territoire"), "--num-procs", "1") as url:
        yield url


def _open(page, url):
    page.goto(url, timeout=TIMEOUT)
    expect(page.locator(".territory-profile")).to_be_visible(timeout=TIMEOUT)
    wait_rendered(page, TIMEOUT)


def test_commune_page_shows_name_and_fibre_rate(page, served_app, commune, console_errors):
    _open(page, f"{served_app}/territoire?code={commune['code']}")
    profile = page.locator(".territory-profile")
    expect(profile.locator(".territory-name")).to_have_text(commune["name"], timeout=TIMEOUT)
    rate = profile.locator("tr[data-figure='fibre_rate'] td.value")
    expect(rate).to_have_text(f"{fmt_number(commune['rate'], 'fr', 1)} %")
    expect(profile.locator("svg.flows-map")).to_be_visible()
    # the four themes in depth: fibre trajectory and projection, modal split and hub,
    # nearest telecentre sites, roofs by solar class
    expect(profile.locator("svg.fibre-trajectory")).to_be_visible()
    expect(profile.locator(".fibre-verdict")).not_to_be_empty()
    for figure in ("fibre_projected_target", "share_non_motorised", "hub_basin_communes",
                   "weekly_km_saved", "nearest_proposed_km", "roofs_red", "annual_gwh_blue"):
        expect(profile.locator(f"tr[data-figure='{figure}'] td.value")).to_have_text(
            re.compile(r"\d"))
    expect(profile.locator("table.sites")).to_be_visible()
    assert console_errors == []


def test_search_box_and_english(page, served_app, commune, console_errors):
    _open(page, f"{served_app}/territoire?lang=en")
    plain = commune["name"].lower().replace("é", "e").replace("è", "e")
    box = page.locator(".territory-search input")
    box.fill(plain)
    box.press("End")
    matches = page.locator(".territory-matches select")
    expect(matches.locator("option").first).to_contain_text(commune["name"], timeout=TIMEOUT)
    matches.select_option(index=0)
    expect(page.locator(".territory-name")).to_have_text(commune["name"], timeout=TIMEOUT)
    expect(page).to_have_url(f"{served_app}/territoire?lang=en&code={commune['code']}&level=commune",
                             timeout=TIMEOUT)
    expect(page.locator(".territory-profile")).to_contain_text("Premises connectable to fibre")
    assert console_errors == []


def test_unknown_code_is_answered_and_escaped(page, served_app, console_errors):
    _open(page, f"{served_app}/territoire?code=%3Cimg%20src%3Dx%3E99")
    unknown = page.locator(".territory-unknown")
    expect(unknown).to_contain_text("Aucun territoire ne correspond à « <img src=x>99 »",
                                    timeout=TIMEOUT)
    assert unknown.locator("img").count() == 0
    assert console_errors == []
