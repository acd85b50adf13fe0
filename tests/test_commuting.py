"""Tests of smartidf_analysis.commuting and commuting_flows.

* indicators, distances, units, selections on small hand-computed tables (expected values
  are worked out in the comments);
* totals identical across levels, and the same bits for both engines, on the synthetic database;
* real-data figures against an independent SQL computation on the raw mirror file.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from smartidf_analysis import commuting as cm
from smartidf_analysis.commuting.selections import (
    commune_flows,
    dominant_flows,
    employer_pool,
    first_flows,
)
from smartidf_analysis.errors import UnknownCodeError

MOBPRO = "idf_mobpro2014_flows_mode_csp.csv.gz"
INTRA = 128 / (45 * math.pi)  # mean distance between two random points of a unit disc


# --------------------------------------------------------------------- hand-made inputs
def communes_table() -> pd.DataFrame:
    """Seven units: two Paris arrondissements and Paris itself, two MGP communes of EPT
    'T4', two communes outside the MGP. Lambert-93 centroids on a grid [m]; the area of
    75101 is π km² so that its intra-commune distance is INTRA km."""
    rows = [
        # code, name, kind, parent, dep, epci, epci_name, ept, x, y, area
        ("75056", "Paris", "COM", None, "75", "MGP", "Métropole", None, 1500, 2000, 100.0),
        ("75101", "Paris 1er", "ARM", "75056", "75", "MGP", "Métropole", None, 0, 0, math.pi),
        ("75102", "Paris 2e", "ARM", "75056", "75", "MGP", "Métropole", None, 3000, 4000, 4.0),
        ("92001", "Alpha", "COM", None, "92", "MGP", "Métropole", "T4", -6000, 8000, 9.0),
        ("92002", "Beta", "COM", None, "92", "MGP", "Métropole", "T4", -6000, 0, 1.0),
        ("77001", "Gamma", "COM", None, "77", "CA1", "CA Un", None, 30000, 40000, 16.0),
        ("77002", "Delta", "COM", None, "77", "CA1", "CA Un", None, 30000, 30000, 25.0),
    ]
    frame = pd.DataFrame(rows, columns=[
        "commune_code", "commune_name", "kind", "parent_code", "department_code", "epci_siren",
        "epci_name", "ept_code", "centroid_x_l93", "centroid_y_l93", "area_km2"])
    frame["ept_name"] = frame["ept_code"].map({"T4": "Paris Ouest"})
    frame["department_name"] = frame["department_code"].map(
        {"75": "Paris", "92": "Hauts-de-Seine", "77": "Seine-et-Marne"})
    return frame


def flows_table() -> pd.DataFrame:
    """Flows [workers] by mode; 77999 is a 2014 code absent from the current COG."""
    rows = [
        ("75101", "75101", "TC", 10), ("75101", "75101", "NM", 10),
        ("75101", "75102", "TC", 30),
        ("75102", "75101", "TC", 20), ("75102", "75101", "VP", 20),
        ("75102", "75102", "NM", 10),
        ("92001", "75101", "TC", 50),
        ("92001", "92001", "VP", 25), ("92001", "92001", "DOMICILE", 5),
        ("77001", "92001", "VP", 40),
        ("77001", "77001", "VP", 10),
        ("77999", "77001", "VP", 8),
        ("77002", "77999", "TC", 2),
    ]
    return pd.DataFrame(rows, columns=["home_code", "work_code", "mode", "workers"]).assign(
        workers=lambda f: f["workers"].astype(float))


@pytest.fixture
def hand():
    communes = communes_table()
    return communes, cm.add_distances(flows_table(), communes)


# -------------------------------------------------------------------------- indicators
def test_intra_commune_distance_is_the_mean_distance_in_a_disc():
    rng = np.random.default_rng(0)
    n = 200_000
    r, t = np.sqrt(rng.random((2, n))), 2 * np.pi * rng.random((2, n))
    x, y = r * np.cos(t), r * np.sin(t)
    simulated = np.hypot(x[0] - x[1], y[0] - y[1]).mean()  # unit disc
    assert cm.intra_commune_distance_km(math.pi) == pytest.approx(simulated, rel=0.01)
    assert cm.intra_commune_distance_km(4 * math.pi) == pytest.approx(2 * INTRA)


def test_distances_between_lambert93_centroids(hand):
    _, flows = hand
    d = flows.set_index(["home_code", "work_code"])["distance_km"].groupby(level=[0, 1]).first()
    assert d["75101", "75102"] == pytest.approx(5.0)  # 3-4-5 triangle in km
    assert d["92001", "75101"] == pytest.approx(10.0)
    assert d["77001", "92001"] == pytest.approx(math.hypot(36, 32))
    assert d["75101", "75101"] == pytest.approx(INTRA)
    assert d["92001", "92001"] == pytest.approx(INTRA * 3 / math.sqrt(math.pi))
    assert np.isnan(d["77999", "77001"]) and np.isnan(d["77002", "77999"])


def test_commune_indicators_on_a_hand_computed_table(hand):
    communes, flows = hand
    ind = cm.commune_indicators(flows, communes).set_index("commune_code")
    p1 = ind.loc["75101"]
    # residents: 20 inside + 30 to 75102 = 50; jobs: 20 + 40 (75102) + 50 (92001) = 110
    assert p1["resident_workers"] == 50 and p1["jobs"] == 110
    assert p1["balance"] == 60 and p1["relative_balance"] == pytest.approx(60 / 160)
    assert p1["self_containment"] == pytest.approx(20 / 50)
    assert p1["self_sufficiency"] == pytest.approx(20 / 110)
    assert p1["leaving_share"] == pytest.approx(30 / 50)
    assert p1["mean_distance_residents_km"] == pytest.approx((20 * INTRA + 30 * 5) / 50)
    assert p1["median_distance_residents_km"] == pytest.approx(5.0)  # 20 of 50 below 5 km
    # workers in 75101: 20 at INTRA, 40 from 75102 at 5 km, 50 from 92001 at 10 km
    assert p1["mean_distance_workers_km"] == pytest.approx((20 * INTRA + 40 * 5 + 50 * 10) / 110)
    assert p1["median_distance_workers_km"] == pytest.approx(5.0)  # 60 of 110 up to 5 km
    assert (p1["share_tc"], p1["share_nm"], p1["share_vp"], p1["share_domicile"]) == \
        pytest.approx((40 / 50, 10 / 50, 0, 0))
    alpha = ind.loc["92001"]  # 50 out to Paris, 30 inside; jobs 30 + 40 from Gamma
    assert alpha["self_containment"] == pytest.approx(30 / 80)
    assert alpha["self_sufficiency"] == pytest.approx(30 / 70)
    assert alpha["share_domicile"] == pytest.approx(5 / 80)
    # communes without flows are kept, with zero workers and undefined shares
    beta = ind.loc["92002"]
    assert beta["resident_workers"] == 0 and np.isnan(beta["self_containment"])
    # the unmatched code is kept, visibly named, with unknown distances
    ghost = ind.loc["77999"]
    assert ghost["resident_workers"] == 8 and ghost["jobs"] == 2
    assert "not in current COG" in ghost["commune_name"]
    assert np.isnan(ghost["mean_distance_residents_km"])
    assert ind["resident_workers"].sum() == ind["jobs"].sum() == flows["workers"].sum()


def test_paris_as_one_commune(hand):
    communes, flows = hand
    ind = cm.commune_indicators(cm.relabel_paris(flows), cm.communes_at(communes, True))
    ind = ind.set_index("commune_code")
    assert "75101" not in ind.index
    paris = ind.loc["75056"]
    # residents: 50 (1er) + 50 (2e); all work in Paris. jobs: 100 + 50 from Alpha
    assert paris["resident_workers"] == 100 and paris["jobs"] == 150
    assert paris["self_containment"] == 1.0
    assert paris["self_sufficiency"] == pytest.approx(100 / 150)
    # distances keep arrondissement resolution: 20 at INTRA, 30 + 40 at 5 km, 10 in the 2e
    intra_2e = INTRA * 2 / math.sqrt(math.pi)
    assert paris["mean_distance_residents_km"] == pytest.approx(
        (20 * INTRA + 70 * 5 + 10 * intra_2e) / 100)
    collapsed = cm.collapse_paris(flows).set_index(["home_code", "work_code", "mode"])
    assert collapsed.loc[("75056", "75056", "TC"), "workers"] == 60
    assert collapsed.loc[("75056", "75056", "TC"), "distance_km"] == pytest.approx(
        (10 * INTRA + 30 * 5 + 20 * 5) / 60)


def test_weighted_median_is_the_lower_median():
    f = pd.DataFrame({"g": ["a"] * 4 + ["b"], "v": [1.0, 2.0, 3.0, np.nan, 7.0],
                      "w": [1.0, 1.0, 2.0, 9.0, 1.0]})
    med = cm.weighted_median(f, "g", "v", "w")
    assert med["a"] == 2.0  # weights 1, 1 reach half of 4 at value 2 (NaN ignored)
    assert med["b"] == 7.0


# ------------------------------------------------------------------- levels and totals
@pytest.mark.parametrize("level", cm.LEVELS)
def test_totals_identical_across_levels_on_the_hand_table(hand, level):
    communes, flows = hand
    codes = set(flows["home_code"]) | set(flows["work_code"])
    units = cm.unit_table(communes, level, codes)
    od = cm.aggregate_od(flows, units, by=("mode",))
    assert od["workers"].sum() == flows["workers"].sum()
    assert set(od["mode_name"]) <= set(cm.MODE_NAMES.values())


def test_ept_units_paris_and_outside_mgp(hand):
    communes, flows = hand
    units = cm.unit_table(communes, "ept", {"77999"}).set_index("commune_code")
    assert units.loc["75101", "unit_code"] == units.loc["75056", "unit_code"] == "75056"
    assert units.loc["75101", "unit_name"] == "Paris"
    assert units.loc["92001", "unit_code"] == "T4"
    assert units.loc["77001", "unit_code"] == units.loc["77999", "unit_code"] == "HORS-MGP-77"
    assert "Seine-et-Marne" in units.loc["77001", "unit_name"]
    epci = cm.unit_table(communes, "epci", {"77999"}).set_index("commune_code")
    assert epci.loc["77999", "unit_code"] == "77999"  # its own unit, never dropped
    od = cm.aggregate_od(flows, cm.unit_table(communes, "ept", {"77999"}))
    paris = od[(od["home_code"] == "75056") & (od["work_code"] == "75056")]["workers"].sum()
    assert paris == 100


def test_aggregate_refuses_codes_without_unit(hand):
    communes, flows = hand
    with pytest.raises(UnknownCodeError, match="77999"):
        cm.aggregate_od(flows, cm.unit_table(communes, "department"))


def test_bad_input_raises_clear_errors():
    with pytest.raises(cm.EmptySelectionError):
        cm.check_selection(modes=[])
    with pytest.raises(cm.EmptySelectionError):
        cm.check_selection(csps=[])
    with pytest.raises(ValueError, match="XX"):
        cm.check_selection(modes=["XX"])
    with pytest.raises(ValueError, match="region"):
        cm.od_matrix(level="region")
    with pytest.raises(ValueError, match="age"):
        cm.load_pairs(by=("age",))


# ------------------------------------------------------------------------- selections
def known_od() -> pd.DataFrame:
    """A four-unit matrix (inflows from other units: A 8, B 25, C 32, D 0)."""
    rows = [("A", "B", 10), ("A", "C", 5), ("B", "C", 20), ("B", "A", 3), ("C", "B", 15),
            ("C", "A", 4), ("D", "C", 7), ("D", "A", 1), ("C", "C", 100)]
    return pd.DataFrame(rows, columns=["home_code", "work_code", "workers"])


def test_dominant_flows_on_a_known_example():
    sel = dominant_flows(known_od())
    kept = set(zip(sel.flows["home_code"], sel.flows["work_code"], strict=True))
    # A->B (B larger than A), B->C (C larger than B), D->C; C's largest (C->B) goes to a
    # smaller unit: C is the dominant centre. The intra flow C->C is left out.
    assert kept == {("A", "B"), ("B", "C"), ("D", "C")}
    assert sel.workers_share == pytest.approx(37 / 65)
    assert sel.pairs_share == pytest.approx(3 / 8)
    nodes = sel.nodes.set_index("code")
    assert nodes.loc["C", "role"] == "dominant" and (nodes["role"] == "dominant").sum() == 1
    assert nodes.loc["A", "parent"] == "B" and set(nodes["centre"]) == {"C"}
    assert list(nodes.loc[["A", "B", "C", "D"], "subordinates"]) == [0, 1, 2, 0]
    assert list(nodes.loc[["A", "B", "C", "D"], "weight"]) == [8, 25, 32, 0]


def test_first_flows_methods():
    od = known_od()
    n1 = first_flows(od, "nfirst", 1)
    assert len(n1.flows) == 4 and n1.workers_share == pytest.approx(52 / 65)
    x10 = first_flows(od, "xfirst", 10)
    assert set(x10.flows["workers"]) == {10, 15, 20}
    s60 = first_flows(od, "xsumfirst", 0.6)  # each origin's first flow is > 60 % of it
    assert s60.flows.equals(n1.flows)
    # k = 0.8: A (10 of 15 < 0.8) and C (15 of 19 < 0.8) need their second flow, B (20 of
    # 23) and D (7 of 8) do not
    s80 = first_flows(od, "xsumfirst", 0.8)
    assert len(s80.flows) == 6 and s80.pairs_share == pytest.approx(6 / 8)
    with pytest.raises(ValueError):
        first_flows(od, "best", 1)


def test_equal_flows_tie_by_code_after_paris_is_summed():
    """77001 sends 0.1 + 0.7 workers to two arrondissements and 0.8 to 77002: in binary
    floating point 0.1 + 0.7 = 0.7999999999999999 < 0.8, so a float sum made 77002 its first
    flow; summed in fixed point the two flows are equal and the smaller code, Paris, wins."""
    od = cm.collapse_paris(pd.DataFrame({"home_code": ["77001"] * 3,
                                         "work_code": ["75101", "75102", "77002"],
                                         "workers": [0.1, 0.7, 0.8]}))
    assert 0.1 + 0.7 != 0.8
    assert od.set_index("work_code")["workers"].to_dict() == {"75056": 0.8, "77002": 0.8}
    assert first_flows(od, "nfirst", 1).flows["work_code"].tolist() == ["75056"]
    dom = dominant_flows(od, weight=pd.Series({"77001": 1.0, "75056": 2.0, "77002": 2.0}))
    assert dom.flows["work_code"].tolist() == ["75056"]


def test_sum_workers_does_not_depend_on_row_order():
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"code": rng.choice(["A", "B", "C"], 5000),
                          "workers": rng.random(5000) * 40})
    forward = cm.sum_workers(frame, ["code"])
    backward = cm.sum_workers(frame.iloc[::-1], ["code"])
    pd.testing.assert_frame_equal(forward, backward, check_exact=True)
    naive = frame.groupby("code")["workers"].sum()
    assert forward["workers"].to_numpy() == pytest.approx(naive.to_numpy(), rel=1e-12)
    assert forward["code"].tolist() == ["A", "B", "C"]


def test_commune_flows(hand):
    communes, flows = hand
    table = commune_flows(flows, "75101", n=5)
    by_dir = {d: g for d, g in table.groupby("direction")}
    assert by_dir["intra"]["workers"].tolist() == [20]
    assert by_dir["out"]["work_code"].tolist() == ["75102"]
    assert by_dir["in"]["home_code"].tolist() == ["92001", "75102"]
    assert by_dir["in"]["share"].tolist() == pytest.approx([50 / 110, 40 / 110])
    assert table.attrs["resident_workers"] == 50 and table.attrs["jobs"] == 110
    assert commune_flows(flows, "92002", known_codes=communes["commune_code"]).empty
    with pytest.raises(UnknownCodeError, match="99999"):
        commune_flows(flows, "99999")
    with pytest.raises(cm.EmptySelectionError):
        commune_flows(flows, " ")


def test_employer_pool(hand):
    communes, flows = hand
    pool = employer_pool(flows, ["75101"], min_workers=25, communes=communes)
    assert pool["home_code"].tolist() == ["92001", "75102"]  # 50 then 40; 75101 left out
    assert pool["rank"].tolist() == [1, 2]
    assert pool.attrs["hub_workers"] == 110
    assert pool["share_of_hub"].tolist() == pytest.approx([50 / 110, 40 / 110])
    assert pool["distance_km"].tolist() == pytest.approx([10.0, 5.0])
    second = pool.iloc[1]
    assert (second["share_tc"], second["share_vp"]) == pytest.approx((0.5, 0.5))
    assert pool["commune_name"].tolist() == ["Alpha", "Paris 2e"]
    assert employer_pool(flows, ["75101"], min_workers=45)["home_code"].tolist() == ["92001"]
    both = employer_pool(flows, ["75101", "92001"], min_workers=0, include_destinations=True)
    assert both["workers"].sum() == both.attrs["hub_workers"] == 110 + 70
    with pytest.raises(UnknownCodeError, match="99999"):
        employer_pool(flows, ["75101", "99999"])
    with pytest.raises(cm.EmptySelectionError):
        employer_pool(flows, [])


# ------------------------------------------------------------- synthetic database (API)
@pytest.fixture
def syn(synthetic_db):
    return synthetic_db


def test_od_matrix_totals_identical_across_levels_and_engines(syn):
    total = cm.load_pairs(path=syn)["workers"].sum()
    for level in cm.LEVELS:
        od = cm.od_matrix(level, path=syn)
        assert od["workers"].sum() == pytest.approx(total, rel=1e-12)
    by = cm.od_matrix("department", by=("mode", "csp"), path=syn)
    assert by["workers"].sum() == pytest.approx(total, rel=1e-12)
    assert set(by["csp"]) <= set(cm.CSPS) and by["mode_name"].notna().all()
    duck = cm.od_matrix("ept", by=("mode",), path=syn)
    dask = cm.od_matrix("ept", by=("mode",), engine="dask", path=syn)
    pd.testing.assert_frame_equal(duck, dask, check_exact=True)  # fixed-point sums: same bits
    tc = cm.od_matrix("commune", modes=["TC"], csps=[3, 4], path=syn)
    assert 0 < tc["workers"].sum() < total


def test_indicators_from_the_database(syn):
    ind = cm.indicators(path=syn)
    assert ind["resident_workers"].sum() == pytest.approx(ind["jobs"].sum())
    assert ind[list(cm.INDICATORS)].notna().any().all()
    one = cm.indicators(paris_as_one=True, path=syn).set_index("commune_code")
    assert "75101" not in one.index and one.loc["75056", "resident_workers"] > 0
    shares = ind[[f"share_{m.lower()}" for m in cm.MODES]].sum(axis=1)
    assert np.allclose(shares[ind["resident_workers"] > 0], 1.0)
    flows = cm.flows_with_distance(by=("mode",), path=syn)
    assert flows["distance_km"].notna().all() and (flows["distance_km"] > 0).all()


def _sql(path, sql: str, **params) -> pd.DataFrame:
    """A query on the database file with DuckDB directly (independent of the package)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, params).df()
    finally:
        con.close()


def _outbound(path, code: str, n: int, modes: list[str]) -> pd.DataFrame:
    """The ``n`` largest flows from ``code`` to other communes by the ``modes``."""
    return _sql(path, """SELECT work_code, sum(workers) AS workers FROM commuting_flows
                         WHERE home_code = $code AND work_code <> $code AND list_contains($modes, mode)
                         GROUP BY work_code ORDER BY workers DESC, work_code LIMIT $n""",
                code=code, n=n, modes=modes)


def _flows_csv(view) -> pd.DataFrame:
    return view.csv("commuting_flows.csv", dtype={"home_code": str, "work_code": str})


def test_page_reports_unknown_commune_and_empty_selection(syn):
    """Through the page's state and what it shows: the flows of a commune (table and CSV)
    are its largest flows by SQL on the database; an unknown code and an empty selection
    give a message and no rows."""
    import panel as pn
    from page_view import PageView

    from smartidf_analysis.apps.commuting import CommutingPage

    page = CommutingPage(lang="fr")
    view = PageView(page)
    code = view.widget(pn.widgets.Select, "Commune (ou cliquer sur la carte)").values[1]
    page.state.commune = code
    assert not view.visible("commuting-alert")
    flows = _flows_csv(view)
    out = flows[flows["direction"] == "out"]
    expected = _outbound(syn, code, page.state.n_flows, list(cm.MODES))
    assert len(expected) > 1 and out["work_code"].tolist() == expected["work_code"].tolist()
    assert np.allclose(out["workers"], expected["workers"])
    assert (flows["home_code"].eq(code) | flows["work_code"].eq(code)).all()
    [table] = view.tables()
    assert len(table) == len(flows)
    assert f"({code})" in view.text("commuting-flows-caption")
    page.state.commune = "99999"
    assert "99999" in view.text("commuting-alert")
    assert _flows_csv(view).empty and view.tables()[0].empty
    page.state.commune = code
    page.state.modes = []
    assert "Sélection vide" in view.text("commuting-alert") and view.tables()[0].empty
    page.state.modes = ["TC"]
    assert not view.visible("commuting-alert")
    out = _flows_csv(view).query("direction == 'out'")
    expected = _outbound(syn, code, page.state.n_flows, ["TC"])
    assert len(expected) > 1 and out["work_code"].tolist() == expected["work_code"].tolist()
    assert np.allclose(out["workers"], expected["workers"])


def test_page_map_is_recoloured_in_place(syn):
    """An indicator or mode change patches the values of the same Bokeh map (no new
    geometry), coloured by what SQL on the database gives; a commune fills the flow-line
    layer with its flows; the Paris switch swaps the map for one with Paris whole."""
    import panel as pn
    from page_view import PageView

    from smartidf_analysis.apps.commuting import CommutingPage

    page = CommutingPage(lang="fr")
    view = PageView(page)
    [figure] = view.figures()
    polygons, lines = (r.data_source for r in figure.renderers)
    geometry = figure.renderers[0].glyph.xs  # the packed outlines, sent once
    before = np.array(polygons.data["value"], dtype=float)
    page.state.indicator = "jobs"  # log scale: log10 of the jobs
    after = np.array(polygons.data["value"], dtype=float)
    assert view.figures() == [figure] and figure.renderers[0].data_source is polygons
    assert figure.renderers[0].glyph.xs is geometry and "xs" not in polygons.data
    assert not np.allclose(np.nan_to_num(before), np.nan_to_num(after))
    jobs = _sql(syn, "SELECT work_code, sum(workers) AS jobs FROM commuting_flows "
                     "GROUP BY work_code").set_index("work_code")["jobs"]
    codes = pd.Series(polygons.data["code"])
    darkest = codes[int(np.nanargmax(after))]
    assert jobs[darkest] == jobs.max()  # the darkest commune has the most jobs
    shown = ~np.isnan(after)
    assert np.array_equal(np.argsort(after[shown], kind="stable"),
                          np.argsort(jobs.reindex(codes[shown]).to_numpy(), kind="stable"))
    page.state.modes = ["TC"]
    assert not np.allclose(np.nan_to_num(after), np.nan_to_num(polygons.data["value"]))
    assert len(lines.data["x0"]) == 0
    code = view.widget(pn.widgets.Select, "Commune (ou cliquer sur la carte)").values[1]
    page.state.commune = code
    flows = _flows_csv(view)
    assert len(lines.data["x0"]) == len(flows[flows["direction"] != "intra"]) > 0
    assert [polygons.data["code"][i] for i in polygons.selected.indices] == [code]
    page.state.paris_as_one = True
    [whole] = view.figures()
    assert whole is not figure
    paris = set(whole.renderers[0].data_source.data["code"])
    assert "75056" in paris and "75101" not in paris


# ---------------------------------------------------------- real data, independent SQL
@pytest.fixture(scope="module")
def raw(mirror):
    """The raw MOBPRO file read by DuckDB directly (independent of the package)."""
    import duckdb
    con = duckdb.connect()
    con.execute(f"""CREATE TABLE raw AS SELECT * FROM read_csv('{mirror / MOBPRO}',
                    types={{'ORI': 'VARCHAR', 'DES': 'VARCHAR', 'MODE': 'VARCHAR'}})""")
    yield con
    con.close()


def test_real_totals_and_share_outside(real_db, raw):
    total, outside = raw.execute(
        "SELECT sum(FLOW), sum(FLOW) FILTER (WHERE ORI <> DES) FROM raw").fetchall()[0]
    paris_outside = raw.execute(
        "SELECT sum(FLOW) FILTER (WHERE ORI <> DES AND NOT (ORI LIKE '751%' AND DES LIKE "
        "'751%')) FROM raw").fetchall()[0][0]
    for level in cm.LEVELS:
        assert cm.od_matrix(level, path=real_db)["workers"].sum() == pytest.approx(total)
    flows = cm.flows_with_distance(path=real_db)
    summary = cm.region_summary(flows)
    assert summary["workers"] == pytest.approx(total)
    # codes are remapped 2014 -> current COG: merged communes may turn a few cross-commune
    # flows into intra-commune ones, so the share can only go down, and only slightly
    assert summary["share_working_outside"] <= outside / total + 1e-12
    assert summary["share_working_outside"] == pytest.approx(outside / total, abs=0.002)
    one = cm.region_summary(cm.collapse_paris(flows))
    assert one["share_working_outside"] == pytest.approx(paris_outside / total, abs=0.002)
    ept = cm.od_matrix("ept", path=real_db)
    paris_raw = raw.execute("SELECT sum(FLOW) FROM raw WHERE ORI LIKE '751%'").fetchall()[0][0]
    assert ept.loc[ept["home_code"] == "75056", "workers"].sum() == pytest.approx(paris_raw)


@pytest.mark.parametrize("code", ["75113", "77288", "92062"])
def test_real_commune_indicators_match_sql_on_the_raw_file(real_db, raw, code):
    expected = raw.execute("""
        SELECT sum(FLOW) FILTER (WHERE ORI = $c),
               sum(FLOW) FILTER (WHERE DES = $c),
               sum(FLOW) FILTER (WHERE ORI = $c AND DES = $c),
               sum(FLOW) FILTER (WHERE ORI = $c AND MODE = 'TC')
        FROM raw""", {"c": code}).fetchall()[0]
    residents, jobs, intra, tc = expected
    ind = cm.indicators(path=real_db).set_index("commune_code").loc[code]
    assert ind["resident_workers"] == pytest.approx(residents)
    assert ind["jobs"] == pytest.approx(jobs)
    assert ind["self_containment"] == pytest.approx(intra / residents)
    assert ind["self_sufficiency"] == pytest.approx(intra / jobs)
    assert ind["share_tc"] == pytest.approx(tc / residents)


def test_real_la_defense_from_melun_and_unmatched_codes(real_db, raw):
    by_mode = dict(raw.execute("""SELECT MODE, sum(FLOW) FROM raw
        WHERE ORI = '77288' AND DES IN ('92062', '92026') GROUP BY MODE""").fetchall())
    pool = employer_pool(cm.flows_with_distance(by=("mode",), path=real_db),
                         ["92062", "92026"], min_workers=25, communes=cm.load_communes(real_db))
    melun = pool.set_index("home_code").loc["77288"]
    assert melun["workers"] == pytest.approx(sum(by_mode.values()))
    assert melun["share_tc"] == pytest.approx(by_mode.get("TC", 0) / sum(by_mode.values()))
    assert 40 < melun["distance_km"] < 60  # Melun – La Défense, crow-fly
    hub = raw.execute("SELECT sum(FLOW) FROM raw WHERE DES IN ('92062', '92026')").fetchall()[0][0]
    assert pool.attrs["hub_workers"] == pytest.approx(hub)
    # the 2014 codes without a current COG code are kept with their workers
    od = cm.od_matrix("commune", path=real_db)
    for code in ("77028", "77149", "78503", "91182", "95259", "95282"):
        raw_out = raw.execute("SELECT sum(FLOW) FROM raw WHERE ORI = $c", {"c": code}).fetchall()
        assert od.loc[od["home_code"] == code, "workers"].sum() == pytest.approx(raw_out[0][0])
        assert "not in current COG" in od.loc[od["home_code"] == code, "home_name"].iloc[0]
