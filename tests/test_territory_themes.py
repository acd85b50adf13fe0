""""Mon territoire", the four themes in depth: the fibre trajectory and projection to the
target, the modal split and dominant hub, the telecentre savings, nearest sites and
pooling groups, the roofs by solar class; each checked against an independent DuckDB query
or the theme package's own functions, and found on the page and in the PDF (real data with
the mirror, the synthetic region without)."""

from __future__ import annotations

import html
import re

import duckdb
import numpy as np
import pandas as pd
import pytest
from test_territory import _plain, page_html, pdf_text, picked, territory_db  # noqa: F401

from smartidf_analysis.apps.territoire.document import value_text


@pytest.fixture(scope="module")
def shown(territory_db, picked, tmp_path_factory) -> dict[str, str]:  # noqa: F811
    """The commune's page (fr) and PDF text, made once."""
    from smartidf_analysis.apps.territoire import report

    level, code = picked["commune"]
    out = report.write_report(code, tmp_path_factory.mktemp("themes") / "c.pdf", level)
    return {"page": _plain(page_html(code, level)), "pdf": pdf_text(out)}


def _profile(level, code):
    from smartidf_analysis.reporting import territory as terr

    return terr.territory_profile(code, level).set_index("figure")


def _members(path, level, code) -> list[str]:
    """The commune codes (arrondissements included) of a territory, from the table."""
    column = {"commune": "commune_code", "epci": "epci_siren", "department": "department_code"}[level]
    con = duckdb.connect(str(path), read_only=True)
    codes = [r[0] for r in con.execute(
        f"SELECT commune_code FROM communes WHERE {column} = $c OR parent_code IN "
        f"(SELECT commune_code FROM communes WHERE kind = 'COM' AND {column} = $c)",
        {"c": code}).fetchall()]
    con.close()
    return codes


def _assert_shown(shown, profile, keys):
    for key in keys:
        text = _plain(value_text(profile.at[key, "value"], profile.at[key, "unit"], "fr"))
        for where, content in shown.items():
            assert re.sub(r"\s", "", text) in re.sub(r"\s", "", content), (key, text, where)
            if where == "page":  # labels as the page writes them (escaped HTML)
                assert html.escape(_plain(profile.at[key, "label_fr"]), quote=True) in content, key


# ------------------------------------------------------------------------------ fibre
def test_fibre_projection_equals_an_independent_least_squares(territory_db, picked, shown):  # noqa: F811
    """The commune's central projection at its target: its connectable premises at each
    ARCEP quarter (SQL), their least-squares slope, last value + slope x quarters, capped
    at its premises."""
    from smartidf_analysis.broadband.projection import target_for

    level, code = picked["commune"]
    profile = _profile(level, code)
    codes = _members(territory_db, level, code)
    con = duckdb.connect(str(territory_db), read_only=True)
    series = con.execute("SELECT quarter, sum(connectable_premises) FROM fibre_deployment WHERE "
                         "geo_level = 'COM' AND commune_code IN (SELECT unnest($c)) GROUP BY 1 "
                         "ORDER BY 1", {"c": codes}).fetchall()
    premises = con.execute("SELECT sum(dwellings + establishments) FROM premises WHERE "
                           "commune_code IN (SELECT unnest($c))", {"c": codes}).fetchone()[0]
    con.close()
    q = np.array([int(s[:4]) * 4 + int(s[-1]) - 1 for s, _ in series], float)
    y = np.array([v for _, v in series], float)
    slope = np.polyfit(q, y, 1)[0]
    target = target_for([code[:2]])[0]
    k = int(target[:4]) * 4 + int(target[-1]) - 1 - q[-1]
    expected = 100 * min(max(y[-1] + max(slope, 0) * k, y[-1]), max(premises, y[-1])) / premises
    assert profile.at["fibre_projected_target", "value"] == pytest.approx(expected, rel=1e-9)
    assert profile.at["fibre_pace", "value"] == pytest.approx(slope, rel=1e-9)
    assert profile.at["fibre_to_connect", "value"] == pytest.approx(max(premises - y[-1], 0))
    assert target in profile.at["fibre_projected_target", "label_fr"]
    slow, fast = (profile.at[f"fibre_projected_target_{s}", "value"] for s in ("slow", "fast"))
    assert slow <= profile.at["fibre_projected_target", "value"] <= fast
    _assert_shown(shown, profile, ["fibre_projected_target", "fibre_projected_target_slow",
                                   "fibre_projected_target_fast", "fibre_to_connect",
                                   "fibre_rank_in_department"])
    assert "Projection à l&#x27;échéance" in shown["page"] and "Projection à l'échéance" in shown["pdf"]
    assert "fibre-trajectory" in shown["page"]


def test_fibre_trajectory_and_department_series(territory_db, picked):  # noqa: F811
    """The trajectory's department series is the Baromètre's (DITP where it exists, else
    Etalab), its projection starts after the last ARCEP quarter and ends at the target; an
    EPCI's projection is the premises-weighted sum of its communes'."""
    from smartidf_analysis.reporting import territory as terr

    level, code = picked["commune"]
    traj = terr.fibre_trajectory(code, level)
    dep = traj.attrs["department_code"]
    con = duckdb.connect(str(territory_db), read_only=True)
    rows = con.execute("SELECT quarter, coverage_pct, source FROM fibre_department_series "
                       "WHERE zone_code = ? ORDER BY quarter", [dep]).df()
    last_arcep = con.execute("SELECT max(quarter) FROM fibre_deployment").fetchone()[0]
    con.close()
    expected = (rows.assign(r=rows["source"].ne("ditp_fibre_2022_2024"))
                .sort_values(["quarter", "r"]).drop_duplicates("quarter"))
    got = traj[traj["series"] == "department"]
    assert list(got["quarter"]) == list(expected["quarter"])
    assert np.allclose(got["rate_pct"], expected["coverage_pct"])
    assert _profile(level, code).at["fibre_department_rate_latest", "value"] == pytest.approx(
        expected["coverage_pct"].iloc[-1])
    projected = traj[traj["series"] == "territory_projected"]
    assert projected["quarter"].iloc[0] > last_arcep
    assert projected["quarter"].iloc[-1] == traj.attrs["target"]
    assert traj.attrs["verdict"] in ("covered", "on_track", "uncertain", "off_track",
                                     "no_progress", "no_data")
    from smartidf_analysis.reporting.territory.theme_fibre import commune_projection, level_paths

    inputs = terr.load_inputs()
    elevel, epci = picked["epci"]
    target = terr.fibre_trajectory(epci, elevel).attrs["target"]
    paths = level_paths(inputs, "commune")
    proj = commune_projection(inputs).set_index("commune_code")
    at = paths[(paths["quarter"] == target)
               & paths["zone_code"].isin(_members(territory_db, elevel, epci))]
    den = at["zone_code"].map(proj["premises_total"])
    assert _profile(elevel, epci).at["fibre_projected_target", "value"] == pytest.approx(
        (at["projected_pct"] * den).sum() / den.sum(), rel=1e-9)


# -------------------------------------------------------------------------- commuting
def test_modal_split_equals_sql(territory_db, picked, shown):  # noqa: F811
    from smartidf_analysis.reporting.territory.theme_commuting import MODE_FIGURES

    for which in ("commune", "epci"):
        level, code = picked[which]
        codes = _members(territory_db, level, code)
        con = duckdb.connect(str(territory_db), read_only=True)
        by_mode = dict(con.execute("SELECT mode, sum(workers) FROM commuting_flows WHERE home_code "
                                   "IN (SELECT unnest($c)) GROUP BY 1", {"c": codes}).fetchall())
        con.close()
        profile = _profile(level, code)
        total = sum(by_mode.values())
        for mode, key in MODE_FIGURES.items():
            assert profile.at[key, "value"] == pytest.approx(100 * by_mode.get(mode, 0) / total,
                                                             rel=1e-9, abs=1e-12), key
    _assert_shown(shown, _profile(*picked["commune"]),
                  ["share_public_transport", "share_car", "share_non_motorised", "share_home"])


def test_dominant_hub_follows_the_dominant_flows(territory_db, picked, shown):  # noqa: F811
    """The hub named for the commune: dominant flows recomputed here from the commune
    matrix (commuting.od_matrix, Paris as one), the chain walked by hand."""
    from smartidf_analysis import commuting as cm
    from smartidf_analysis.commuting.selections import dominant_flows
    from smartidf_analysis.reporting.territory.theme_commuting import MIN_BASIN

    nodes = dominant_flows(cm.od_matrix("commune", paris_as_one=True)).nodes.set_index("code")
    parent = nodes["parent"].dropna().to_dict()

    def below(c):
        while c in parent and parent[c] in parent:
            c = parent[c]
        return c

    heads = {c: below(c) for c in nodes.index}
    size = pd.Series(heads).value_counts()
    hub = {c: (h if size[h] >= MIN_BASIN else nodes.at[c, "centre"]) for c, h in heads.items()}
    level, code = picked["commune"]
    profile = _profile(level, code)
    mine = hub[code]
    assert f"({mine})" in profile.at["hub_basin_communes", "label_fr"]
    assert profile.at["hub_basin_communes", "value"] == sum(1 for h in hub.values() if h == mine)
    elevel, epci = picked["epci"]
    members = [c for c in _members(territory_db, elevel, epci) if c in hub]
    con = duckdb.connect(str(territory_db), read_only=True)
    res = dict(con.execute("SELECT home_code, sum(workers) FROM commuting_flows GROUP BY 1").fetchall())
    con.close()
    by_hub = pd.Series({c: res.get(c, 0.0) for c in members}).groupby(
        pd.Series({c: hub[c] for c in members})).sum()
    p_epci = _profile(elevel, epci)
    assert f"({by_hub.idxmax()})" in p_epci.at["hub_share_of_residents", "label_fr"]
    assert p_epci.at["hub_share_of_residents", "value"] == pytest.approx(
        100 * by_hub.max() / by_hub.sum(), rel=1e-9)
    _assert_shown(shown, profile, ["hub_basin_communes"])


# -------------------------------------------------------------------------- telework
def test_telework_savings_sites_and_pooling(territory_db, picked, shown):  # noqa: F811
    """Weekly savings: telecentres.savings_by_mode on the EPCI's eligible flows (the solved
    scenario's allocation) ÷ working weeks; the region's: the scenario's own total; the
    nearest proposed site: home_to_site_km from the commune; pooling: the groups of
    telecentres.employer_hub holding the commune."""
    from smartidf_analysis.reporting import territory as terr
    from smartidf_analysis.reporting.territory.theme_telework import network, pooling_groups
    from smartidf_analysis.telecentres import scenarios
    from smartidf_analysis.telecentres.sites import home_to_site_km

    inputs = terr.load_inputs()
    net = network(inputs)
    weeks = scenarios.WORKING_WEEKS
    elevel, epci = picked["epci"]
    el = net["eligible"]
    mine = el[el["home_code"].astype(str).isin(_members(territory_db, elevel, epci))]
    total = scenarios.savings_by_mode(mine, net["result"].allocation, net["scenario"]).set_index(
        "mode").loc["total"]
    p = _profile(elevel, epci)
    assert p.at["weekly_km_saved", "value"] == pytest.approx(total["km_avoided_per_year"] / weeks)
    assert p.at["weekly_hours_saved", "value"] == pytest.approx(total["hours_saved_per_year"] / weeks)
    assert p.at["weekly_co2_saved", "value"] == pytest.approx(
        1000 * total["co2_avoided_t_per_year"] / weeks)
    region = net["result"].savings.set_index("mode").loc["total"]
    assert p.at["weekly_km_saved", "region_value"] == pytest.approx(
        region["km_avoided_per_year"] / weeks, rel=1e-9)
    level, code = picked["commune"]
    p = _profile(level, code)
    com = inputs.communes.set_index("commune_code").loc[[code]]
    d = home_to_site_km(com, net["proposed"])[0]
    assert p.at["nearest_proposed_km", "value"] == pytest.approx(d.min())
    sites = terr.nearest_sites(code, level)
    first = sites[sites["kind"] == "proposed"].iloc[0]
    assert first["station_name"] == net["proposed"].iloc[int(np.argmin(d))]["station_name"]
    assert first["station_name"] in p.at["nearest_proposed_km", "label_fr"]
    pool = terr.pooling_opportunities(code, level)
    assert pool["teleworkers"].sum() == pytest.approx(p.at["pooling_teleworkers", "value"])
    groups = pooling_groups(inputs)
    for hub in pool["hub"].unique():
        codes = tuple(hub.split("+"))
        _, origins = scenarios.employer_hub(inputs.telecentres, codes, 50.0, net["scenario"])
        row = origins[origins["home_code"].astype(str).isin(_members(territory_db, level, code))
                      & origins["cluster"].notna()]
        assert pool.loc[pool["hub"] == hub, "teleworkers"].sum() == pytest.approx(
            row["teleworkers"].sum())
        assert len(groups[groups["hub"] == hub])
    _assert_shown(shown, p, ["weekly_km_saved", "weekly_hours_saved", "weekly_co2_saved",
                             "nearest_proposed_km"])
    for content in shown.values():
        assert "Sites les plus proches" in content and first["station_name"] in content


# ----------------------------------------------------------------------------- solar
def test_roofs_by_class_add_up_to_the_solar_totals(territory_db, picked, shown):  # noqa: F811
    """Roofs and production by class red / yellow / blue add up to the commune totals of
    solar.results.commune_indicator (another computation: orientation weights); kWh per
    inhabitant over the population of the communes table."""
    from smartidf_analysis.reporting.territory.inputs import SOLAR_PARAMETERS
    from smartidf_analysis.solar import results

    totals = results.commune_indicator("annual_gwh", **SOLAR_PARAMETERS).set_index("commune_code")
    for which in ("commune", "epci"):
        level, code = picked[which]
        p = _profile(level, code)
        units = [c for c in _members(territory_db, level, code) if c in totals.index]
        assert sum(p.at[f"roofs_{k}", "value"] for k in ("red", "yellow", "blue")) == \
            totals.loc[units, "roofs"].sum() == p.at["roofs", "value"]
        assert sum(p.at[f"annual_gwh_{k}", "value"] for k in ("red", "yellow", "blue")) == \
            pytest.approx(totals.loc[units, "annual_gwh"].sum(), rel=1e-9)
        con = duckdb.connect(str(territory_db), read_only=True)
        pop = con.execute("SELECT sum(population) FROM communes WHERE kind = 'COM' AND commune_code "
                          "IN (SELECT unnest($c))", {"c": _members(territory_db, level, code)}
                          ).fetchone()[0]
        con.close()
        assert p.at["kwh_per_inhabitant", "value"] == pytest.approx(
            1e6 * p.at["annual_gwh", "value"] / pop, rel=1e-9)
    p = _profile(*picked["commune"])
    _assert_shown(shown, p, ["roofs_red", "roofs_yellow", "roofs_blue", "annual_gwh_red",
                             "kwh_per_inhabitant"])
    if p.attrs["roof_set"] == "synthetic_stock":
        assert "SYNTHÉTIQUE" in p.at["roofs_red", "source"]
        for content in shown.values():
            assert "SYNTHÉTIQUE" in content


def test_the_english_page_shows_english_units(territory_db, picked):  # noqa: F811
    from smartidf_analysis.reporting.territory.definitions import FIGURES, UNITS_EN

    assert {v[1] for v in FIGURES.values()} <= set(UNITS_EN)  # every unit has its English
    assert value_text(1234.4, "kWh/hab./an", "en") == "1,234 kWh/inhab./yr"
    assert value_text(1234.4, "kWh/hab./an", "fr").endswith("kWh/hab./an")
    level, code = picked["commune"]
    english = _plain(page_html(code, level, lang="en"))
    assert "kWh/inhab./yr" in english and "kWh/hab./an" not in english
    assert "/semaine" not in english and "/an<" not in english
