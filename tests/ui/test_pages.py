"""Every served page: renders with no console errors, its CSV downloads have data rows, and
hostile URL values are rejected or escaped (the theme files test each page's widgets)."""

from __future__ import annotations

import csv

import pytest
from playwright.sync_api import expect
from waits import wait_rendered

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

#: the CSV downloads of each page
CSV_FILES = {"overview": {"catalogue.csv", "build_issues.csv"},
             "broadband": {"broadband_gaps.csv", "broadband_no_data.csv",
                           "broadband_backtest.csv", "broadband_zoning.csv"},
             "commuting": {"commuting_flows.csv", "commuting_indicators.csv"},
             "telecentres": {"telecentres_sites.csv", "telecentres_scenarios.csv"},
             "solar": {"solar_roofs.csv", "solar_communes.csv", "solar_classes.csv"}}

#: the CSV downloads of each section of the pages drawn as tabs (URL parameter ``section``)
CSV_BY_SECTION = {"broadband": {"map": {"broadband_no_data.csv"},
                                "series": {"broadband_backtest.csv"},
                                "gaps": {"broadband_gaps.csv"},
                                "zoning": {"broadband_zoning.csv"}}}

#: the tables the synthetic region leaves empty: it has no build issues and no commune
#: without fibre data (on real data every table has rows)
EMPTY_WHEN_SYNTHETIC = {"build_issues.csv", "broadband_no_data.csv"}


@pytest.fixture(scope="module")
def selection(app_db) -> dict[str, str]:
    """A query string per page so that every table has rows: the commuting flows table
    follows a commune, here the one most workers leave from in the served database."""
    from smartidf_analysis.data import db

    with db.connect(app_db) as con:
        [(code,)] = con.execute("SELECT home_code FROM commuting_flows WHERE home_code <> work_code "
                                "GROUP BY home_code ORDER BY sum(workers) DESC, home_code "
                                "LIMIT 1").fetchall()
    return {"commuting": f"?commune={code}"}


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
    wait_rendered(page, TIMEOUT)  # errors of a late render would be in by now
    assert console_errors == []


def _csv_rows(path) -> tuple[list[str], list[list[str]]]:
    with open(path, encoding="utf-8", newline="") as f:
        header, *rows = csv.reader(f)
    return header, rows


def _downloads(page, url: str, files_by_section: dict[str | None, set[str]]):
    """Each CSV download of the page at ``url``, section by section on a page with tabs (a
    tab's content is drawn when it is shown; ``section=`` in the URL shows one)."""
    for section, files in files_by_section.items():
        joiner = "&" if "?" in url else "?"
        if section is None:
            _open(page, url)
        else:  # a section may have no figure (no canvas to wait for)
            page.goto(f"{url}{joiner}section={section}", timeout=TIMEOUT)
        wait_rendered(page, TIMEOUT)  # the tables hold what the URL selected
        buttons = page.get_by_role("button").filter(has_text="CSV").filter(visible=True)
        expect(buttons).to_have_count(len(files), timeout=TIMEOUT)
        for i in range(buttons.count()):
            with page.expect_download(timeout=TIMEOUT) as info:
                buttons.nth(i).click()
            yield info


@pytest.mark.parametrize("name", PAGES)
def test_every_csv_download_has_data_rows(page, served_app, console_errors, name, synthetic,
                                          selection):
    """Each page offers its CSV files (:data:`CSV_FILES`), each a header of named columns
    and rows of as many fields, at least one row with a value: on real data for every
    table, on the synthetic region for all but the tables it leaves empty
    (:data:`EMPTY_WHEN_SYNTHETIC`), which then have their header."""
    filenames = set()
    sections = CSV_BY_SECTION.get(name, {None: CSV_FILES[name]})
    for info in _downloads(page, f"{served_app}/{name}{selection.get(name, '')}", sections):
        filename = info.value.suggested_filename
        filenames.add(filename)
        header, rows = _csv_rows(info.value.path())
        assert len(header) >= 2 and all(column.strip() for column in header), (filename, header)
        assert all(len(row) == len(header) for row in rows), filename
        if synthetic and filename in EMPTY_WHEN_SYNTHETIC:
            continue
        assert any(any(field.strip() for field in row) for row in rows), \
            f"{name}: {filename} has no data row"
    assert filenames == CSV_FILES[name]
    assert console_errors == []


@pytest.mark.parametrize("name", PAGES)
def test_hostile_url_values_are_rejected(page, served_app, console_errors, name):
    from urllib.parse import urlencode

    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    _open(page, f"{served_app}/{name}?{urlencode(HOSTILE)}")
    expect(page.get_by_text(TITLES[name]).first).to_be_visible(timeout=TIMEOUT)
    wait_rendered(page, TIMEOUT)  # the page has applied what it took from the URL
    assert page.locator("img[src=x]").count() == 0
    assert dialogs == []
    assert console_errors == []
