"""Text from a URL, a search box or a file, escaped by ``apps.safe_text``, renders as the text
it is in the panes Panel draws: read here from the pane's own rendering (``get_root``: the
HTML Panel sends the browser), parsed, and checked for tags, attributes and links."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pandas as pd
import panel as pn
import pytest

from smartidf_analysis.apps.safe_text import escape_html, escape_markdown

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=1</script>",
    '"><svg onload="window.__pwned=1">',
    "'><svg/onload=alert(1)>",
    "[click](javascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "<https://evil.example>",
    "javascript:window.__pwned=1",
    "https://evil.example/a?b=1 www.evil.com evil.com name@evil.com",
    "`code` ``x`` ~~del~~ *em* **strong** _u_ ==mark==",
    "&lt;b&gt; &amp; &#60;script&#62; &copy;",
    "$$\\href{javascript:alert(1)}{x}$$ \\(\\href{javascript:alert(1)}{y}\\) \\[z\\]",
    "# heading",
    "- item",
    "1) item",
    "2. item",
    "> quote",
    "=== setext",
    ": definition",
    "| a | b |",
    "line\n\n<img src=x onerror=alert(1)>\r\n    code\n- item",
    "x\\",
    "Saint-Denis (93066)",
    "L'Haÿ-les-Roses",
    "apur:536092",
]

#: Markdown around an escaped value, as the pages write it, and the tags of that Markdown
#: alone
CONTEXTS = {
    "{}": {"p"},
    "**Nearest site : {}** (existing), 2 km.": {"p", "strong"},
    "### Roof {}": {"h3"},
    "first line\n{}": {"p"},
    "- **dataset** — {} : <code>{}</code>": {"ul", "li", "strong", "code"},
    "| Month | {} |\n|---|---:|\n| Jan | {} |": {"table", "thead", "tbody", "tr", "th", "td"},
}


class _Parsed(HTMLParser):
    """Tags, attributes and text of an HTML fragment."""

    def __init__(self, fragment: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.chunks: list[str] = []
        self.feed(fragment)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, attrs))

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.chunks).split())


def rendered(pane) -> str:
    """The HTML the pane sends to the browser (Panel's model holds it HTML-escaped)."""
    return html.unescape(pane.get_root().text)


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("context", CONTEXTS)
def test_markdown_pane_shows_the_value_as_text(value, context):
    markdown = context.replace("{}", escape_markdown(value))
    out = rendered(pn.pane.Markdown(markdown))
    parsed = _Parsed(out)
    # no tag of the value's own: only the context's, and the spans holding $ and \
    assert {tag for tag, _ in parsed.tags} <= CONTEXTS[context] | {"span"}, out
    # and no attribute at all (no handler, no link, no source)
    assert [attrs for tag, attrs in parsed.tags if attrs and tag not in ("td", "th")] == [], out
    assert "javascript:" not in "".join(str(a) for _, attrs in parsed.tags for a in attrs)
    # the visitor reads the value as written (line breaks become spaces)
    assert _words(value) in parsed.text, (out, parsed.text)
    # nothing MathJax would typeset: no formula delimiter in the HTML
    for delimiter in ("$$", "\\(", "\\[", "\\)", "\\]"):
        assert delimiter not in out, out


@pytest.mark.parametrize("value", HOSTILE)
def test_alert_pane_shows_the_value_as_text(value):
    out = rendered(pn.pane.Alert(f"Commune inconnue : {escape_markdown(value)}",
                                 alert_type="warning"))
    parsed = _Parsed(out)
    assert {tag for tag, _ in parsed.tags} <= {"p", "span"}, out
    assert f"Commune inconnue : {_words(value)}" in parsed.text


def test_unescaped_values_would_inject():
    """What the helper prevents, rendered by the same pane: raw HTML (a handler, a
    javascript: link) and a clickable address come out of Panel's Markdown when a value is
    not escaped."""
    out = rendered(pn.pane.Markdown('a <img src=x onerror=alert(1)> <a href="javascript:x">c</a> '
                                    "then evil.com"))
    tags = _Parsed(out).tags
    assert ("img", [("src", "x"), ("onerror", "alert(1)")]) in tags
    assert [attrs for tag, attrs in tags if tag == "a"] == [[("href", "javascript:x")],
                                                            [("href", "http://evil.com")]]


@pytest.mark.parametrize("value", HOSTILE)
def test_html_pane_shows_the_value_as_text_and_attribute(value):
    out = rendered(pn.pane.HTML(f'<div title="{escape_html(value)}"><b>{escape_html(value)}</b></div>'))
    parsed = _Parsed(out)
    assert [tag for tag, _ in parsed.tags] == ["div", "b"], out
    assert parsed.tags[0][1] == [("title", value)]
    assert parsed.text == _words(value)


def test_any_value_is_shown_as_its_text():
    assert escape_markdown(75056) == "75056" and escape_html(None) == "None"
    assert escape_markdown("Saint-Denis (93066)") == "Saint-Denis (93066)"
    assert escape_markdown(ValueError("<b>")) == "&lt;b&gt;"


def test_missing_data_panel_escapes_the_build_error():
    from smartidf_analysis.apps.shell import missing_data_panel

    missing = pd.DataFrame([{"dataset_id": "nsrdb_paris_tmy", "title": "NSRDB <i>TMY</i>",
                             "url": "https://example.org/a_b.csv",
                             "error": "HTTP 404: <html><script>window.__pwned=1</script>`x`"}])
    out = rendered(missing_data_panel(missing, "en"))
    parsed = _Parsed(out)
    assert {tag for tag, _ in parsed.tags} <= {"p", "ul", "li", "strong", "code", "span"}, out
    assert "HTTP 404: <html><script>window.__pwned=1</script>`x`" in parsed.text
    assert "https://example.org/a_b.csv" in parsed.text and "NSRDB <i>TMY</i>" in parsed.text


def test_telecentres_message_of_an_impossible_setting_is_escaped():
    from smartidf_analysis.apps.telecentres.display import error_message

    out = rendered(pn.pane.Alert(error_message(ValueError('"><svg onload="x">'), "en")))
    assert "svg" not in {tag for tag, _ in _Parsed(out).tags}
    assert '"><svg onload="x">' in _Parsed(out).text


def test_buildings_tooltip_and_inspector_escape_a_building_id(synthetic_db, monkeypatch):
    """A building id from an imported file reaches the deck.gl tooltip (an HTML template
    filled in the browser with the picked row's fields, as they are) and the inspector."""
    from page_view import PageView

    from smartidf_analysis.apps.buildings import page as buildings
    from smartidf_analysis.apps.i18n import tr
    from smartidf_analysis.plots.roofs3d import LAYER_ID

    hostile = '<img src=x onerror="window.__pwned=1">_[x](javascript:1)'
    real = buildings.set_production

    def with_hostile_id(roof_set, commune=""):
        roofs = real(roof_set, commune)
        return roofs.assign(roof_id=[hostile, *roofs["roof_id"].iloc[1:]])

    monkeypatch.setattr(buildings, "set_production", with_hostile_id)
    page = buildings.BuildingsPage(lang="en")
    view = PageView(page)
    deck = view.pane("buildings-deck")
    row = deck.object["layers"][0]["data"].iloc[0]
    tooltip = tr("bld_tooltip", "en")
    for key, value in row.items():  # what deck.gl's tooltip does with each field
        tooltip = tooltip.replace(f"{{{key}}}", str(value))
    parsed = _Parsed(tooltip)
    assert [tag for tag, _ in parsed.tags] == ["b", "br", "br"], tooltip
    assert parsed.text.startswith(hostile)
    deck.click_state = {"index": 0, "layer": LAYER_ID}
    assert page.state.roof_id == hostile
    out = rendered(view.pane("roof-monthly"))
    assert {tag for tag, _ in _Parsed(out).tags} <= {"h3", "p", "strong", "table", "thead", "tbody",
                                                      "tr", "th", "td", "span"}, out
    assert hostile in _Parsed(out).text
