"""Telecentres: location models (siting, siting_pmedian), demand and savings (telecentres,
telecentres_scenarios), weekday signal (telecentres_signal), and the page state (apps).

Solvers are checked against brute-force enumeration on small instances; the demand and
savings formulas against hand computations on hand-made tables; real data come from the
database built from the mirror (``real_db``)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from smartidf_analysis import commuting as cm
from smartidf_analysis import telecentres as tc
from smartidf_analysis.siting import MaximalCoveringLocation, SitingSettingsError
from smartidf_analysis.siting.pmedian import PMedian
from smartidf_analysis.telecentres import scenarios as ts
from smartidf_analysis.telecentres import signal as sig


# ------------------------------------------------------------------------ solvers
def random_instance(seed: int, n: int = 40, m: int = 11):
    rng = np.random.default_rng(seed)
    clients, sites = rng.uniform(0, 10, (n, 2)), rng.uniform(0, 10, (m, 2))
    cost = np.hypot(*(clients[:, None, :] - sites[None, :, :]).transpose(2, 0, 1))
    return cost, rng.lognormal(2, 1, n)


def brute_force_cover(cost, weights, radius, p) -> float:
    cover = cost <= radius
    return max(weights[cover[:, list(s)].any(axis=1)].sum()
               for s in itertools.combinations(range(cost.shape[1]), p))


def brute_force_median(cost, weights, p) -> float:
    return min(weights @ cost[:, list(s)].min(axis=1)
               for s in itertools.combinations(range(cost.shape[1]), p))


def test_mclp_known_optimum_where_greedy_alone_falls_short():
    # clients 0..3 (weights 3, 3, 2, 2); site A covers {0, 2}, B {1, 3}, C {0, 1}
    covers = np.array([[1, 0, 1], [0, 1, 1], [1, 0, 0], [0, 1, 0]], bool)
    cost = np.where(covers, 1.0, 10.0)
    weights = np.array([3.0, 3.0, 2.0, 2.0])
    plain = MaximalCoveringLocation.from_cost_matrix(cost, weights, 2.0, 2, interchange=False)
    plain.solve("greedy")
    assert plain.covered_demand == pytest.approx(8.0)  # C first (6), then A or B (+2)
    swapped = MaximalCoveringLocation.from_cost_matrix(cost, weights, 2.0, 2).solve("greedy")
    exact = MaximalCoveringLocation.from_cost_matrix(cost, weights, 2.0, 2).solve("milp")
    assert exact.covered_demand == pytest.approx(10.0)
    assert list(exact.selected) == [0, 1]
    assert exact.status == "optimal" and exact.mip_gap <= 1e-6
    assert swapped.covered_demand == pytest.approx(10.0)
    assert exact.perc_cov == pytest.approx(100.0)
    assert np.isnan(plain.mip_gap)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mclp_milp_matches_brute_force_and_greedy_never_above(seed):
    cost, weights = random_instance(seed)
    previous_exact, previous_greedy = 0.0, 0.0
    for p in range(1, 6):
        best = brute_force_cover(cost, weights, 2.5, p)
        exact = MaximalCoveringLocation.from_cost_matrix(cost, weights, 2.5, p).solve("milp")
        greedy = MaximalCoveringLocation.from_cost_matrix(cost, weights, 2.5, p,
                                                          interchange=False).solve("greedy")
        improved = MaximalCoveringLocation.from_cost_matrix(cost, weights, 2.5, p).solve("greedy")
        assert exact.covered_demand == pytest.approx(best, rel=1e-6)
        assert greedy.covered_demand <= best * (1 + 1e-9)
        assert improved.covered_demand <= best * (1 + 1e-9)
        assert improved.covered_demand >= greedy.covered_demand - 1e-9
        assert len(exact.selected) == p and len(greedy.selected) == p
        # coverage is non-decreasing in p (exact, and the nested greedy)
        assert exact.covered_demand >= previous_exact - 1e-9
        assert greedy.covered_demand >= previous_greedy - 1e-9
        previous_exact, previous_greedy = exact.covered_demand, greedy.covered_demand
        # served demand sits at chosen sites within the radius
        covered = exact.cli2fac >= 0
        assert np.all(cost[covered, exact.cli2fac[covered]] <= 2.5)
        assert exact.fac_served.sum() == pytest.approx(exact.covered_demand)


def test_capacitated_mclp_respects_capacities():
    cost, weights = random_instance(5, n=30, m=8)
    cap = weights.sum() / 10
    exact = MaximalCoveringLocation.from_cost_matrix(cost, weights, 3.0, 3, capacities=cap)
    exact.solve("milp")
    greedy = MaximalCoveringLocation.from_cost_matrix(cost, weights, 3.0, 3, capacities=cap)
    greedy.solve("greedy")
    for model in (exact, greedy):
        assert np.all(model.fac_served <= cap * (1 + 1e-7))
        assert np.all(model.served <= weights + 1e-9)
        assert model.covered_demand <= 3 * cap * (1 + 1e-7)
    assert exact.covered_demand >= greedy.covered_demand - 1e-6
    uncapacitated = MaximalCoveringLocation.from_cost_matrix(cost, weights, 3.0, 3).solve("milp")
    assert exact.covered_demand <= uncapacitated.covered_demand + 1e-6


@pytest.mark.parametrize("seed", [0, 3])
def test_pmedian_milp_matches_brute_force_and_greedy_never_below(seed):
    cost, weights = random_instance(seed, n=30, m=9)
    for p in (1, 2, 4):
        best = brute_force_median(cost, weights, p)
        exact = PMedian.from_cost_matrix(cost, weights, p).solve("milp")
        greedy = PMedian.from_cost_matrix(cost, weights, p).solve("greedy")
        assert exact.objective == pytest.approx(best, rel=1e-6)
        assert greedy.objective >= best * (1 - 1e-9)
        assert exact.mean_dist == pytest.approx(best / weights.sum(), rel=1e-6)
        assert exact.lagrangian_bound(exact.objective) <= best * (1 + 1e-9)
        nearest = cost[:, exact.selected].min(axis=1)
        assert np.allclose(cost[np.arange(len(weights)), exact.cli2fac], nearest)


def test_impossible_settings_raise_clear_errors():
    cost, weights = random_instance(1, n=10, m=4)
    cases = [
        (lambda: MaximalCoveringLocation.from_cost_matrix(cost, weights, 2.0, 5), "p_too_large"),
        (lambda: MaximalCoveringLocation.from_cost_matrix(cost, weights, 2.0, 0), "p_invalid"),
        (lambda: MaximalCoveringLocation.from_cost_matrix(cost, weights, 0.0, 2), "radius"),
        (lambda: MaximalCoveringLocation.from_cost_matrix(cost, 0 * weights, 2.0, 2),
         "zero_demand"),
        (lambda: MaximalCoveringLocation.from_cost_matrix(cost, weights, 1e-9, 2),
         "nothing_in_reach"),
        (lambda: PMedian.from_cost_matrix(cost, weights, 7), "p_too_large"),
        (lambda: PMedian.from_cost_matrix(cost[:, :0], weights, 1), "no_candidates"),
    ]
    for build, kind in cases:
        with pytest.raises(SitingSettingsError) as info:
            build()
        assert info.value.kind == kind
        assert str(info.value)


# ------------------------------------------------------------------------- demand
def toy_flows() -> pd.DataFrame:
    return pd.DataFrame({
        "home_code": ["A", "A", "A", "A", "B", "B"],
        "work_code": ["W", "V", "W", "W", "W", "B"],
        "mode": ["TC", "TC", "DOMICILE", "VP", "VP", "NM"],
        "csp": [3, 3, 3, 6, 4, 3],
        "workers": [100.0, 50.0, 30.0, 200.0, 40.0, 10.0],
        "distance_km": [12.0, 5.0, 12.0, 20.0, 15.0, 1.0]})


TOY = tc.Scenario(teleworkable_share=((3, 0.5), (4, 0.25), (6, 0.1)), telecentre_share=0.2,
                  days_per_week=2.0, occupancy=0.8, distance_threshold_km=10.0)


def test_demand_formula_by_hand():
    demand = tc.demand_by_commune(toy_flows(), TOY).set_index("home_code")
    # A: 100 TC managers at 12 km and 200 blue-collar at 20 km count; the 5 km flow and the
    # DOMICILE workers do not. teleworkers = (100 × 0.5 + 200 × 0.1) × 0.2 = 14
    assert demand.loc["A", "resident_workers"] == pytest.approx(380.0)
    assert demand.loc["A", "long_commuters"] == pytest.approx(300.0)
    assert demand.loc["A", "teleworkable"] == pytest.approx(70.0)
    assert demand.loc["A", "teleworkers"] == pytest.approx(14.0)
    assert demand.loc["A", "daily_users"] == pytest.approx(5.6)  # × 2 days / 5
    assert demand.loc["A", "seats"] == pytest.approx(7.0)  # / 0.8 occupancy
    assert demand.loc["A", "mean_distance_km"] == pytest.approx((100 * 12 + 200 * 20) / 300)
    # B: 40 intermediate at 15 km: 40 × 0.25 × 0.2 = 2
    assert demand.loc["B", "teleworkers"] == pytest.approx(2.0)
    flows = tc.eligible_flows(toy_flows(), TOY)
    assert flows["teleworkers"].sum() == pytest.approx(16.0)
    doubled = tc.demand_by_commune(toy_flows(), TOY.but(teleworkable_factor=2.0))
    assert doubled["teleworkers"].sum() == pytest.approx(32.0)
    capped = tc.demand_by_commune(toy_flows(), TOY.but(teleworkable_factor=10.0))
    assert capped["teleworkers"].sum() == pytest.approx((100 + 200 + 40) * 0.2)  # shares ≤ 1


def test_demand_parameters_are_checked():
    for bad in (dict(telecentre_share=1.5), dict(days_per_week=6.0), dict(occupancy=0.0),
                dict(teleworkable_factor=-1.0)):
        with pytest.raises(ValueError):
            tc.demand_by_commune(toy_flows(), TOY.but(**bad))


def test_savings_by_hand_and_never_negative():
    eligible = tc.eligible_flows(toy_flows(), TOY)
    allocation = pd.DataFrame({"home_code": ["A", "B"], "served_share": [1.0, 1.0],
                               "distance_to_site_km": [2.0, 30.0]})  # B's site is too far
    table = ts.savings_by_mode(eligible, allocation, TOY, weeks=45.0, detour=1.2).set_index("mode")
    # A, TC: 10 teleworkers × 2 days × 45 weeks × 2 trips × 1.2 × (12 − 2) km
    tc_km = 10 * 2 * 45 * 2 * 1.2 * 10
    vp_km = 4 * 2 * 45 * 2 * 1.2 * 18  # A, VP blue-collar: 200 × 0.1 × 0.2 = 4
    assert table.loc["TC", "km_avoided_per_year"] == pytest.approx(tc_km)
    assert table.loc["VP", "km_avoided_per_year"] == pytest.approx(vp_km)  # B saves nothing
    assert table.loc["VP", "co2_avoided_t_per_year"] == pytest.approx(
        vp_km * ts.EMISSION_FACTORS_KG_PER_KM["VP"] / 1000)
    # hours: travel-time model, A by TC: 12 km → 14.4 km by network, the site 2 → 2.4 km:
    # t(14.4) = 12 + 5/18·60 + 9.4/30·60 = 47.467 min; t(2.4) = 12 + 2.4/18·60 = 20 min
    tc_hours = 10 * 2 * 45 * 2 * (12 + 5 / 18 * 60 + 9.4 / 30 * 60 - 12 - 2.4 / 18 * 60) / 60
    assert table.loc["TC", "hours_saved_per_year"] == pytest.approx(tc_hours)
    assert table.loc["total", "km_avoided_per_year"] == pytest.approx(tc_km + vp_km)
    rng = np.random.default_rng(0)
    for _ in range(20):
        allocation = pd.DataFrame({"home_code": ["A", "B"], "served_share": rng.uniform(0, 1, 2),
                                   "distance_to_site_km": rng.uniform(0, 60, 2)})
        table = ts.savings_by_mode(eligible, allocation, TOY)
        assert (table.drop(columns="mode").to_numpy() >= 0).all()


def test_home_to_site_distance_has_an_area_floor():
    homes = pd.DataFrame({"centroid_x_l93": [0.0, 0.0], "centroid_y_l93": [0.0, 0.0],
                          "area_km2": [np.pi * 9, 0.0]})  # radius 3 km, and a point
    sites = pd.DataFrame({"x_l93": [0.0, 10_000.0], "y_l93": [0.0, 0.0]})
    d = tc.home_to_site_km(homes, sites)
    assert d[0, 0] == pytest.approx(2.0)  # 2R/3 inside the commune
    assert d[0, 1] == pytest.approx(10.0)
    assert d[1, 0] == pytest.approx(0.0)


# ----------------------------------------------------------------------- stations
def toy_stations() -> pd.DataFrame:
    return pd.DataFrame({
        "station_id": ["1", "2", "3", "4", "5", "6"],
        "station_name": ["Gare A", "Gare A", "Gare B", "Gare C", "Gare D", "Loin"],
        "line": ["RER A", "TRAIN L", "METRO 1", "RER B", "TRAIN P", "TRAIN N"],
        "mode": ["RER", "TRAIN", "METRO", "RER", "TRAIN", "TRAIN"],
        "operator": ["x"] * 6,
        "zdc_id": ["10", "10", "20", "30", "", "50"],
        "lon": [2.0, 2.002, 2.3, 2.4, 2.5, 1.5], "lat": [48.8, 48.802, 48.9, 48.7, 48.6, 48.4],
        "x_l93": [1000.0, 1200.0, 5000.0, 9000.0, 12000.0, -50000.0],
        "y_l93": [0.0, 200.0, 0.0, 0.0, 0.0, 0.0],
        "commune_code": ["A", "A", "B", "C", "D", None]})


def test_stations_deduplicated_and_candidates_filtered_with_reasons():
    sites = tc.dedupe_stations(toy_stations())
    assert len(sites) == 5  # "10" twice → one site; empty zone keeps its station id
    gare_a = sites.set_index("site_id").loc["10"]
    assert gare_a["lines"] == "RER A+TRAIN L" and gare_a["n_lines"] == 2
    assert gare_a["x_l93"] == pytest.approx(1100.0)
    assert "station:5" in set(sites["site_id"])
    coverage = pd.DataFrame({"commune_code": ["A", "B", "C"], "coverage_rate": [0.9, 0.9, 0.2]})
    cands = tc.candidate_sites(sites, coverage, tc.CANDIDATE_MODES, 0.5).set_index("site_id")
    assert cands.loc["10", "candidate"]
    assert cands.loc["20", "excluded_reason"] == "mode"
    assert cands.loc["30", "excluded_reason"] == "fibre_below_threshold"
    assert cands.loc["station:5", "excluded_reason"] == "no_fibre_data"  # never read as 0 %
    assert cands.loc["50", "excluded_reason"] == "outside_region"
    summary = tc.exclusion_summary(cands.reset_index()).set_index("reason")["stations"]
    assert summary.sum() == len(sites)
    with pytest.raises(ValueError):
        tc.candidate_sites(sites, coverage, ("BUS",), 0.5)


def toy_inputs() -> tc.TelecentreInputs:
    communes = pd.DataFrame({
        "commune_code": ["A", "B", "C", "D", "W"], "commune_name": list("ABCDW"),
        "department_code": ["77"] * 5, "centroid_x_l93": [0.0, 2000.0, 40000.0, 42000.0, 30000.0],
        "centroid_y_l93": [0.0] * 5, "area_km2": [1.0] * 5})
    rows = []
    for home, workers in (("A", 400.0), ("B", 300.0), ("C", 200.0), ("D", 5.0)):
        rows.append((home, "W", "TC", 3, workers))
    flows = pd.DataFrame(rows, columns=["home_code", "work_code", "mode", "csp", "workers"])
    flows = cm.add_distances(flows, communes)
    stations = tc.dedupe_stations(pd.DataFrame({
        "station_id": ["s1", "s2", "s3"], "station_name": ["Near A", "Near C", "Far"],
        "line": ["RER A", "RER B", "RER C"], "mode": ["RER"] * 3, "operator": ["x"] * 3,
        "zdc_id": ["1", "2", "3"], "lon": [2.0, 2.5, 3.0], "lat": [48.8] * 3,
        "x_l93": [1000.0, 41000.0, 90000.0], "y_l93": [0.0] * 3,
        "commune_code": ["A", "C", "D"]}))
    coverage = pd.DataFrame({"commune_code": list("ABCDW"), "coverage_rate": [1.0] * 5})
    return tc.TelecentreInputs(flows, communes, stations, coverage)


def test_scenario_and_employer_hub_on_a_toy_region():
    inputs = toy_inputs()
    scenario = tc.Scenario(n_sites=1, radius_km=5.0, telecentre_share=0.5)
    result = ts.run_scenario(inputs, scenario)
    assert result.sites["station_name"].tolist() == ["Near A"]  # A + B: 700 > C + D: 205
    alloc = result.allocation.set_index("home_code")
    assert alloc.loc["A", "served_share"] == 1.0 and alloc.loc["C", "served_share"] == 0.0
    assert result.kpis["teleworkers"] == pytest.approx((400 + 300) * 0.55 * 0.5)
    two = ts.run_scenario(inputs, scenario.but(n_sites=2, method="milp"))
    assert two.kpis["daily_users"] > result.kpis["daily_users"]
    assert two.kpis["km_avoided_per_year"] > result.kpis["km_avoided_per_year"] > 0
    for method in ("greedy", "milp"):
        capped = ts.run_scenario(inputs, scenario.but(n_sites=2, capacity_seats=50.0,
                                                      method=method))
        assert (capped.sites["seats"] <= 50.0 * (1 + 1e-7)).all()
        assert capped.sites["daily_users"].sum() == pytest.approx(capped.kpis["daily_users"])
    with pytest.raises(SitingSettingsError) as info:
        ts.run_scenario(inputs, scenario.but(n_sites=4))
    assert info.value.kind == "p_too_large"
    with pytest.raises(SitingSettingsError):
        ts.run_scenario(inputs, scenario.but(radius_km=0.0))
    clusters, origins = ts.employer_hub(inputs, ["W"], min_workers=20.0, scenario=scenario)
    assert clusters["station_name"].tolist() == ["Near A", "Near C"]  # D (1.4) joins C's cluster
    assert (clusters["teleworkers"] >= 20.0).all()
    assert origins["cluster"].notna().sum() == 4
    assert clusters["teleworkers"].sum() == pytest.approx(origins["teleworkers"].sum())
    none, _ = ts.employer_hub(inputs, ["W"], min_workers=1e6, scenario=scenario)
    assert none.empty


# ------------------------------------------------------------------------- signal
def toy_daily() -> pd.DataFrame:
    days = pd.date_range("2024-09-09", "2024-12-20", freq="D")
    base = {0: 80.0, 1: 100.0, 2: 100.0, 3: 100.0, 4: 70.0, 5: 30.0, 6: 20.0}
    rows = [("Z1", d, base[d.day_of_week]) for d in days]
    rows += [("Z2", d, 50.0) for d in days]
    daily = pd.DataFrame(rows, columns=["zdc_id", "day", "validations"])
    # a holiday week (11 November 2024) with odd traffic must be left out entirely
    odd = daily["day"].between("2024-11-11", "2024-11-15")
    daily.loc[odd, "validations"] = 1.0
    return daily


def test_midweek_ratio_ignores_holiday_weeks_and_weekends():
    ratio = sig.midweek_ratio(toy_daily()).set_index("zdc_id")
    assert ratio.loc["Z1", "midweek_ratio"] == pytest.approx(100 / 75)
    assert ratio.loc["Z2", "midweek_ratio"] == pytest.approx(1.0)
    short = sig.midweek_ratio(toy_daily(), min_days=1000)
    assert short["midweek_ratio"].isna().all()
    sites = pd.DataFrame({"site_id": ["Z1", "Z2"], "station_name": ["a", "b"],
                          "lines": ["x", "y"], "commune_code": ["A", "A"], "lon": [0, 0],
                          "lat": [0, 0]})
    commune = sig.commune_signal(toy_daily(), sites).set_index("commune_code")
    assert commune.loc["A", "midweek_ratio"] == pytest.approx(150 / 125)
    assert commune.loc["A", "stations"] == 2


def test_signal_vs_demand_reports_a_correlation():
    signal = pd.DataFrame({"commune_code": list("ABCDE"),
                           "midweek_ratio": [1.0, 1.1, 1.2, 1.3, np.nan]})
    demand = pd.DataFrame({"home_code": list("ABCDE"),
                           "users_per_1000_workers": [1.0, 2.0, 4.0, 8.0, 9.0],
                           "daily_users": [5.0, 4.0, 3.0, 2.0, 1.0]})
    table = sig.signal_vs_demand(signal, demand).set_index("measure")
    assert table.loc["users_per_1000_workers", "spearman"] == pytest.approx(1.0)
    assert table.loc["daily_users", "spearman"] == pytest.approx(-1.0)
    assert (table["communes"] == 4).all()


# ---------------------------------------------------------------------- real data
@pytest.fixture(scope="module")
def real_inputs(real_db):
    return tc.load_inputs(real_db)


@pytest.mark.realdata
def test_real_default_scenario(real_inputs):
    result = ts.run_scenario(real_inputs)
    k = result.kpis
    demand = tc.demand_totals(tc.demand_by_commune(real_inputs.flows))
    assert k["sites"] == tc.N_SITES and k["candidates"] >= tc.N_SITES
    assert 0 < k["teleworkers"] <= demand["teleworkers"] * (1 + 1e-9)
    assert k["seats"] == pytest.approx(k["daily_users"] / tc.OCCUPANCY)
    assert (result.savings.drop(columns="mode").to_numpy() >= 0).all()
    assert result.sites["daily_users"].sum() == pytest.approx(k["daily_users"], rel=1e-9)
    assert result.sites["site_id"].is_unique
    # every deduplicated station is either a candidate or excluded with a reason
    cands = real_inputs.candidates()
    assert len(cands) == real_inputs.stations["site_id"].nunique()
    assert set(cands["excluded_reason"]) <= {"", "outside_region", "mode", "no_fibre_data",
                                             "fibre_below_threshold"}
    assert (cands["excluded_reason"] == "outside_region").sum() > 0  # shown, not dropped
    seams = tc.data_seams(real_inputs).set_index("seam")
    assert seams.loc["workers_without_distance", "count"] > 0
    detail = seams.loc["workers_without_distance", "detail"]
    assert "91182" in detail and "75113" not in detail  # only codes with no current COG code


@pytest.mark.realdata
def test_real_sources_name_every_dataset_once_with_its_vintages(real_inputs):
    from smartidf_analysis import plots

    rows = real_inputs.source_rows()
    assert not rows.duplicated(["producer", "title"]).any()
    prov = real_inputs.provenance[real_inputs.provenance["table_name"] != "communes"]
    for r in prov.itertuples():  # each input file's vintage is cited under its producer
        cited = rows[rows["producer"] == r.producer]["vintage"].str.split(", ").explode()
        assert r.vintage in set(cited), (r.dataset_id, r.vintage)
    assert "IGN" in " ".join(rows["producer"])  # of the commune tables, the boundaries only
    caption = plots.source_caption(rows, "fr")
    assert caption == "Source : " + real_inputs.source_caption()


@pytest.mark.realdata
def test_real_full_size_milp_gap_and_greedy(real_inputs):
    scenario = tc.Scenario(radius_km=3.0, n_sites=50)
    exact = ts.run_scenario(real_inputs, scenario.but(method="milp", time_limit_s=60))
    greedy = ts.run_scenario(real_inputs, scenario)
    assert exact.kpis["mip_gap"] <= 0.01
    assert greedy.kpis["daily_users"] <= exact.kpis["daily_users"] * (1 + 1e-6)
    assert greedy.kpis["daily_users"] >= 0.97 * exact.kpis["daily_users"]
    more = ts.run_scenario(real_inputs, scenario.but(method="milp", n_sites=60))
    assert more.kpis["daily_users"] >= exact.kpis["daily_users"] * (1 - 1e-4)


@pytest.mark.realdata
def test_real_signal_and_validation_gaps(real_db, real_inputs):
    gaps = tc.validation_gaps(real_db)
    empty = gaps[gaps["issue"] == "empty_zdc_id"]
    assert empty["rows"].sum() > 0  # reported, with their stop names
    daily = tc.load_daily(path=real_db)
    assert daily["zdc_id"].str.len().min() > 0
    commune = sig.commune_signal(daily, real_inputs.stations)
    assert commune["midweek_ratio"].notna().sum() > 100
    corr = sig.signal_vs_demand(commune, tc.demand_by_commune(real_inputs.flows))
    assert corr["communes"].min() > 100 and corr["spearman"].notna().all()


def _sites_shown(view) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The sites CSV, the sites table and the map's site layer of a telecentres page."""
    sites = view.csv("telecentres_sites.csv", dtype={"site_id": str, "commune_code": str})
    [figure] = view.figures()
    points = figure.renderers[-1].data_source.data  # the outlines first, the sites on top
    return sites, view.tables()[1], points


def _check_sites_shown(view, n: int) -> pd.DataFrame:
    """``n`` sites, the same in the CSV, the table and the map (Web Mercator of their
    lon/lat, by hand), and the first KPI card is the sum of their daily users."""
    from smartidf_analysis.apps.i18n import fmt_number

    sites, table, points = _sites_shown(view)
    assert len(sites) == len(table) == len(points["x"]) == n
    assert sites["station_name"].tolist() == table["station_name"].tolist()
    assert sorted(points["station_name"]) == sorted(sites["station_name"])
    radius = 6_378_137.0
    by_name = sites.set_index("station_name")
    lon = by_name.loc[list(points["station_name"]), "lon"].to_numpy()
    assert np.allclose(points["x"], radius * np.radians(lon), atol=0.01)
    cards = view.text("tc-kpis").split('class="tc-kpi"')[1:]
    assert f">{fmt_number(sites['daily_users'].sum(), 'fr')}<" in cards[0]
    return sites


@pytest.mark.realdata
def test_page_reacts_to_p_and_reports_impossible_settings(real_db, monkeypatch):
    monkeypatch.setenv("SMARTIDF_DB", str(real_db))
    from page_view import PageView

    from smartidf_analysis.apps.telecentres import page as page_module

    page = page_module.TelecentresPage(lang="fr")
    view = PageView(page)
    first = view.text("tc-kpis")
    assert "usagers par jour" in first and not view.visible("tc-alert")
    _check_sites_shown(view, page.state.n_sites)
    [figure] = view.figures()
    geometry = figure.renderers[0].glyph.xs  # the packed outlines, sent once
    source = figure.renderers[-1].data_source
    solved = []  # the scenarios actually solved from here on (not taken from the cache)
    solve = page_module.solve
    monkeypatch.setattr(page_module, "solve",
                        lambda inputs, scenario: solved.append(scenario) or solve(inputs, scenario))
    page_module.SCENARIOS.clear()
    page.state.n_sites = 20
    assert [s.n_sites for s in solved] == [20]  # one solve for one change
    assert view.text("tc-kpis") != first and not view.visible("tc-alert")
    sites = _check_sites_shown(view, 20)
    # only the site layer changed: same figure and Bokeh source; outlines untouched
    assert view.figures() == [figure] and figure.renderers[-1].data_source is source
    assert figure.renderers[0].glyph.xs is geometry
    for change, text in ((dict(radius_km=0.0), "rayon"), (dict(n_sites=400), "400"),
                         (dict(teleworkable_factor=0.0), "Demande nulle")):
        page.state.param.update(n_sites=20, radius_km=5.0, teleworkable_factor=1.0)
        page.state.param.update(**change)
        assert text in view.text("tc-alert")
        assert "—" in view.text("tc-kpis")  # KPIs blank, no stale figures
        assert len(source.data["x"]) == 0 and view.tables()[1].empty  # no stale sites
    solves_before = len(solved)
    page.state.param.update(n_sites=20, radius_km=5.0, teleworkable_factor=1.0)
    assert len(solved) == solves_before  # a scenario solved before comes from the cache
    assert _check_sites_shown(view, 20).equals(sites)
    page.pin()  # what the "add to the comparison" button does
    compare = view.csv("telecentres_scenarios.csv")
    assert compare["n_sites"].tolist() == [tc.DEFAULT.n_sites, 20, 20]
    assert compare["daily_users"].notna().all()
    assert compare["daily_users"].iloc[1] == compare["daily_users"].iloc[2] == \
        pytest.approx(sites["daily_users"].sum())
    assert len(view.tables()[0]) == 3  # the comparison table shows the same rows


def test_database_layer_on_the_synthetic_region(synthetic_db):
    inputs = tc.load_inputs(synthetic_db)
    n = int(inputs.candidates()["candidate"].sum())
    assert n > 2
    result = ts.run_scenario(inputs, tc.Scenario(n_sites=min(20, n - 1)))
    assert result.kpis["daily_users"] > 0
    gaps = tc.validation_gaps(synthetic_db)
    assert {"issue", "zdc_id", "stop_name", "rows", "validations"} <= set(gaps.columns)
    daily = tc.load_daily(path=synthetic_db)
    assert set(daily.columns) == {"zdc_id", "day", "validations"}


def test_page_works_on_the_synthetic_region(synthetic_db):
    """`make serve` without a mirror serves the synthetic region: fewer candidate stations
    than the default p must still give a page with results, not an error."""
    from page_view import PageView

    from smartidf_analysis.apps.telecentres import page as page_module

    page = page_module.TelecentresPage(lang="fr")
    view = PageView(page)
    assert not view.visible("tc-alert")
    candidates = int(tc.load_inputs(synthetic_db).candidates()["candidate"].sum())
    assert 1 <= page.state.n_sites < candidates
    sites = _check_sites_shown(view, page.state.n_sites)
    assert sites["daily_users"].sum() > 0
    compare = view.csv("telecentres_scenarios.csv")  # the reference: every candidate
    assert compare["n_sites"].tolist() == [min(tc.DEFAULT.n_sites, candidates), page.state.n_sites]


@pytest.mark.realdata
def test_page_compares_the_network_with_and_without_the_grand_paris_express(real_db, monkeypatch):
    """The page's button: the current scenario solved exactly on today's stations and with
    the GPE stations added; adding candidates never serves less demand; the table shows
    the package's figures."""
    import asyncio

    monkeypatch.setenv("SMARTIDF_DB", str(real_db))
    from page_view import PageView

    from smartidf_analysis.apps.telecentres import page as page_module
    from smartidf_analysis.telecentres import networks

    page = page_module.TelecentresPage(lang="fr")
    view = PageView(page)
    assert len(view.tables()) == 2  # no comparison table before the button
    page.state.param.update(n_sites=30, method="milp")
    asyncio.run(page.compare_gpe())
    shown = view.tables()[2]
    assert shown["network"].tolist() == ["Gares actuelles", "Gares actuelles + Grand Paris Express"]
    expected = networks.gpe_comparison(page.shared.inputs, page.state.scenario())
    assert shown["teleworkers"].tolist() == pytest.approx(expected["teleworkers"].tolist())
    assert shown["demand_served_pct"].iloc[1] >= shown["demand_served_pct"].iloc[0] - 1e-9
    assert shown["new_sites"].tolist() == [30, 30]
    assert "Grand Paris" in view.text("tc-gpe-caption")
