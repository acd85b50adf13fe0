"""Pages on the synthetic region (what a newcomer without the mirror is served): the finder's
default scenario clamped to the region's candidates and said, its default pair and hubs taken
from the data; the solar page's source line; the HTML snapshot made from copies, never from
the session's own objects."""

from __future__ import annotations

import re

from page_view import PageView

from smartidf_analysis import telecentres as tc
from smartidf_analysis.apps.i18n import fmt_number, tr
from smartidf_analysis.telecentres import finder


def test_finder_clamps_the_default_scenario_to_the_candidates_and_says_so(synthetic_db):
    from smartidf_analysis.apps.finder import HUBS, FinderPage

    inputs = tc.load_inputs(synthetic_db)
    candidates = finder.new_site_candidates(inputs)
    assert 0 < candidates < tc.DEFAULT.n_sites  # the case: fewer stations than p = 200
    existing, proposed = finder.site_sets(inputs)
    assert len(proposed) == candidates and proposed["site_id"].is_unique
    assert finder.proposal_scenario(inputs).n_sites == candidates
    for lang in ("fr", "en"):
        page = FinderPage(lang=lang)
        view = PageView(page)
        assert view.alerts("danger") == [] and not view.visible("finder-alert")
        said = view.text("finder-clamped")
        assert fmt_number(candidates, lang) in said and fmt_number(200, lang) in said
        assert said == tr("fd_clamped", lang).format(asked=fmt_number(200, lang),
                                                     placed=fmt_number(candidates, lang))
        # the answer names the scenario's real size, not the default's
        assert f"({fmt_number(candidates, lang)} sites" in view.text("finder-answer")
    # a pair and hubs of this region's own communes (the default pair is not in it)
    known = set(inputs.communes["commune_code"])
    assert {page.state.home, page.state.work} <= known and page.state.home != page.state.work
    assert set(HUBS[page.state.hub]) <= known
    assert page.answer is not None and page.answer.summary["home_code"] == page.state.home


def test_finder_proposes_nothing_without_new_candidates(synthetic_db):
    """A region with no candidate beyond the existing sites: no proposed site, no error."""
    inputs = tc.load_inputs(synthetic_db)
    none = tc.DEFAULT.but(candidate_modes=("VAL",))  # no such station in the synthetic region
    assert finder.new_site_candidates(inputs, none) == 0
    existing, proposed = finder.site_sets(inputs, none)
    assert proposed.empty and existing.empty
    answer = finder.find_sites(inputs.communes, *finder.example_pair(
        inputs.flows, finder.commune_choices(inputs.communes)), existing=existing,
        proposed=proposed)
    assert answer.sites.empty and not answer.summary["worth_it"]


def test_solar_source_line_cites_the_synthetic_tables(synthetic_db):
    from smartidf_analysis.apps.solar import SolarPage

    caption = PageView(SolarPage(lang="fr")).text("solar-map-caption")
    assert re.search(r"Source : .*Synthetic demo region: irradiance_hourly \(seed", caption), caption


def test_snapshot_is_made_from_copies_of_the_page(synthetic_db):
    """Saving the page's own objects moved its figures into the saved document (and kept the
    saved models tied to the session's objects); the snapshot saves a copy made again from
    the session's state."""
    from smartidf_analysis.apps.overview import OverviewPage
    from smartidf_analysis.apps.snapshot import snapshot_html

    page = OverviewPage(lang="en")
    page.state.param.update(paris_as_one=True)
    view = PageView(page)
    figures = view.figures()
    assert figures and all(figure.document is None for figure in figures)
    html = snapshot_html("overview", page.snapshot, "en").getvalue()
    assert "<html" in html.lower() and tr("overview", "en") in html
    assert all(figure.document is None for figure in figures)  # still the session's alone
    shown = re.search(r"[\d,]+ communes", view.text("map-caption")).group(0)
    assert shown in html  # the copy has the session's state (Paris as one commune)


def test_telecentres_page_says_its_default_p_is_clamped(synthetic_db):
    from smartidf_analysis.apps.telecentres import TelecentresPage

    candidates = int(tc.load_inputs(synthetic_db).candidates()["candidate"].sum())
    for lang in ("fr", "en"):
        page = TelecentresPage(lang=lang)
        said = PageView(page).text("tc-clamped")
        assert said == tr("tc_clamped", lang).format(
            candidates=fmt_number(candidates, lang), asked=fmt_number(tc.DEFAULT.n_sites, lang),
            p=fmt_number(page.state.n_sites, lang))
        assert page.state.n_sites < candidates < tc.DEFAULT.n_sites
