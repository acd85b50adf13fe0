"""Buildings page (2.5D) in Chromium: the deck.gl canvas renders with nothing fetched from
outside the server and no console errors, and a building picked under the pointer shows its
monthly production.

deck.gl reports hover and pan from Playwright's mouse in headless Chromium, but not its tap
gesture: ``onClick`` never fired there (mouse click, double click, pointer events dispatched on
the canvas; deck.gl's ``eventRecognizerOptions`` did not change it), measured 2026-12-03 with
Panel 1.9.4 / deck.gl 9.1.14. So the test hovers the building, checks that deck.gl picked it,
clicks, and then hands that pick to the page as deck.gl's click handler would (the Bokeh
model's ``clickState``, the property Panel's DeckGL pane syncs as ``click_state``).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from waits import wait_rendered

TIMEOUT = 120_000
_DECK = "[...Bokeh.index.query((v) => String(v.model.type).endsWith('DeckGLPlot'))][0]"


@pytest.fixture(scope="module")
def focus_roof(app_db) -> str:
    """The largest building of the Saint-Denis set: the view is centred on it."""
    from smartidf_analysis.apps.buildings import set_production
    from smartidf_analysis.data import db

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SMARTIDF_DB", str(app_db))
        roofs = set_production("saint_denis_buildings")
        db.close_shared()
    return str(roofs.loc[roofs["usable_area_m2"].idxmax(), "roof_id"])


def test_deck_renders_offline_and_a_pick_shows_the_monthly_production(page, served_app, console_errors,
                                                                      focus_roof):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.set_viewport_size({"width": 1400, "height": 1100})
    page.goto(f"{served_app}/buildings?lang=en&focus={focus_roof}", timeout=TIMEOUT)
    canvas = page.locator(".buildings-deck canvas").first
    expect(canvas).to_be_visible(timeout=TIMEOUT)
    wait_rendered(page, TIMEOUT)
    expect(page.locator(".deck-caption")).to_contain_text("buildings", timeout=TIMEOUT)
    expect(page.locator(".roof-none")).to_contain_text("Click a building", timeout=TIMEOUT)
    box = canvas.bounding_box()
    assert box["width"] > 600 and box["height"] >= 500
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 3, y - 3)
    page.mouse.move(x, y)
    page.wait_for_function(f"() => {{ const s = {_DECK}.model.hoverState;"
                           " return s.layer === 'buildings' && s.index >= 0; }", timeout=TIMEOUT)
    page.mouse.click(x, y)
    page.evaluate(f"() => {{ const m = {_DECK}.model; if (!(m.clickState.index >= 0))"
                  " m.clickState = {...m.hoverState}; }")
    monthly = page.locator(".roof-monthly")
    expect(monthly).to_contain_text(f"Building {focus_roof}", timeout=TIMEOUT)
    expect(monthly).to_contain_text("kWh/yr", timeout=TIMEOUT)
    text = monthly.evaluate("e => (e.shadowRoot || e).textContent")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    assert all(text.count(m) == 1 for m in months), text  # one row per month
    page.wait_for_function("window.location.search.includes('roof_id=')", timeout=TIMEOUT)
    external = [u for u in requests if not u.startswith((served_app, "blob:" + served_app, "data:"))]
    assert external == []
    assert console_errors == []
