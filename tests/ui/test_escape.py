"""Hostile text in Chromium: every page opened with hostile values in each of its URL
parameters (read from the page classes, so a new parameter is covered at once), the same
values typed in every text box of the page, and an imported sites file whose names, source
and file name are hostile. No script of theirs runs (``window.__pwned`` stays unset, no
dialog opens) and no tag, handler or ``javascript:`` link of theirs is in the page's DOM
(shadow roots included). One server, on a copy of the served database with the sites
imported; pages opened in sequence."""

from __future__ import annotations

import csv
import shutil
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect
from serving import served
from waits import wait_rendered

from smartidf_analysis.apps.pages import PAGE_CLASSES

TIMEOUT = 90_000
PAYLOADS = (
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=1</script>",
    '"><svg onload="window.__pwned=1">',
    "javascript:window.__pwned=1",
    # (not first: Panel's URL parser drops a value starting with "[" that is no JSON)
    "$$\\href{javascript:window.__pwned=1}{y}$$ [x](javascript:window.__pwned=1)",
)
#: URL arguments every page reads besides its state (apps/shell.lang_of)
COMMON_ARGS = ("lang",)
#: hostile text of the imported sites file (a site's name, its source, the file's name)
SITE_NAME = '<img src=x onerror="window.__pwned=1">Tiers-lieu <script>window.__pwned=1</script>'
SITE_SOURCE = '"><svg onload="window.__pwned=1"> [src](javascript:window.__pwned=1)'
FILE_NAME = 'sites <img src=x onerror="window.__pwned=1">.csv'

#: what a hostile value may leave in the DOM, walked through every shadow root: an element
#: with an event handler attribute or a javascript: URL, a script of the payload's, the
#: payload's image; returned as HTML excerpts
_INJECTED = """() => {
  const found = [];
  const urlAttributes = ["href", "src", "xlink:href", "action", "formaction", "data"];
  const visit = (root) => {
    for (const el of root.querySelectorAll("*")) {
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        if ((name.startsWith("on") && attr.value.includes("__pwned"))
            || (urlAttributes.includes(name) && /^\\s*javascript:/i.test(attr.value))) {
          found.push(el.outerHTML.slice(0, 200));
        }
      }
      const tag = el.tagName.toLowerCase();
      if ((tag === "script" && el.textContent.includes("__pwned")
           && (!el.type || /javascript|module/i.test(el.type)))
          || (tag === "img" && el.getAttribute("src") === "x")
          || (tag === "svg" && el.hasAttribute("onload"))) {
        found.push(el.outerHTML.slice(0, 200));
      }
      if (el.shadowRoot) visit(el.shadowRoot);
    }
  };
  visit(document);
  return found;
}"""


def _import_hostile_sites(db_path, folder) -> tuple[str, str]:
    """Import one site named :data:`SITE_NAME` (source :data:`SITE_SOURCE`, file
    :data:`FILE_NAME`) into ``db_path``, in a commune that has a neighbour farther than
    10 km; returns (its commune, that far commune) for the finder's home and work."""
    import shapely

    from smartidf_analysis.data import db
    from smartidf_analysis.data.existing_sites import import_sites

    communes = db.query("communes_map", path=db_path, paris_as_one=False)
    communes = communes[communes["geometry_wkb"].notna()].sort_values("commune_code")
    shapes = shapely.from_wkb([bytes(g) for g in communes["geometry_wkb"]])
    points = shapely.point_on_surface(shapes)
    home = 0
    far = int(shapely.distance(points[home], points).argmax())
    path = folder / FILE_NAME
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "lat", "lon", "seats", "source"])
        writer.writerow([SITE_NAME, points[home].y, points[home].x, 20, SITE_SOURCE])
    import_sites(path, db_path=db_path)
    db.close_shared()
    return communes["commune_code"].iloc[home], communes["commune_code"].iloc[far]


@pytest.fixture(scope="module")
def hostile_app(app_db, tmp_path_factory):
    """The app served on a copy of the UI tests' database with the hostile sites imported;
    yields (base URL, home commune of the site, a far work commune)."""
    folder = tmp_path_factory.mktemp("hostile")
    db_path = folder / "smartidf.duckdb"
    shutil.copy(app_db, db_path)
    home, work = _import_hostile_sites(db_path, folder)
    with served(db_path, folder) as url:
        yield url, home, work


@pytest.fixture
def dialogs(page) -> list[str]:
    messages: list[str] = []
    page.on("dialog", lambda d: (messages.append(d.message), d.dismiss()))
    return messages


def _open(page, url: str) -> None:
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_function("() => window.Bokeh !== undefined && Bokeh.documents.length > 0",
                           timeout=TIMEOUT)
    wait_rendered(page, TIMEOUT)  # the page has applied what it took from the URL


def _assert_nothing_injected(page, dialogs: list[str], where: str) -> None:
    assert page.evaluate("() => typeof window.__pwned") == "undefined", where
    assert dialogs == [], where
    assert page.evaluate(_INJECTED) == [], where


def _text_boxes(page):
    """The page's visible text inputs (search boxes, text fields), shadow roots pierced."""
    boxes = page.locator("input[type=text], input:not([type]), textarea")
    return [boxes.nth(i) for i in range(boxes.count()) if boxes.nth(i).is_visible()]


def test_every_url_parameter_is_covered():
    """Each page declares URL parameters, each a parameter of its state: what the test below
    fills in (a page with a parameter of another kind would be caught here)."""
    assert {cls.page for cls in PAGE_CLASSES} == {"overview", "broadband", "commuting",
                                                  "telecentres", "finder", "solar", "buildings",
                                                  "territoire"}
    for cls in PAGE_CLASSES:
        assert cls.url_parameters and set(cls.url_parameters) <= set(cls.State.param), cls


@pytest.mark.parametrize("page_class", PAGE_CLASSES, ids=lambda cls: cls.page)
def test_hostile_url_values_and_typed_text_run_nothing(page, hostile_app, dialogs, page_class):
    """Every URL parameter of the page (and ``lang``) holds the same hostile value, for each
    value of :data:`PAYLOADS`; then each one is typed in every text box of the page."""
    url, _, _ = hostile_app
    names = (*page_class.url_parameters, *COMMON_ARGS)
    for payload in PAYLOADS:
        _open(page, f"{url}/{page_class.page}?{urlencode(dict.fromkeys(names, payload))}")
        if page_class.page == "commuting":  # its unknown-commune alert shows the value
            expect(page.locator(".commuting-alert")).to_be_visible(timeout=TIMEOUT)
        _assert_nothing_injected(page, dialogs, f"{page_class.page} URL {payload!r}")
        if page_class.page == "commuting":  # the value did reach the page: as its text
            expect(page.locator(".commuting-alert")).to_contain_text(payload)
    boxes = _text_boxes(page)
    for box in boxes:
        for payload in PAYLOADS:
            box.fill(payload)
            box.press("Enter")
            wait_rendered(page, TIMEOUT)
            _assert_nothing_injected(page, dialogs, f"{page_class.page} typed {payload!r}")
    if page_class.page in ("broadband", "finder", "territoire"):
        assert boxes, "the page's search boxes were not found"


def test_imported_site_names_are_shown_as_text(page, hostile_app, dialogs):
    """The hostile site file's name, site name and source, where the pages show them: the
    finder's answer and sites table, the overview's catalogue."""
    url, home, work = hostile_app
    _open(page, f"{url}/finder?{urlencode({'home': home, 'work': work})}")
    expect(page.locator(".finder-answer")).to_contain_text("Tiers-lieu", timeout=TIMEOUT)
    expect(page.get_by_text(SITE_NAME).first).to_be_visible(timeout=TIMEOUT)
    _assert_nothing_injected(page, dialogs, "finder with the imported site")
    _open(page, f"{url}/overview")
    expect(page.get_by_text(FILE_NAME).first).to_be_attached(timeout=TIMEOUT)
    expect(page.get_by_text(SITE_SOURCE).first).to_be_attached(timeout=TIMEOUT)
    _assert_nothing_injected(page, dialogs, "overview with the imported file")
