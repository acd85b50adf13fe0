"""Overview page in Chromium: renders the map with no console errors, reacts to widgets."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from waits import wait_figure_painted, wait_rendered

TIMEOUT = 60_000
MAP_TITLE = "Population municipale par commune"

# For the polygons of the figure titled `title`: [rows of their data source, shapes and
# vertices of the outlines the browser unpacked from the packed geometry (PackedPolygons)]
_POLYGONS = """(title) => {
    const [view] = Bokeh.index.query((v) => v.model.type === "Figure"
        && v.model.title != null && String(v.model.title.text).includes(title));
    const glyphs = view.model.renderers.filter((r) => r.glyph?.type === "MultiPolygons");
    return glyphs.map((r) => {
        const shapes = r.glyph.xs.expr.v_compute(r.data_source);
        let vertices = 0;
        for (const shape of shapes) for (const polygon of shape) for (const ring of polygon)
            vertices += ring.length;
        return [r.data_source.get_length(), shapes.length, vertices];
    });
}"""


@pytest.fixture(scope="module")
def map_rows(app_db) -> int:
    """The communes with a geometry in the served database (Paris by arrondissement)."""
    from smartidf_analysis.data import db

    frame = db.query("communes_map", path=app_db, paris_as_one=False)
    return int(frame["geometry_wkb"].notna().sum())


@pytest.fixture(scope="module")
def map_vertices(app_db) -> int:
    """Vertices of the overview map's outlines as the server packs them."""
    from smartidf_analysis.data import db
    from smartidf_analysis.plots.polygon_map import PolygonMap

    return len(PolygonMap(db.query("communes_map", path=app_db, paris_as_one=False)).geometry.x)


@pytest.fixture(scope="module")
def commune_counts(app_db) -> dict[bool, str]:
    """What the caption must say, from the served database (real or synthetic), by
    ``paris_as_one``, formatted the French way ("1 285 communes" on real data)."""
    from smartidf_analysis.apps.i18n import fmt_number
    from smartidf_analysis.data import db

    return {one: f"{fmt_number(len(db.query('communes_map', path=app_db, paris_as_one=one)))}"
                 " communes" for one in (False, True)}


@pytest.fixture(scope="module")
def hover_target(app_db) -> tuple[str, float, float]:
    """A commune of the served map and a point inside it, in the map's Web Mercator metres:
    the largest commune's point on its surface (real or synthetic data alike)."""
    import geopandas as gpd
    import shapely

    from smartidf_analysis.data import db

    frame = db.query("communes_map", path=app_db, paris_as_one=False)
    frame = frame[frame["geometry_wkb"].notna()]
    wkbs = [bytes(wkb) for wkb in frame["geometry_wkb"]]
    shapes = gpd.GeoSeries(shapely.from_wkb(wkbs), crs="EPSG:4326",
                           index=frame["commune_code"].to_numpy()).to_crs("EPSG:3857")
    code = shapes.area.idxmax()
    point = shapes[code].point_on_surface()
    return str(code), point.x, point.y


# Where the map figure titled `title` draws the map point (x, y), in viewport pixels, once
# the figure is scrolled to the middle of the viewport (below the fold otherwise)
_SCREEN_POINT = """([title, x, y]) => {
    const [view] = Bokeh.index.query((v) => v.model.type === "Figure"
        && v.model.title != null && String(v.model.title.text).includes(title));
    view.canvas_view.el.scrollIntoView({block: "center", inline: "center"});
    const box = view.canvas_view.el.getBoundingClientRect();
    return [box.left + view.frame.x_scale.compute(x), box.top + view.frame.y_scale.compute(y)];
}"""


def _open(page, url):
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_selector(".bk-Canvas, canvas", timeout=TIMEOUT)


def test_overview_renders_map_without_console_errors(page, served_app, console_errors, map_rows,
                                                     map_vertices, hover_target):
    _open(page, f"{served_app}/overview")
    expect(page.get_by_text("Catalogue des données")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_text("commuting_flows").first).to_be_visible(timeout=TIMEOUT)
    wait_figure_painted(page, MAP_TITLE, TIMEOUT)
    # the browser holds one polygon per commune of the database, with every vertex sent
    assert page.evaluate(_POLYGONS, MAP_TITLE) == [[map_rows, map_rows, map_vertices]]
    # and finds the commune under the pointer (hit testing on the unpacked outlines)
    code, x, y = hover_target
    page.mouse.move(*page.evaluate(_SCREEN_POINT, [MAP_TITLE, x, y]))
    tooltip = page.locator(".bk-Tooltip").first
    expect(tooltip).to_contain_text(re.compile(r"\(\d[0-9AB]\d{3}\)"), timeout=TIMEOUT)
    expect(tooltip).to_contain_text(f"({code})")
    wait_rendered(page, TIMEOUT)  # errors of a late render would be in by now
    assert console_errors == []


def test_overview_state_is_in_the_url(page, served_app, console_errors, commune_counts):
    _open(page, f"{served_app}/overview?metric=density_per_km2")
    caption = page.locator(".map-caption")
    expect(caption).to_contain_text("Densité de population", timeout=TIMEOUT)
    expect(caption).to_contain_text(commune_counts[False], timeout=TIMEOUT)
    page.get_by_role("checkbox").first.check()  # the only checkbox: Paris as one commune
    expect(caption).to_contain_text(commune_counts[True], timeout=TIMEOUT)
    page.wait_for_function("window.location.search.includes('paris_as_one=true')",
                           timeout=TIMEOUT)
    assert console_errors == []


def test_overview_in_english(page, served_app, console_errors):
    _open(page, f"{served_app}/overview?lang=en")
    expect(page.get_by_text("Data catalogue")).to_be_visible(timeout=TIMEOUT)
    assert console_errors == []


HOSTILE_QUERIES = [
    "metric=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "metric=population'%3B%20DROP%20TABLE%20communes%3B%20--&paris_as_one=1%3BDROP",
    "lang=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
]


def test_hostile_url_parameters_are_rejected(page, served_app, console_errors,
                                            commune_counts):
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for query in HOSTILE_QUERIES:
        _open(page, f"{served_app}/overview?{query}")
        caption = page.locator(".map-caption")
        # the defaults stand: population of the communes with Paris by arrondissement
        expect(caption).to_contain_text("Population municipale", timeout=TIMEOUT)
        expect(caption).to_contain_text(commune_counts[False], timeout=TIMEOUT)
        assert page.locator("img[src=x]").count() == 0  # no injected markup
    assert dialogs == []
    assert console_errors == []


def test_oversized_url_is_refused_with_a_message(page, served_app, console_errors):
    page.goto(f"{served_app}/overview?paris_as_one={'9' * 5000}", timeout=TIMEOUT)
    expect(page.get_by_text("Adresse invalide").first).to_be_visible(timeout=TIMEOUT)
    assert console_errors == []


def test_catalogue_csv_and_html_snapshot_download(page, served_app, console_errors):
    _open(page, f"{served_app}/overview")
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name="Télécharger (CSV)", exact=True).click()
    csv_text = open(info.value.path(), encoding="utf-8").read()
    assert csv_text.startswith("dataset_id,") and "commuting_flows" in csv_text
    with page.expect_download(timeout=TIMEOUT) as info:
        page.get_by_role("button", name="Enregistrer la page (HTML autonome)").click()
    html = open(info.value.path(), encoding="utf-8").read()
    assert "<html" in html.lower() and "ensemble" in html and "Bokeh" in html
    # the page still changes as before, with its own stylesheets (a snapshot of the
    # session's own objects re-pointed them at Panel's CDN at the next change)
    page.get_by_role("checkbox").first.check()  # Paris as one commune
    page.wait_for_function("window.location.search.includes('paris_as_one=true')",
                           timeout=TIMEOUT)
    wait_rendered(page, TIMEOUT)
    assert console_errors == []


def test_overview_shows_a_headline_per_theme_with_links(page, served_app, console_errors):
    _open(page, f"{served_app}/overview")
    for theme in ("broadband", "commuting", "telecentres", "solar"):
        card = page.locator(f".headline-{theme}")
        expect(card).to_contain_text("Source", timeout=TIMEOUT)
        expect(card.get_by_role("link")).to_have_attribute("href", f"./{theme}")
    expect(page.locator(".headline-commuting")).to_contain_text("%")
    assert console_errors == []
