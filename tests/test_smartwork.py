"""Smart Work for people and planners: the travel-time model, the Grand Paris Express and
existing-sites networks, the "Mon télécentre" finder (hand-computed cases and a real pair),
employer pooling (the Melun case against the census flows)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from smartidf_analysis import commuting as cm
from smartidf_analysis import telecentres as tc
from smartidf_analysis.data import db
from smartidf_analysis.errors import UnknownCodeError
from smartidf_analysis.telecentres import finder, networks, pooling
from smartidf_analysis.telecentres.travel import TRAVEL_BANDS, time_saved_min, travel_time_min


@pytest.fixture(scope="module")
def inputs(real_db):
    yield tc.load_inputs(real_db)
    db.close_shared()


# ---------------------------------------------------------------------- travel time
def test_travel_time_by_hand_and_continuous_at_band_edges():
    # TC 14.4 km: 12 min + 5 km at 18 km/h + 9.4 km at 30 km/h
    assert travel_time_min(14.4, "TC") == pytest.approx(12 + 5 / 18 * 60 + 9.4 / 30 * 60)
    assert travel_time_min(0.0, "VP") == 0.0  # no trip, no parking time
    for mode, (_, bands) in TRAVEL_BANDS.items():
        edges = [u for u, _ in bands if np.isfinite(u)]
        for e in edges:
            below, above = travel_time_min([e - 1e-6, e + 1e-6], mode)
            assert above - below < 1e-3, (mode, e)
        d = np.linspace(0.1, 120, 500)
        assert (np.diff(travel_time_min(d, mode)) > 0).all()  # longer never quicker
    assert time_saved_min(5.0, 20.0, "TC") == 0.0  # a site beyond work saves nothing
    with pytest.raises(ValueError):
        travel_time_min(3.0, "BIKE")


# ------------------------------------------------------------------------ networks
@pytest.mark.parametrize("p", [10, 40])
def test_gpe_never_serves_less_demand_with_the_exact_solver(inputs, p):
    scenario = tc.DEFAULT.but(n_sites=p, method="milp", mip_rel_gap=0.0)
    table, results = networks.gpe_comparison(inputs, scenario, return_results=True)
    today, gpe = table.set_index("network").loc[["stations_2025", "stations_2025_plus_gpe"]].T.items()
    assert (table["status"] == "optimal").all()
    assert gpe[1]["daily_users"] >= today[1]["daily_users"] - 1e-6
    assert gpe[1]["planned_candidates"] > 0 and today[1]["planned_candidates"] == 0
    chosen = results["stations_2025_plus_gpe"].sites
    assert set(chosen.loc[chosen["status"] == "planned", "site_id"]).issubset(
        "gpe:" + inputs.gpe["station_code"])
    assert len(chosen) == p


def test_gpe_candidates_are_planned_with_their_line_and_skip_open_line_14(inputs):
    cands = inputs.candidates(tc.DEFAULT.but(include_gpe=True))
    gpe = cands[cands["status"] == "planned"]
    assert len(gpe) == len(inputs.gpe) == 69
    assert gpe["lines"].str.match(r"^L1[4-8]").all()
    open14 = gpe[gpe["excluded_reason"] == "already_in_network"]
    assert len(open14) > 0 and open14["lines"].str.contains("14").all()


def test_existing_sites_are_presited_and_p_new_sites_are_added(inputs):
    melun = inputs.communes.set_index("commune_code").loc["77288"]
    existing = pd.DataFrame({
        "site_id": ["existing:a"], "name": ["Tiers-lieu Melun"], "lon": [melun["centroid_lon"]],
        "lat": [melun["centroid_lat"]], "x_l93": [melun["centroid_x_l93"]],
        "y_l93": [melun["centroid_y_l93"]], "commune_code": ["77288"], "seats": [25],
        "opening_year": [2019], "source": ["test"], "source_ref": [""], "file_name": ["t.csv"],
        "file_line": [2]})
    with_site = dataclasses.replace(inputs, existing=existing)
    table = networks.existing_comparison(with_site, tc.DEFAULT.but(n_sites=20))
    rows = table.set_index("network")
    assert rows.loc["existing_plus_new", "existing_sites"] == 1
    assert rows.loc["existing_plus_new", "new_sites"] == 20
    assert rows.loc["new_sites_only", "existing_sites"] == 0
    result = tc.scenarios.run_scenario(with_site, tc.DEFAULT.but(n_sites=20, with_existing=True,
                                                                 method="milp"))
    assert "existing:a" in set(result.sites["site_id"])
    assert result.kpis["status"] == "optimal"


# -------------------------------------------------------------------------- finder
def toy_communes() -> pd.DataFrame:
    return pd.DataFrame({"commune_code": ["H0001", "W0001"], "commune_name": ["Home", "Work"],
                         "centroid_x_l93": [0.0, 30_000.0], "centroid_y_l93": [0.0, 0.0],
                         "area_km2": [0.01, 0.01]})


def toy_sites(xy) -> pd.DataFrame:
    return pd.DataFrame({"site_id": [f"s{i}" for i in range(len(xy))],
                         "station_name": [f"Site {i}" for i in range(len(xy))],
                         "commune_code": "H0001", "lines": "", "lon": 0.0, "lat": 0.0,
                         "x_l93": [x for x, _ in xy], "y_l93": [y for _, y in xy]})


def test_finder_by_hand():
    # home (0, 0), work 30 km east; proposed site 5 km away (3, 4 km), existing 12 km away.
    answer = finder.find_sites(toy_communes(), "H0001", "W0001", "VP", 2,
                               existing=toy_sites([(0, 12_000)]),
                               proposed=toy_sites([(3_000, 4_000), (40_000, 0)]))
    s = answer.summary
    assert s["commute_km"] == pytest.approx(36.0)  # 30 km × 1.2
    assert s["nearest_kind"] == "proposed" and s["nearest_distance_km"] == pytest.approx(6.0)
    assert s["km_saved_per_week"] == pytest.approx(2 * 2 * (36 - 6))  # 120 km
    assert s["co2_saved_kg_per_week"] == pytest.approx(120 * 0.218)
    assert s["share_of_commute_replaced"] == pytest.approx(1 / 3)
    # car: 5 min + 5 km at 20 + 10 km at 30 + 15 km at 45 + 6 km at 65 = 65.54 min; the
    # site: 5 + 15 + 1 km at 30 = 22 min; 2 days × 2 trips × 43.54 min
    t_work = 5 + 15 + 20 + 20 + 6 / 65 * 60
    assert s["commute_min"] == pytest.approx(t_work)
    assert s["hours_saved_per_week"] == pytest.approx(4 * (t_work - 22) / 60)
    assert s["hours_saved_per_year"] == pytest.approx(45 * 4 * (t_work - 22) / 60)
    beyond = answer.sites[(answer.sites["kind"] == "proposed") & (answer.sites["rank"] == 2)]
    assert float(beyond["km_saved_per_week"].iloc[0]) == 0.0
    assert float(beyond["hours_saved_per_week"].iloc[0]) == 0.0
    assert list(answer.sites["kind"]) == ["existing", "proposed", "proposed"]


def test_finder_refuses_unknown_codes_and_modes():
    with pytest.raises(UnknownCodeError, match="home commune code '99999'"):
        finder.find_sites(toy_communes(), "99999", "W0001")
    with pytest.raises(ValueError, match="mode"):
        finder.find_sites(toy_communes(), "H0001", "W0001", "PLANE")
    with pytest.raises(ValueError, match="days"):
        finder.find_sites(toy_communes(), "H0001", "W0001", "TC", 6)


def test_finder_on_a_real_pair_melun_to_puteaux(inputs):
    existing, proposed = finder.site_sets(inputs)
    answer = finder.find_sites(inputs.communes, "77288", "92062", "TC", 2, existing, proposed)
    com = inputs.communes.set_index("commune_code")
    crow = np.hypot(com.at["77288", "centroid_x_l93"] - com.at["92062", "centroid_x_l93"],
                    com.at["77288", "centroid_y_l93"] - com.at["92062", "centroid_y_l93"]) / 1000
    s = answer.summary
    assert s["home_name"] == "Melun" and s["work_name"] == "Puteaux"
    assert s["commute_km"] == pytest.approx(1.2 * crow)
    assert 40 < crow < 55  # Melun is about 48 km from La Défense
    assert s["nearest_distance_km"] < 10 and s["worth_it"]
    assert s["km_saved_per_week"] == pytest.approx(4 * (s["commute_km"] - s["nearest_distance_km"]))
    assert 0 < s["share_of_commute_replaced"] < 2 / 5  # at most the 2 days of 5
    assert len(proposed) == tc.DEFAULT.n_sites


# ------------------------------------------------------------------------- pooling
def test_the_melun_case_uses_the_census_flows(inputs, real_db):
    case = pooling.origin_case(inputs)
    pairs = cm.load_pairs((), path=real_db)
    from_melun = pairs[(pairs["home_code"] == "77288") & pairs["work_code"].isin(["92026",
                                                                                  "92062"])]
    assert case["hub_workers_from_origin"] == pytest.approx(from_melun["workers"].sum())
    assert 0 < case["telecentre_users"] < case["teleworkable"] <= case["long_commuters"]
    assert case["seats_for_staff"] == pytest.approx(50 * 2 / 5 / 0.8)
    assert case["cluster_teleworkers"] >= case["telecentre_users"]


def test_pooling_clusters_are_disjoint_and_large_enough(inputs):
    table = pooling.pooling_table(inputs, min_headcount=100)
    assert len(table) > 0 and (table["teleworkers"] >= 100).all()
    origins = [c for codes in table["origin_codes"] for c in codes.split(", ")]
    assert len(origins) == len(set(origins))
    assert table["teleworkers"].sum() <= table.attrs["hub_teleworkers"] + 1e-6


def test_example_pair_on_the_real_flows(inputs):
    """The finder's fall-back pair, on the real flows (categorical codes): two distinct
    communes of the search boxes, at least the demand's distance threshold apart."""
    choices = finder.commune_choices(inputs.communes)
    home, work = finder.example_pair(inputs.flows, choices)
    assert home != work and {home, work} <= set(choices.values())
    pair = inputs.flows[(inputs.flows["home_code"].astype(str) == home)
                        & (inputs.flows["work_code"].astype(str) == work)]
    assert (pair["distance_km"] >= tc.DISTANCE_THRESHOLD_KM).all() and len(pair)
