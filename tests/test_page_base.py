"""The page base class (apps/page.py): data cached per database build (a rebuilt database is
never served stale), guarded callbacks, state declared with documented parameters."""

from __future__ import annotations

import logging

import panel as pn
import param
import pytest

from smartidf_analysis.apps import page as page_base
from smartidf_analysis.apps.broadband import BroadbandPage
from smartidf_analysis.apps.buildings import BuildingsPage
from smartidf_analysis.apps.commuting import CommutingPage
from smartidf_analysis.apps.overview import OverviewPage
from smartidf_analysis.data import build, db

PAGES = (OverviewPage, BroadbandPage, CommutingPage, BuildingsPage)


def _headline(view) -> str:
    [text] = [str(m.object) for m in view.shown(pn.pane.Markdown)
              if str(m.object).startswith("### Île-de-France")]
    return text


def test_a_rebuilt_database_is_never_served_from_the_cache(tmp_path, monkeypatch, closes_shared):
    from page_view import PageView

    path = tmp_path / "smartidf.duckdb"
    monkeypatch.setenv("SMARTIDF_DB", str(path))
    page_base.clear_cache()
    build.build(synthetic=True, path=path, progress=False, seed=0)
    first = db.build_key(path)
    view = PageView(OverviewPage(lang="en"))
    before = _headline(view)
    assert OverviewPage(lang="en").data() is view.page.data()  # one load per build
    population = db.query("region_totals", path=path)["population"].iloc[0]

    build.build(synthetic=True, path=path, progress=False, seed=0, scale=2.0, force=True)
    assert db.build_key(path) != first
    rebuilt = db.query("region_totals", path=path)["population"].iloc[0]
    assert rebuilt != population  # the shared connection reads the new file
    again = PageView(OverviewPage(lang="en"))
    after = _headline(again)
    assert again.page.data() is not view.page.data()
    assert f"{population:,.0f}" in before and f"{rebuilt:,.0f}" in after
    assert f"{population:,.0f}" not in after


def test_a_failing_callback_shows_a_short_message_and_logs_the_traceback(
        synthetic_db, caplog):
    from page_view import PageView

    page = OverviewPage(lang="fr")
    view = PageView(page)
    assert not view.visible("page-error")

    def broken(*_):
        raise RuntimeError("boom in a callback")

    page.watch(broken, ["metric"])
    with caplog.at_level(logging.ERROR, logger="smartidf.apps.page"):
        page.state.metric = "density_per_km2"  # no exception reaches the caller
    assert view.visible("page-error")
    assert "journal du serveur" in view.text("page-error") and "boom" not in view.text("page-error")
    assert "boom in a callback" in caplog.text and "Traceback" in caplog.text


async def _async_broken(*_):
    raise ValueError("async boom")


def test_async_callbacks_are_guarded_too(synthetic_db, caplog):
    import asyncio

    from page_view import PageView

    page = OverviewPage(lang="en")
    view = PageView(page)
    guarded = page.guard(_async_broken)
    with caplog.at_level(logging.ERROR, logger="smartidf.apps.page"):
        assert asyncio.run(guarded()) is None
    assert view.visible("page-error") and "async boom" in caplog.text


@pytest.mark.parametrize("page_class", PAGES)
def test_pages_declare_documented_url_parameters(page_class):
    state = page_class.State()
    assert page_class.page and set(page_class.url_parameters) <= set(state.param)
    for name in page_class.url_parameters:
        parameter = state.param[name]
        assert isinstance(parameter, param.Parameter)
        assert parameter.doc and len(parameter.doc.split()) >= 4, (page_class.page, name)


def test_a_section_is_drawn_when_first_shown_and_follows_the_state(synthetic_db):
    """Broadband's sections are dynamic tabs: the trajectory chart is not built until its
    section is shown, the tabs follow ``state.section`` and a click on a tab sets it; a
    hidden section's chart is drawn when the section is shown."""
    from page_view import PageView

    page = BroadbandPage(lang="en")
    view = PageView(page)  # outside a server: made at once, the map section shown
    assert page.state.section == "map"
    tabs = view.pane("broadband-sections")  # map, series, commune, gaps, zoning

    def chart(tab: int):
        [pane] = tabs.objects[tab].select(pn.pane.HoloViews)
        return pane.object

    assert tabs.active == 0 and chart(1) is None  # built for nobody otherwise
    page.state.section = "series"
    assert tabs.active == 1 and chart(1) is not None
    tabs.active = 3  # the lagging communes tab, as a click would
    assert page.state.section == "gaps"
    [picker] = view.layout.select(pn.widgets.AutocompleteInput)  # "name (code)" options
    first_code, other = [o.rsplit("(", 1)[1].rstrip(")") for o in picker.options[:2]]
    page.state.commune = first_code
    assert chart(2) is None  # its section not shown yet
    page.state.section = "commune"
    first = chart(2)
    assert tabs.active == 2 and first is not None
    page.state.section = "gaps"
    page.state.commune = other  # a hidden section's chart waits for it to be shown
    assert chart(2) is first
    page.state.section = "commune"
    assert chart(2) is not None and chart(2) is not first
    assert f"({other})" in view.text("broadband-inspector")
