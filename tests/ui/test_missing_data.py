"""A database whose build could not get one dataset (NSRDB answered 404), served: the pages
that need it say which dataset is missing and how to get it; the others are whole."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from serving import served

TIMEOUT = 90_000


@pytest.fixture(scope="module")
def incomplete_app(incomplete_db, tmp_path_factory):
    with served(incomplete_db, tmp_path_factory.mktemp("incomplete")) as url:
        yield url


def test_solar_page_names_the_missing_dataset(page, incomplete_app, console_errors):
    page.goto(f"{incomplete_app}/solar", timeout=TIMEOUT)
    message = page.locator(".missing-data")
    expect(message).to_contain_text("nsrdb_paris_tmy", timeout=TIMEOUT)
    expect(message).to_contain_text("HTTP 404")
    expect(message).to_contain_text("smartidf data fetch")
    expect(message).to_contain_text("Données manquantes")
    assert page.locator(".solar-totals").count() == 0  # no figures from missing inputs
    assert console_errors == []


def test_overview_lists_it_and_other_pages_are_whole(page, incomplete_app, console_errors):
    page.goto(f"{incomplete_app}/overview?lang=en", timeout=TIMEOUT)
    expect(page.locator(".missing-data")).to_contain_text("nsrdb_paris_tmy", timeout=TIMEOUT)
    expect(page.locator(".headline-solar")).to_contain_text("missing data: nsrdb_paris_tmy",
                                                            timeout=TIMEOUT)
    expect(page.locator(".headline-broadband")).to_contain_text("%", timeout=TIMEOUT)
    page.goto(f"{incomplete_app}/broadband", timeout=TIMEOUT)
    expect(page.locator("canvas:visible").first).to_be_visible(timeout=TIMEOUT)
    assert page.locator(".missing-data").count() == 0
    assert console_errors == []
