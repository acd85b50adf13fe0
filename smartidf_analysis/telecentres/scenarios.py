"""Telecentre scenarios: siting on the modelled demand, savings, sensitivity and employer
pooling (inputs and demand model: :mod:`smartidf_analysis.telecentres`; solvers:
:mod:`smartidf_analysis.siting`).

:func:`run_scenario` sites the telecentres (:func:`solve_sites`) and adds up the savings of
:func:`~smartidf_analysis.telecentres.savings.savings_by_mode` (the formula and its assumptions
are in :mod:`smartidf_analysis.telecentres.savings`); :func:`sensitivity` and
:func:`coverage_curve` rerun it over parameters. The savings' constants and employer pooling
(:func:`~smartidf_analysis.telecentres.pooling.employer_hub`) are importable from here too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartidf_analysis.data import compute
from smartidf_analysis.siting import MaximalCoveringLocation, SitingSettingsError
from smartidf_analysis.siting.pmedian import PMedian
from smartidf_analysis.telecentres.demand import DEFAULT, Scenario
from smartidf_analysis.telecentres.pooling import (  # noqa: F401 - moved there, re-exported
    LA_DEFENSE,
    employer_hub,
)
from smartidf_analysis.telecentres.savings import (  # noqa: F401 - moved there, re-exported
    DETOUR_FACTOR,
    EMISSION_FACTORS_KG_PER_KM,
    WORKING_WEEKS,
    savings_by_mode,
)
from smartidf_analysis.telecentres.sites import TelecentreInputs

MODELS = ("mclp", "pmedian")


@dataclass
class ScenarioResult:
    """A solved scenario: per-commune ``allocation``, chosen ``sites``, ``savings`` by mode,
    headline ``kpis`` and the solved siting ``model`` (with ``mip_gap``, ``status``…).

    Parameters
    ----------
    scenario : Scenario
        The scenario solved.
    allocation : DataFrame
        Per home commune: the columns of
        :func:`~smartidf_analysis.telecentres.demand.demand_by_commune` plus
        ``served_daily_users`` [persons/day], ``served_share`` [0-1], ``site_id`` and
        ``distance_to_site_km`` [km].
    sites : DataFrame
        Chosen sites, largest first: ``rank``, ``site_id``, ``station_name``,
        ``commune_code``, ``lines``, ``modes``, ``status``, ``lon``, ``lat`` [deg],
        ``coverage_rate`` [0-1], ``daily_users`` [persons/day], ``communes_served``,
        ``teleworkers`` [persons], ``seats`` [workstations], ``mean_distance_km`` [km].
    savings : DataFrame
        :func:`savings_by_mode`.
    kpis : Series
        ``sites``, ``candidates``, ``teleworkers`` [persons], ``daily_users`` [persons/day],
        ``seats``, ``km_avoided_per_year`` [km/yr], ``co2_avoided_t_per_year`` [t CO2e/yr],
        ``hours_saved_per_year`` [h/yr], ``demand_served_pct`` [%],
        ``mean_distance_to_site_km`` [km], ``mip_gap`` [-], ``status``, ``solve_time_s`` [s].
    model : MaximalCoveringLocation or PMedian
        The solved siting model.
    """

    scenario: Scenario
    allocation: pd.DataFrame
    sites: pd.DataFrame
    savings: pd.DataFrame
    kpis: pd.Series
    model: MaximalCoveringLocation | PMedian


def solve_sites(inputs: TelecentreInputs, scenario: Scenario, users: np.ndarray,
                candidates: pd.DataFrame):
    """Build and solve the scenario's location model on ``users`` (daily users per home of
    ``inputs.homes``) and the candidate rows of ``candidates`` (those with ``status``
    "existing" are pre-sited: open in every solution, ``n_sites`` new ones are added).

    Parameters
    ----------
    inputs : TelecentreInputs
        The region's inputs.
    scenario : Scenario
        Model, method, radius [km], number of sites, capacity [seats], solver limits.
    users : ndarray
        Daily users per home of ``inputs.homes`` [persons/day].
    candidates : DataFrame
        :meth:`TelecentreInputs.candidates` (``candidate`` flag, optional ``status``).

    Returns
    -------
    (MaximalCoveringLocation or PMedian, ndarray)
        The solved model and the row positions in ``candidates`` of its facilities.

    Raises
    ------
    smartidf_analysis.siting.SitingSettingsError
        With a plain message for impossible settings (no candidate, a radius <= 0).
    ValueError
        For a model not in :data:`MODELS`.
    """
    if scenario.model not in MODELS:
        raise ValueError(f"unknown model {scenario.model!r}; use one of {list(MODELS)}")
    index = np.flatnonzero(candidates["candidate"].to_numpy())
    if len(index) == 0:
        raise SitingSettingsError("no candidate station passes the filters (modes, fibre)",
                                  "no_candidates")
    if not scenario.radius_km > 0:
        raise SitingSettingsError("the catchment radius must be positive", "radius",
                                  radius=scenario.radius_km)
    cost = inputs.site_distances(candidates)[:, index]
    status = candidates["status"].to_numpy()[index] if "status" in candidates else None
    fixed = np.flatnonzero(status == "existing") if status is not None else None
    if scenario.model == "mclp":
        capacity = (None if scenario.capacity_seats is None
                    else scenario.capacity_seats * scenario.occupancy)  # seats -> daily users
        model = MaximalCoveringLocation.from_cost_matrix(cost, users, scenario.radius_km,
                                                         scenario.n_sites, capacity, fixed=fixed)
    else:
        model = PMedian.from_cost_matrix(cost, users, scenario.n_sites, fixed=fixed)
    model.solve(scenario.method, time_limit=scenario.time_limit_s,
                mip_rel_gap=scenario.mip_rel_gap)
    return model, index


def run_scenario(inputs: TelecentreInputs, scenario: Scenario = DEFAULT) -> ScenarioResult:
    """Demand → candidates → siting → savings for one scenario.

    Served demand: MCLP, the demand within the radius of a chosen site (up to capacity);
    p-median, every commune goes to its nearest chosen site and counts as served when that
    site is within the radius.

    Parameters
    ----------
    inputs : TelecentreInputs
        The region's inputs.
    scenario : Scenario
        The scenario.

    Returns
    -------
    ScenarioResult
        Allocation, sites, savings, KPIs and the solved model.

    Raises
    ------
    smartidf_analysis.siting.SitingSettingsError
        For impossible settings (see :func:`solve_sites`).
    ValueError
        For demand parameters outside their meaning.
    """
    demand, eligible = inputs.demand(scenario)
    homes = inputs.homes
    by_home = demand.set_index("home_code")
    users = by_home["daily_users"].reindex(homes.index).fillna(0.0).to_numpy()
    candidates = inputs.candidates(scenario)
    model, index = solve_sites(inputs, scenario, users, candidates)
    cost = inputs.site_distances(candidates)[:, index]
    site_col = np.where(model.cli2fac >= 0, model.cli2fac, 0)
    to_site = np.where(model.cli2fac >= 0, cost[np.arange(len(users)), site_col], np.nan)
    if scenario.model == "mclp":
        served = model.served
    else:
        served = np.where(to_site <= scenario.radius_km, users, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(users > 0, served / users, 0.0)
    chosen = candidates.iloc[index]
    site_ids = np.where(model.cli2fac >= 0, chosen["site_id"].to_numpy()[site_col], None)
    allocation = pd.DataFrame({
        "home_code": homes.index, "daily_users": users, "served_daily_users": served,
        "served_share": share, "site_id": np.where(served > 0, site_ids, None),
        "distance_to_site_km": np.where(served > 0, to_site, np.nan)})
    allocation = demand.merge(allocation[["home_code", "served_daily_users", "served_share",
                                          "site_id", "distance_to_site_km"]],
                              on="home_code", how="left")
    allocation["served_share"] = allocation["served_share"].fillna(0.0)
    allocation["served_daily_users"] = allocation["served_daily_users"].fillna(0.0)
    per_site = model.fac_served[model.selected] if scenario.model == "mclp" else None
    sites = _site_table(chosen.iloc[model.selected], allocation, scenario, per_site)
    savings = savings_by_mode(eligible, allocation, scenario)
    kpis = _kpis(scenario, allocation, sites, savings, model, int(len(index)))
    return ScenarioResult(scenario, allocation, sites, savings, kpis, model)


def _site_table(chosen: pd.DataFrame, allocation: pd.DataFrame, s: Scenario,
                per_site: np.ndarray | None = None) -> pd.DataFrame:
    """Chosen sites with the daily users they serve (``per_site``, from the model, when given:
    with capacities a commune may be split between sites; otherwise each commune's served
    demand goes to its nearest chosen site), seats, teleworkers, communes served (nearest
    site) and the served-weighted mean home→site distance."""
    served = allocation[allocation["served_daily_users"] > 0]
    g = served.assign(_wd=served["served_daily_users"] * served["distance_to_site_km"]).groupby(
        "site_id").agg(daily_users=("served_daily_users", "sum"), _wd=("_wd", "sum"),
                       communes_served=("home_code", "nunique"))
    chosen = chosen if "status" in chosen else chosen.assign(status="station")
    out = chosen[["site_id", "station_name", "commune_code", "lines", "modes", "status", "lon",
                  "lat", "coverage_rate"]].merge(g, left_on="site_id", right_index=True,
                                                 how="left")
    out[["daily_users", "_wd", "communes_served"]] = out[
        ["daily_users", "_wd", "communes_served"]].fillna(0)
    if per_site is not None:
        nearest_users = out["daily_users"].to_numpy()
        out["daily_users"] = np.asarray(per_site, dtype=float)
        with np.errstate(invalid="ignore", divide="ignore"):  # keep the mean distance
            out["_wd"] = np.where(nearest_users > 0, out["_wd"] / nearest_users, 0.0) \
                * out["daily_users"]
    out["teleworkers"] = out["daily_users"] * 5.0 / s.days_per_week if s.days_per_week else 0.0
    out["seats"] = out["daily_users"] / s.occupancy
    with np.errstate(invalid="ignore", divide="ignore"):
        out["mean_distance_km"] = np.where(out["daily_users"] > 0,
                                           out["_wd"] / out["daily_users"], np.nan)
    out["communes_served"] = out["communes_served"].astype(int)
    out = out.drop(columns="_wd").sort_values(["daily_users", "site_id"], ascending=[False, True])
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)


def _kpis(s: Scenario, allocation, sites, savings, model, n_candidates: int) -> pd.Series:
    total = savings.set_index("mode").loc["total"]
    served = allocation["served_daily_users"]
    demand = allocation["daily_users"].sum()
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_d = float((served * allocation["distance_to_site_km"].fillna(0)).sum() / served.sum())
    return pd.Series({
        "sites": len(sites), "candidates": n_candidates,
        "teleworkers": float(served.sum() * 5.0 / s.days_per_week) if s.days_per_week else 0.0,
        "daily_users": float(served.sum()), "seats": float(served.sum() / s.occupancy),
        "km_avoided_per_year": float(total["km_avoided_per_year"]),
        "co2_avoided_t_per_year": float(total["co2_avoided_t_per_year"]),
        "hours_saved_per_year": float(total["hours_saved_per_year"]),
        "demand_served_pct": float(100 * served.sum() / demand) if demand else np.nan,
        "mean_distance_to_site_km": mean_d, "mip_gap": float(model.mip_gap),
        "status": model.status, "solve_time_s": float(model.solve_time_s)})


# ------------------------------------------------------------------------- comparisons
def compare(results: Mapping[str, ScenarioResult]) -> pd.DataFrame:
    """One row per named scenario: its parameters and KPIs (the dashboard's comparison).

    Parameters
    ----------
    results : mapping of str to ScenarioResult
        Name -> solved scenario.

    Returns
    -------
    DataFrame
        ``scenario``, the :meth:`Scenario.as_row` parameters and the KPIs of
        :class:`ScenarioResult`.
    """
    rows = []
    for name, r in results.items():
        row = {"scenario": name, **r.scenario.as_row(), **r.kpis.to_dict()}
        rows.append(row)
    return pd.DataFrame(rows)


SENSITIVITY_GRID = {
    "distance_threshold_km": (5.0, 10.0, 15.0, 20.0),
    "teleworkable_factor": (0.5, 1.0, 1.5),
    "telecentre_share": (0.1, 0.25, 0.4),
    "days_per_week": (1.0, 2.0, 3.0),
    "n_sites": (50, 100, 200, 300),
}


def sensitivity(inputs: TelecentreInputs, base: Scenario = DEFAULT,
                grid: Mapping[str, Iterable] | None = None) -> pd.DataFrame:
    """One-at-a-time sensitivity: each parameter of ``grid`` varied around ``base`` (the
    others at their base value).

    Parameters
    ----------
    inputs : TelecentreInputs
        The region's inputs.
    base : Scenario
        The base scenario.
    grid : mapping of str to iterable, optional
        Parameter -> values; default :data:`SENSITIVITY_GRID`.

    Returns
    -------
    DataFrame
        ``parameter``, ``value``, ``is_base`` and the KPIs of :class:`ScenarioResult`, one
        row per run.
    """
    cases = [(name, value) for name, values in (grid or SENSITIVITY_GRID).items() for value in values]
    runs = compute.map_shared(_kpis_of, [base.but(**{n: v}) for n, v in cases], inputs)
    return pd.DataFrame([{"parameter": name, "value": float(value),
                          "is_base": bool(value == getattr(base, name)), **kpis.to_dict()}
                         for (name, value), kpis in zip(cases, runs, strict=True)])


def _kpis_of(inputs: TelecentreInputs, scenario: Scenario) -> pd.Series:
    """The KPIs of one scenario (one task of a sweep)."""
    return run_scenario(inputs, scenario).kpis


def coverage_curve(inputs: TelecentreInputs, base: Scenario = DEFAULT,
                   sites: Iterable[int] = (25, 50, 100, 150, 200),
                   methods: Iterable[str] = ("greedy", "milp")) -> pd.DataFrame:
    """Demand served against the number of sites, per solving method: ``p, method,
    daily_users, demand_served_pct, mip_gap, status`` (solve times are left out so that the
    table is reproducible; see the benchmark for times).

    Parameters
    ----------
    inputs : TelecentreInputs
        The region's inputs.
    base : Scenario
        The base scenario.
    sites : iterable of int
        Numbers of sites p.
    methods : iterable of str
        Solving methods (``"greedy"``, ``"milp"``).

    Returns
    -------
    DataFrame
        ``p``, ``method``, ``daily_users`` [persons/day], ``demand_served_pct`` [%],
        ``mip_gap`` [-], ``status``.
    """
    cases = [(int(p), method) for p in sites for method in methods]
    runs = compute.map_shared(_kpis_of, [base.but(n_sites=p, method=m) for p, m in cases], inputs)
    return pd.DataFrame([{"p": p, "method": method, "daily_users": k["daily_users"],
                          "demand_served_pct": k["demand_served_pct"], "mip_gap": k["mip_gap"],
                          "status": k["status"]} for (p, method), k in zip(cases, runs, strict=True)])


def reproducible(kpis: pd.Series | pd.DataFrame):
    """KPIs without the solve time (which varies from run to run), for key-result tables.

    Parameters
    ----------
    kpis : Series or DataFrame
        KPIs of one run, or a table of runs.

    Returns
    -------
    Series or DataFrame
        The same without ``solve_time_s``.
    """
    if isinstance(kpis, pd.Series):
        return kpis.drop(labels=["solve_time_s"], errors="ignore")
    return kpis.drop(columns=["solve_time_s"], errors="ignore")
