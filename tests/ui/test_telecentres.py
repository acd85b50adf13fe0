"""Telecentres page in Chromium: renders with KPIs and no console errors, changing p changes
the KPI cards (and the URL), impossible settings give a message, English labels."""

from __future__ import annotations

from playwright.sync_api import expect

TIMEOUT = 60_000


def _open(page, url):
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_selector("canvas", timeout=TIMEOUT)


def _kpis(page) -> list[str]:
    cards = page.locator(".tc-kpi")
    return [cards.nth(i).inner_text() for i in range(cards.count())]


def test_changing_p_changes_the_kpis(page, served_app, console_errors):
    _open(page, f"{served_app}/telecentres")
    first = page.locator(".tc-kpi").first
    expect(first).to_contain_text("usagers par jour", timeout=TIMEOUT)
    expect(page.locator(".tc-caption")).to_contain_text("Source", timeout=TIMEOUT)
    expect(page.locator(".tc-caption")).to_contain_text("2014", timeout=TIMEOUT)
    before = _kpis(page)
    assert len(before) == 7 and all(any(ch.isdigit() for ch in k) for k in before)
    first_text = first.text_content()  # what to_have_text compares (not inner_text)
    slider = page.get_by_role("slider").first  # p, the number of telecentres
    slider.focus()
    slider.press("Home")  # p = 1 (its speed: benchmarks/load.py, bench_telecentres.py)
    expect(first).not_to_have_text(first_text, timeout=TIMEOUT)
    expect(page.locator(".tc-kpi")).to_have_count(len(before))
    after = _kpis(page)
    page.wait_for_function("window.location.search.includes('n_sites=1')", timeout=TIMEOUT)
    assert len(after) == 7 and after != before
    assert page.locator(".tabulator-row").count() >= 1
    assert console_errors == []


def test_impossible_settings_give_a_message(page, served_app, console_errors):
    for query, text in (("radius_km=0", "rayon de desserte"),
                        ("n_sites=400", "gares candidates"),
                        ("teleworkable_factor=0", "Demande nulle")):
        _open(page, f"{served_app}/telecentres?{query}")
        expect(page.locator(".tc-alert")).to_contain_text(text, timeout=TIMEOUT)
        expect(page.locator(".tc-kpi").first).to_contain_text("—", timeout=TIMEOUT)
        assert page.get_by_text("Traceback").count() == 0
    assert console_errors == []


def test_english_page_and_url_state(page, served_app, console_errors):
    _open(page, f"{served_app}/telecentres?lang=en&n_sites=50&model=pmedian")
    expect(page.locator(".tc-kpi").first).to_contain_text("users per day", timeout=TIMEOUT)
    expect(page.locator(".tc-caption")).to_contain_text("50 sites among", timeout=TIMEOUT)
    expect(page.locator(".tc-caption")).to_contain_text("p-median", timeout=TIMEOUT)
    assert console_errors == []


def test_grand_paris_express_comparison_is_made_when_asked(page, served_app, console_errors):
    """The with / without GPE table exists only once asked for (it is not built at each
    opening), then shows the two networks."""
    from smartidf_analysis.apps.telecentres.texts import LABELS

    _open(page, f"{served_app}/telecentres?n_sites=20")
    expect(page.locator(".tc-kpi").first).to_contain_text("usagers par jour", timeout=TIMEOUT)
    assert page.locator(".tc-gpe").count() == 0
    page.get_by_role("button", name=LABELS["tc_gpe_button"][0]).click()
    table = page.locator(".tc-gpe")
    expect(table.locator(".tabulator-row")).to_have_count(2, timeout=TIMEOUT)
    expect(table).to_contain_text(LABELS["tc_gpe_plus"][0], timeout=TIMEOUT)
    expect(page.locator(".tc-gpe-caption")).to_contain_text("Grand Paris", timeout=TIMEOUT)
    assert console_errors == []
