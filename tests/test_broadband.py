"""Tests of the broadband theme: hand-made tables for the arithmetic, the mirror for the
ARCEP reconciliation, the built databases for the whole chain and the page object."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartidf_analysis import broadband as bb
from smartidf_analysis.broadband import indicators as bi
from smartidf_analysis.broadband import projection as bp
from smartidf_analysis.data.sources import arcep

Q = ["2017Q3", "2017Q4", "2018Q1"]


def fibre_rows(rows):
    """rows: (code_2018, current_code, level, [premises per quarter], [class per quarter])."""
    out = []
    for code, current, level, premises, classes in rows:
        for q, p, c in zip(Q, premises, classes, strict=True):
            out.append({"commune_code": current, "commune_code_2018": code, "geo_level": level,
                        "quarter": q, "connectable_premises": p, "arcep_class": c})
    frame = pd.DataFrame(out)
    return frame.dropna(subset=["connectable_premises"]).reset_index(drop=True)


def premises_rows(rows):
    """rows: (code_2018, current_code, dwellings, establishments, zone flags (vdz, l3313, priv))."""
    return pd.DataFrame([{
        "commune_code": cur, "commune_code_2018": code, "commune_name": f"Commune {code}",
        "department_code": code[:2], "epci_siren": "200000001", "dwellings": d,
        "establishments": e, "very_dense_zone": f[0], "l3313_commitment": f[1],
        "private_intention": f[2], "rural": False, "mountain": False,
        "infrastructure_operators": None} for code, cur, d, e, f in rows])


def communes_rows(rows):
    """rows: (code, department, ept_code or None, population)."""
    return pd.DataFrame([{
        "commune_code": c, "commune_name": f"Commune {c}", "kind": "COM", "parent_code": None,
        "department_code": d, "epci_siren": "200000001", "epci_name": "CC Test",
        "ept_code": ept, "ept_name": None if ept is None else f"EPT {ept}", "population": pop,
        "has_boundary": True} for c, d, ept, pop in rows])


@pytest.fixture
def toy():
    """Seven 2018 units: A normal and above 100 %, B zero premises, C a missing quarter,
    D premises but no FttH row, E FttH but no premises count, F+G merged into G since,
    H a 2018 code with no current boundary; plus one Paris arrondissement."""
    fibre = fibre_rows([
        ("77001", "77001", "COM", [0, 50, 120], [0, 50, 80]),
        ("77002", "77002", "COM", [0, 0, 0], [0, 0, 0]),
        ("77003", "77003", "COM", [10, None, 30], [10, None, 25]),
        ("91001", "91001", "COM", [5, 5, 5], [5, 5, 5]),
        ("91002", "91002", "COM", [100, 150, 200], [25, 25, 50]),
        ("91003", "91002", "COM", [0, 0, 100], [0, 0, 25]),
        ("95282", "95282", "COM", [0, 10, 20], [0, 10, 25]),
        ("75101", "75101", "ARM", [700, 800, 900], [80, 80, 80]),
    ])
    premises = premises_rows([
        ("77001", "77001", 90, 10, (False, True, False)),
        ("77002", "77002", 0, 0, (False, False, False)),
        ("77003", "77003", 90, 10, (False, False, True)),
        ("77004", "77004", 40, 0, (False, False, False)),
        ("91002", "91002", 380, 20, (True, False, False)),
        ("91003", "91002", 300, 0, (True, False, False)),
        ("95282", "95282", 80, 20, (False, False, False)),
    ])
    communes = communes_rows([("77001", "77", None, 1000), ("77002", "77", None, 10),
                              ("77003", "77", None, 500), ("77004", "77", None, 100),
                              ("91001", "91", "200057867", 800),
                              ("91002", "91", "200057867", 3000)])
    units = bb.unit_quarters(fibre, premises)
    coverage = bb.commune_coverage(units, communes, premises)
    return dict(fibre=fibre, premises=premises, communes=communes, units=units,
                coverage=coverage)


def cov_at(coverage, code, quarter="2018Q1"):
    return coverage[(coverage["commune_code"] == code) & (coverage["quarter"] == quarter)].iloc[0]


# --------------------------------------------------------------------------- rates
def test_rate_is_connectable_over_dwellings_plus_establishments_raw(toy):
    a = cov_at(toy["coverage"], "77001")
    assert a["coverage_rate"] == pytest.approx(120 / 100)  # kept above 100 %, not capped
    assert bool(a["above_100"]) and a["no_data_reason"] == ""
    assert cov_at(toy["coverage"], "77001", "2017Q4")["coverage_rate"] == pytest.approx(0.5)
    assert not bool(cov_at(toy["coverage"], "77001", "2017Q4")["above_100"])


def test_missing_premises_quarter_or_row_is_no_data_with_reason_never_zero(toy):
    cov = toy["coverage"]
    expected = {("77002", "2018Q1"): "zero_premises", ("77003", "2017Q4"): "missing_quarter",
                ("77004", "2018Q1"): "no_fibre_row", ("91001", "2018Q1"): "no_denominator"}
    for (code, quarter), reason in expected.items():
        row = cov_at(cov, code, quarter)
        assert np.isnan(row["coverage_rate"]), (code, quarter)
        assert row["no_data_reason"] == reason
        assert reason in bb.NO_DATA_REASONS
    assert cov_at(cov, "77003", "2018Q1")["coverage_rate"] == pytest.approx(0.3)
    listed = bb.no_data_communes(cov, "2018Q1")
    assert set(listed["commune_code"]) == {"77002", "77004", "91001", "95282"}
    assert listed["reason"].str.len().gt(10).all()


def test_merged_2018_communes_are_summed_and_their_classes_not_combined(toy):
    g = cov_at(toy["coverage"], "91002")
    assert g["connectable_premises"] == 300 and g["premises_total"] == 700
    assert g["coverage_rate"] == pytest.approx(300 / 700)
    assert g["units"] == "91002, 91003" and np.isnan(g["arcep_class"])
    assert cov_at(toy["coverage"], "77001")["arcep_class"] == 80


def test_codes_without_boundary_are_kept_and_flagged(toy):
    h = cov_at(toy["coverage"], "95282")
    assert h["coverage_rate"] == pytest.approx(0.2)
    assert not h["has_boundary"] and "build_issues" in h["not_on_map_reason"]
    assert h["commune_name"] == "Commune 95282" and h["department_code"] == "95"


def test_arrondissements_have_premises_but_no_rate(toy):
    arm = toy["units"][toy["units"]["geo_level"] == "ARM"]
    assert (arm["no_data_reason"] == "arrondissement").all()
    assert arm["coverage_rate"].isna().all() and arm["connectable_premises"].sum() == 2400
    assert "75101" not in set(toy["coverage"]["commune_code"])


def test_growth_quarter_on_quarter(toy):
    a = toy["coverage"][toy["coverage"]["commune_code"] == "77001"].set_index("quarter")
    assert np.isnan(a.loc["2017Q3", "growth_premises"])
    assert a.loc["2018Q1", "growth_premises"] == 70
    assert a.loc["2018Q1", "growth_points"] == pytest.approx(0.7)
    assert a.loc["2018Q1", "growth_relative"] == pytest.approx(120 / 50 - 1)
    assert np.isnan(a.loc["2017Q4", "growth_relative"])  # from zero: undefined, not inf


def test_arcep_class_boundaries_and_consistency(toy):
    classes = bb.arcep_class_of([0, 0.001, 0.0999, 0.10, 0.2499, 0.25, 0.5, 0.79, 0.8, 1.4,
                                 np.nan])
    assert classes[:-1].tolist() == [0, 5, 5, 10, 10, 25, 50, 50, 80, 80]
    assert np.isnan(classes[-1])
    check = bb.class_consistency(toy["units"]).set_index("quarter")
    # 77003 at 2017Q3: 10 % computed, ARCEP says 10 -> agrees; 91002 2017Q3: 100/400 = 25 %
    # computed class 25 agrees; 91003 at 2018Q1: 100/300 -> 25 agrees; 95282 2018Q1: 20 %
    # -> class 10 but ARCEP says 25: one disagreement
    assert check.loc["2018Q1", "disagree"] == 1
    assert check.loc["2018Q1", "share_disagree"] == pytest.approx(1 / check.loc["2018Q1", "compared"])
    assert set(bb.class_disagreements(toy["units"])["unit_code"]) == {"95282"}


# ---------------------------------------------------------------------- aggregates
def test_aggregates_weighted_by_premises_and_by_population(toy):
    dep = bb.aggregate_coverage(toy["coverage"], "department", pd.Series({"77": "S-et-M"}))
    d77 = dep[(dep["department_code"] == "77") & (dep["quarter"] == "2018Q1")].iloc[0]
    # 77001 (120/100, pop 1000) and 77003 (30/100, pop 500) have rates; 77002, 77004 do not
    assert d77["coverage_rate_premises"] == pytest.approx(150 / 200)
    assert d77["coverage_rate_population"] == pytest.approx((1.2 * 1000 + 0.3 * 500) / 1500)
    assert d77["communes"] == 4 and d77["communes_no_data"] == 2
    assert d77["communes_above_100"] == 1 and d77["department_name"] == "S-et-M"
    ept = bb.aggregate_coverage(toy["coverage"], "ept")
    assert set(ept["ept_code"]) == {"200057867"}
    region = bb.aggregate_coverage(toy["coverage"], "region")
    r = region[region["quarter"] == "2018Q1"].iloc[0]
    assert r["connectable_premises"] == 120 + 30 + 300 + 20
    assert r["population"] == 1000 + 500 + 3000  # 95282 has no population: left out


def test_gap_list_ranks_by_premises_or_population(toy):
    cov = toy["coverage"].copy()
    by_premises = bb.gap_list(cov, "2018Q1", threshold=0.5)
    assert list(by_premises["commune_code"]) == ["91002", "95282", "77003"]
    assert by_premises["uncovered_premises"].tolist() == [400, 80, 70]
    cov.loc[cov["commune_code"] == "77003", "population"] = 100_000
    by_population = bb.gap_list(cov, "2018Q1", threshold=0.5, rank_by="population")
    assert by_population["commune_code"].iloc[0] == "77003"
    assert bb.gap_list(cov, "2018Q1", 0.5, department="77")["commune_code"].tolist() == ["77003"]
    with pytest.raises(ValueError):
        bb.gap_list(cov, rank_by="households")


def test_zoning_breakdown(toy):
    zones = bb.zone_of(toy["premises"])
    assert zones["91002"] == "very_dense" and zones["77001"] == "l3313_commitment"
    assert zones["77003"] == "private_intention" and zones["77004"] == "public_initiative"
    z = bb.zoning_breakdown(toy["units"], toy["premises"])
    vd = z[(z["zone"] == "very_dense") & (z["quarter"] == "2018Q1")].iloc[0]
    assert vd["coverage_rate"] == pytest.approx(300 / 700)
    q = z[z["quarter"] == "2018Q1"]
    assert q["share_of_premises"].sum() == pytest.approx(1.0)
    assert "unknown" in set(q["zone"])  # 91001 has no premises row: shown, not dropped


def test_reconciliation_lists_every_difference(toy):
    deps = pd.DataFrame({"department_code": ["77", "77", "77", "91", "91", "91", "75", "75",
                                             "75"],
                         "quarter": Q * 3,
                         "connectable_premises": [10, 50, 150, 105, 155, 305, 700, 800, 900]})
    rec = bb.reconcile_departments(toy["fibre"], deps)
    diff = bb.reconciliation_differences(rec)
    # 77 at 2017Q4: 77003's missing quarter makes the commune sum 50 (= file) -> matches;
    # 91 at 2018Q1: communes 305 = file. Listed: 95, absent from the department file, and
    # Paris at the commune level (no 75056 row here), while its arrondissements match
    assert set(diff["department_code"]) == {"75", "95"}
    assert set(diff.loc[diff["department_code"] == "75", "geo_level"]) == {"COM"}
    assert diff.loc[diff["department_code"] == "95", "department_file"].isna().all()
    deps.loc[deps.index[2], "connectable_premises"] = 151
    diff = bb.reconciliation_differences(bb.reconcile_departments(toy["fibre"], deps))
    row = diff[diff["department_code"] == "77"].iloc[0]
    assert row["quarter"] == "2018Q1" and row["difference"] == -1
    arm = rec[(rec["geo_level"] == "ARM")]
    assert arm["matches"].all() and len(arm) == 3


def test_numbers_with_spaces_and_dashes_are_parsed(tmp_path):
    header = ("Code commune,Nom commune,Code région,Code département,Siren EPCI,Logements,"
              "Établissements,Zones très denses,Engagements L. 33-13,"
              "Intentions privées hors engagement L. 33-13,Commune rurale,Commune de montagne,"
              "OI 2018 T1")
    lines = ["title", "", "", "", header,
             "75056,Paris,11,75,200054781, 1 362 182    , 149 289    , 1    , -    , -    ,"
             " -    , -    ,CO92-FREE-FRTE-SFR0-UPCF",
             "77001,Achères,11,77,200072346, 598    , -    , -    , FRTE    , -    , 1    ,"
             " -    ,"]
    path = tmp_path / "communes.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = arcep.read_communes_info(path).set_index("commune_code")
    assert out.loc["75056", "dwellings"] == 1_362_182
    assert out.loc["75056", "establishments"] == 149_289
    assert out.loc["77001", "establishments"] == 0  # "-" means none
    assert bool(out.loc["75056", "very_dense_zone"]) and not bool(out.loc["77001", "very_dense_zone"])
    assert bool(out.loc["77001", "l3313_commitment"])  # operator code = committed


# ----------------------------------------------------------------------- projection
def projection_input(rows):
    """rows: (code, department, premises_total, [connectable per quarter])."""
    recs = []
    for code, dep, den, conn in rows:
        for q, c in zip(Q, conn, strict=True):
            rate = np.nan if c is None or den == 0 else c / den
            recs.append({"commune_code": code, "department_code": dep, "quarter": q,
                         "connectable_premises": c, "premises_total": den,
                         "coverage_rate": rate})
    return pd.DataFrame(recs)


def test_projection_quarters_to_full_and_verdicts():
    cov = projection_input([
        ("91001", "91", 1000, [100, 200, 300]),  # +100/q: 7 more quarters -> 2019Q4, on track
        ("91002", "91", 1000, [0, 10, 20]),      # +10/q: 98 quarters, off track
        ("91003", "91", 1000, [0, 0, 200]),      # 0 or +200/q: target inside the range
        ("77001", "77", 1000, [0, 30, 60]),      # +30/q: 32.7 q -> 2026Q2 > 2023Q4, off
        ("77002", "77", 1000, [0, 0, 0]),        # nothing to extrapolate
        ("77003", "77", 100, [90, 100, 110]),    # already above 100 %
        ("77004", "77", 0, [0, 0, 0]),           # zero premises
    ])
    p = bp.project_communes(cov).set_index("commune_code")
    assert p.loc["91001", "pace_premises"] == pytest.approx(100)
    assert p.loc["91001", "quarters_to_full"] == pytest.approx(7)
    assert p.loc["91001", "full_by"] == "2019Q4" and bool(p.loc["91001", "meets_target"])
    assert p.loc["91001", "verdict"] == "on_track"
    assert p.loc["91002", "verdict"] == "off_track" and not p.loc["91002", "meets_target"]
    assert p.loc["91003", "pace_low"] == 0 and p.loc["91003", "pace_high"] == 200
    assert p.loc["91003", "quarters_to_full_fast"] == pytest.approx(4)
    assert p.loc["91003", "verdict"] == "uncertain"
    assert np.isinf(p.loc["91003", "quarters_to_full_slow"]) and pd.isna(p.loc["91003", "full_by_latest"])
    assert p.loc["77001", "target"] == "2023Q4" and p.loc["91001", "target"] == "2021Q4"
    assert p.loc["77001", "verdict"] == "off_track"
    assert p.loc["77002", "verdict"] == "no_progress"
    assert p.loc["77003", "verdict"] == "covered" and p.loc["77003", "quarters_to_full"] == 0
    assert p.loc["77004", "verdict"] == "no_data" and pd.isna(p.loc["77004", "meets_target"])
    assert (p["n_quarters_observed"].drop("77004") == 3).all()
    assert "three" in p.attrs["caveat"] and p.attrs["observed_quarters"] == tuple(Q)


def test_department_projection_caps_each_commune_at_its_premises():
    cov = projection_input([("91001", "91", 1000, [100, 200, 300]),
                            ("91002", "91", 1000, [0, 0, 0]),
                            ("77003", "77", 100, [90, 100, 110])])
    dep = bp.project_departments(bp.project_communes(cov), ["2021Q4"]).set_index("zone_code")
    assert dep.loc["91", "projected_pct"] == pytest.approx(100 * (1000 + 0) / 2000)
    assert dep.loc["77", "projected_pct"] == pytest.approx(110)  # raw, not capped below
    assert dep.loc["R11", "premises_total"] == 2100


def test_trajectory_prefers_ditp_and_backtest_error_sign():
    series = pd.DataFrame({
        "zone_code": ["91"] * 4, "quarter": ["2021Q4", "2022Q2", "2022Q2", "2023Q4"],
        "period_end": pd.NaT, "coverage_pct": [80.0, 85.0, 85.4, 90.0],
        "source": [bp.ETALAB, bp.ETALAB, bp.DITP, bp.DITP]})
    computed = pd.DataFrame({"zone_code": ["91"], "quarter": ["2018Q1"], "coverage_pct": [30.0]})
    traj = bp.department_trajectory(series, computed)
    pref = traj[traj["preferred"]].set_index("quarter")
    assert pref.loc["2022Q2", "source"] == bp.DITP and pref.loc["2018Q1", "source"] == bp.COMMUNE_FILE
    assert traj.groupby("quarter")["preferred"].sum().eq(1).all()
    overlap = bp.series_overlap(series)
    assert overlap["difference"].iloc[0] == pytest.approx(0.4) and overlap["within_rounding"].all()
    projected = pd.DataFrame({"zone_code": ["91", "91"], "quarter": ["2021Q4", "2023Q4"],
                              "projected_pct": [70.0, 95.0], "projected_pct_slow": [60.0, 85.0],
                              "projected_pct_fast": [75.0, 99.0]})
    bt = bp.backtest(projected, traj).set_index("quarter")
    assert bt.loc["2021Q4", "error_points"] == pytest.approx(-10)  # too pessimistic
    assert bt.loc["2023Q4", "error_points"] == pytest.approx(5)
    assert not bt.loc["2021Q4", "actual_within_range"] and bt.loc["2023Q4", "actual_within_range"]


def test_region_estimate_is_labelled_and_weighted():
    series = pd.DataFrame({"zone_code": ["77", "91"], "quarter": ["2019Q1", "2019Q1"],
                           "period_end": pd.NaT, "coverage_pct": [50.0, 80.0],
                           "source": bp.ETALAB})
    empty = pd.DataFrame(columns=["zone_code", "quarter", "coverage_pct"])
    traj = bp.department_trajectory(series, empty, pd.Series({"77": 1.0, "91": 3.0}))
    r11 = traj[traj["zone_code"] == "R11"].iloc[0]
    assert r11["source"] == bp.REGION_ESTIMATE and r11["coverage_pct"] == pytest.approx(72.5)


# ------------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def real(real_db):
    from smartidf_analysis.data import db

    data = bb.load(real_db)
    yield data, bi.compute_indicators(data)
    db.close_shared()


def test_real_commune_sums_equal_arcep_department_file(real):
    data, ind = real
    rec = ind.reconciliation
    assert set(rec["department_code"]) == {"75", "77", "78", "91", "92", "93", "94", "95"}
    assert set(rec["quarter"]) == set(Q)
    assert len(rec[rec["geo_level"] == "ARM"]) == 3  # Paris through its arrondissements
    assert bb.reconciliation_differences(rec).empty, bb.reconciliation_differences(rec)


def test_real_rates_flags_and_seams(real):
    data, ind = real
    cov = ind.coverage
    assert len(cov) == 3 * cov["commune_code"].nunique()
    last = cov[cov["quarter"] == "2018Q1"]
    region = ind.region[ind.region["quarter"] == "2018Q1"].iloc[0]
    com = data.fibre[(data.fibre["geo_level"] == "COM") & (data.fibre["quarter"] == "2018Q1")]
    den = (data.premises["dwellings"] + data.premises["establishments"]).sum()
    assert region["coverage_rate_premises"] == pytest.approx(com["connectable_premises"].sum() / den)
    assert 0.5 < region["coverage_rate_premises"] < 0.8
    assert last["above_100"].sum() > 50 and last["coverage_rate"].max() > 1.3  # kept raw
    off_map = set(last.loc[~last["has_boundary"], "commune_code"])
    assert {"77028", "77149", "78503", "91182", "95282"} <= off_map
    assert off_map <= set(data.build_issues["code"])
    paris = last[last["commune_code"] == "75056"].iloc[0]
    assert 0.95 < paris["coverage_rate"] < 1.0
    assert ind.classes["compared"].gt(1000).all() and ind.classes["share_disagree"].le(0.05).all()
    assert ind.overlap["within_rounding"].all() and len(ind.overlap) == 16


def test_real_backtest_and_seine_et_marne_target(real):
    _, ind = real
    bt = ind.backtest.set_index(["zone_code", "quarter"])
    assert set(bt.index.get_level_values("quarter")) == set(bp.CHECKPOINTS)
    assert bt["actual_pct"].notna().all() and bt["error_points"].notna().all()
    s77 = bt.loc[("77", "2023Q4")]
    assert s77["actual_source"] == bp.DITP and 85 < s77["actual_pct"] < 100
    traj = ind.trajectory
    assert traj.loc[traj["zone_code"] == "R11", "source"].isin(
        [bp.DITP, bp.REGION_ESTIMATE, bp.COMMUNE_FILE]).all()
    assert traj["quarter"].max() == "2024Q2" and traj["quarter"].min() == "2017Q3"


def test_latest_coverage_by_commune_for_other_themes(real):
    data, ind = real
    latest = bb.latest_coverage_by_commune(data)
    assert latest["commune_code"].is_unique
    assert (latest["quarter"] == "2018Q1").all()
    arm = latest[latest["geo_level"] == "ARM"]
    assert len(arm) == 20 and (arm["rate_basis"] == "paris_whole").all()
    paris = latest.loc[latest["commune_code"] == "75056", "coverage_rate"].iloc[0]
    assert np.allclose(arm["coverage_rate"], paris)
    com = latest[latest["geo_level"] == "COM"]
    assert len(com) == ind.coverage["commune_code"].nunique()
    assert (com["rate_basis"] == "commune").sum() == com["coverage_rate"].notna().sum()


def test_equity_view_counts_what_it_leaves_out(real):
    data, ind = real
    groups = bi.coverage_by_income(ind.coverage, data.incomes)
    assert len(groups) == 5 and groups["income_min"].is_monotonic_increasing
    left = groups.attrs["left_out"]
    assert groups["communes"].sum() + left["no_rate"] + left["no_income"] == \
        ind.coverage["commune_code"].nunique()
    # Spearman's rho is Pearson's r of the ranks: recomputed here with pandas over the
    # communes that have both a rate at the last quarter and an income
    last = ind.coverage[ind.coverage["quarter"] == ind.coverage["quarter"].max()]
    both = last.merge(data.incomes.drop_duplicates("commune_code"), on="commune_code")
    both = both[["coverage_rate", "median_income_eur"]].dropna()
    expected = both["coverage_rate"].rank().corr(both["median_income_eur"].rank())
    rho = bi.income_rank_correlation(ind.coverage, data.incomes)
    assert rho == pytest.approx(expected, abs=1e-12)


def test_income_rank_correlation_by_hand():
    """Four communes with both values at the last quarter; ranks of the rates 1 3 2 4
    against incomes 1 2 3 4: rho = 1 - 6 * (0 + 1 + 1 + 0) / (4 * (16 - 1)) = 0.8. A
    commune without income and an older quarter (where the order is reversed) are left out."""
    coverage = pd.DataFrame({
        "commune_code": ["A", "B", "C", "D", "E", "A", "B", "C", "D"],
        "quarter": ["2018Q1"] * 5 + ["2017Q4"] * 4,
        "coverage_rate": [0.1, 0.3, 0.2, 0.4, 0.0, 0.4, 0.3, 0.2, 0.1]})
    incomes = pd.DataFrame({"commune_code": ["A", "B", "C", "D"],
                            "median_income_eur": [18_000.0, 21_000.0, 24_000.0, 30_000.0]})
    assert bi.income_rank_correlation(coverage, incomes) == pytest.approx(0.8)
    assert bi.income_rank_correlation(coverage, incomes, "2017Q4") == pytest.approx(-1.0)


# ---------------------------------------------------------------- the page object
def test_page_updates_map_in_place_and_downloads(synthetic_db):
    """Through what the page shows: its map's Bokeh source patched in place, the caption and
    the lagging communes' CSV, against the indicators computed from the database."""
    from page_view import PageView

    from smartidf_analysis.apps import broadband as page_mod

    page = page_mod.BroadbandPage(lang="en")
    view = PageView(page)  # outside a server: the inline layout, made at once
    [figure] = view.figures()
    source = figure.renderers[0].data_source
    page.state.quarter = "2017Q4"
    caption = view.text("broadband-map-caption")
    assert "Q4 2017" in caption and "Source" in caption
    values_q4 = np.array(source.data["value"])
    page.state.quarter = "2018Q1"
    assert view.figures() == [figure] and figure.renderers[0].data_source is source  # patched
    assert not np.allclose(np.nan_to_num(values_q4), np.nan_to_num(np.array(source.data["value"])))
    page.state.indicator = "growth"
    page.state.quarter = "2017Q3"
    assert all("no data" in d for d in source.data["display"])  # first quarter
    page.state.threshold = 0.5
    gaps = view.csv("broadband_gaps.csv", dtype={"commune_code": str})
    assert gaps.columns[:2].tolist() == ["rank", "commune_code"]
    # the communes below 50 % at the quarter shown, most premises left uncovered first
    cov = bi.compute_indicators(bb.load(synthetic_db)).coverage
    below = cov[(cov["quarter"] == "2017Q3") & (cov["coverage_rate"] < 0.5)]
    assert len(gaps) > 0 and sorted(gaps["commune_code"]) == sorted(below["commune_code"])
    assert gaps["uncovered_premises"].is_monotonic_decreasing
    assert gaps["rank"].tolist() == list(range(1, len(gaps) + 1))
