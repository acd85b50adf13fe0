"""Pre-sited facilities (sites that already exist) in the MCLP and the p-median, exact and
greedy, on small instances whose optimum is computed by hand in the comments."""

import numpy as np
import pytest

from smartidf_analysis.siting import MaximalCoveringLocation, SitingSettingsError
from smartidf_analysis.siting.pmedian import PMedian

# MCLP: 4 clients, 3 candidate sites; F covers clients 0 and 1, X covers 1 and 2, Y covers 3.
COVER = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]], bool)
MCLP_COST = np.where(COVER, 1.0, 9.0)  # radius 2: covered when the cost is 1
MCLP_WEIGHTS = np.array([10.0, 10.0, 3.0, 8.0])


@pytest.mark.parametrize("method", ["milp", "greedy"])
def test_mclp_places_the_new_site_given_the_existing_one(method):
    # By hand: alone, F covers 20, X 13, Y 8, so p = 1 without existing sites opens F.
    # With F already open, X adds 3 (client 2) and Y adds 8 (client 3): the new site is Y,
    # total 10 + 10 + 8 = 28.
    alone = MaximalCoveringLocation.from_cost_matrix(MCLP_COST, MCLP_WEIGHTS, 2.0, 1).solve(method)
    assert list(alone.selected) == [0] and alone.covered_demand == 20.0
    model = MaximalCoveringLocation.from_cost_matrix(MCLP_COST, MCLP_WEIGHTS, 2.0, 1,
                                                     fixed=[0]).solve(method)
    assert list(model.selected) == [0, 2]
    assert list(model.new_selected) == [2]
    assert model.covered_demand == pytest.approx(28.0)
    if method == "milp":
        assert model.status == "optimal" and model.mip_gap == pytest.approx(0.0, abs=1e-9)
    else:
        assert np.isnan(model.mip_gap)  # a heuristic has no bound: gap not claimed


def test_mclp_presited_with_capacity_fills_the_existing_site_first():
    # Capacity 12 per site. F (pre-sited) takes 12 of clients 0-1 (20). New site: X serves
    # client 1's remaining 8 (within reach) + client 2's 3 = 11; Y serves 8: X wins, 23.
    model = MaximalCoveringLocation.from_cost_matrix(MCLP_COST, MCLP_WEIGHTS, 2.0, 1,
                                                     capacities=12.0, fixed=[0]).solve("milp")
    assert list(model.selected) == [0, 1]
    assert model.covered_demand == pytest.approx(23.0)


# p-median: clients and candidates at 0, 1, 9, 10 km on a line, weights 1, 1, 1, 2.
X = np.array([0.0, 1.0, 9.0, 10.0])
PM_COST = np.abs(X[:, None] - X[None, :])
PM_WEIGHTS = np.array([1.0, 1.0, 1.0, 2.0])


@pytest.mark.parametrize("method", ["milp", "greedy"])
def test_pmedian_places_the_new_site_given_the_existing_one(method):
    # By hand: alone, site 9 costs 9 + 8 + 0 + 2·1 = 19 (the best single site). With the site
    # at 0 pre-sited, a new site at 9 costs 0 + 1 + 0 + 2·1 = 3, at 10 costs 0 + 1 + 1 + 0 = 2:
    # the optimum opens 10, objective 2.
    alone = PMedian.from_cost_matrix(PM_COST, PM_WEIGHTS, 1).solve(method)
    assert list(alone.selected) == [2] and alone.objective == pytest.approx(19.0)
    model = PMedian.from_cost_matrix(PM_COST, PM_WEIGHTS, 1, fixed=[0]).solve(method)
    assert list(model.selected) == [0, 3] and list(model.new_selected) == [3]
    assert model.objective == pytest.approx(2.0)
    assert model.mean_dist == pytest.approx(2.0 / 5.0)


def test_pmedian_lagrangian_bound_respects_the_presited_site():
    model = PMedian.from_cost_matrix(PM_COST, PM_WEIGHTS, 1, fixed=[0]).solve("milp")
    bound = model.lagrangian_bound(model.objective)
    assert bound <= 2.0 + 1e-9  # a lower bound of the constrained optimum
    assert bound > 1.0  # and a tight one on this instance (the unconstrained 2-median is 2)


def test_presited_sites_count_against_the_candidates():
    with pytest.raises(SitingSettingsError) as err:
        PMedian.from_cost_matrix(PM_COST, PM_WEIGHTS, 4, fixed=[0])
    assert err.value.kind == "p_too_large" and err.value.values["candidates"] == 3
    with pytest.raises(SitingSettingsError):
        PMedian.from_cost_matrix(PM_COST, PM_WEIGHTS, 1, fixed=[7])


def test_greedy_never_swaps_out_a_presited_site():
    # The pre-sited site 2 (Y) covers little; the interchange would drop it if it could.
    model = MaximalCoveringLocation.from_cost_matrix(MCLP_COST, MCLP_WEIGHTS, 2.0, 1,
                                                     fixed=[2]).solve("greedy")
    assert 2 in model.selected and list(model.new_selected) == [0]
    assert model.covered_demand == pytest.approx(28.0)
