"""Networks compared: the same scenario solved on today's stations and on today's stations plus
the Grand Paris Express stations (:func:`gpe_comparison`), or from scratch and given the sites
that already exist (:func:`existing_comparison`). One row per network, the columns of
:data:`NETWORK_COLUMNS`; the page and notebook 03 show these frames as they are.

With the exact solver (``method="milp"``, ``mip_rel_gap=0``) the GPE network never serves
less demand than today's for the same p: its candidate set contains today's (property checked
in the tests). The greedy may, rarely, do worse.
"""

from __future__ import annotations

import pandas as pd

from smartidf_analysis.telecentres.demand import DEFAULT, Scenario
from smartidf_analysis.telecentres.scenarios import ScenarioResult, run_scenario
from smartidf_analysis.telecentres.sites import TelecentreInputs

GPE_SOURCE = ("Société du Grand Paris, localisation des gares du Grand Paris Express (2016 plan, "
              "69 stations; no opening dates)")
NETWORK_COLUMNS = ["network", "candidates", "planned_candidates", "existing_sites", "new_sites",
                   "planned_sites_chosen", "daily_users", "teleworkers", "demand_served_pct",
                   "km_avoided_per_year", "co2_avoided_t_per_year", "hours_saved_per_year",
                   "hours_saved_per_teleworker_per_year", "mean_distance_to_site_km", "mip_gap",
                   "status", "solve_time_s"]


def network_row(name: str, result: ScenarioResult, candidates: pd.DataFrame) -> dict:
    """One row of :data:`NETWORK_COLUMNS` for a solved scenario.

    Parameters
    ----------
    name : str
        The network's name.
    result : ScenarioResult
        The solved scenario.
    candidates : DataFrame
        Its candidate table (``candidate``, optional ``status``).

    Returns
    -------
    dict
        ``network``, ``candidates``, ``planned_candidates``, ``existing_sites``,
        ``new_sites``, ``planned_sites_chosen`` [sites], ``daily_users`` [persons/day],
        ``teleworkers`` [persons], ``demand_served_pct`` [%], ``km_avoided_per_year`` [km/yr],
        ``co2_avoided_t_per_year`` [t CO2/yr], ``hours_saved_per_year`` [h/yr],
        ``hours_saved_per_teleworker_per_year`` [h/yr], ``mean_distance_to_site_km`` [km],
        ``mip_gap`` [-], ``status``, ``solve_time_s`` [s].
    """
    k = result.kpis
    status = candidates.loc[candidates["candidate"], "status"] if "status" in candidates \
        else pd.Series("station", index=candidates.index)
    chosen = result.sites["status"] if "status" in result.sites else pd.Series(dtype=str)
    teleworkers = float(k["teleworkers"])
    return {"network": name, "candidates": int(k["candidates"]),
            "planned_candidates": int((status == "planned").sum()),
            "existing_sites": int((chosen == "existing").sum()),
            "new_sites": int((chosen != "existing").sum()),
            "planned_sites_chosen": int((chosen == "planned").sum()),
            "daily_users": float(k["daily_users"]), "teleworkers": teleworkers,
            "demand_served_pct": float(k["demand_served_pct"]),
            "km_avoided_per_year": float(k["km_avoided_per_year"]),
            "co2_avoided_t_per_year": float(k["co2_avoided_t_per_year"]),
            "hours_saved_per_year": float(k["hours_saved_per_year"]),
            "hours_saved_per_teleworker_per_year": (float(k["hours_saved_per_year"]) / teleworkers
                                                    if teleworkers else float("nan")),
            "mean_distance_to_site_km": float(k["mean_distance_to_site_km"]),
            "mip_gap": float(k["mip_gap"]), "status": k["status"],
            "solve_time_s": float(k["solve_time_s"])}


def compare_networks(inputs: TelecentreInputs, variants: dict[str, Scenario]
                     ) -> tuple[pd.DataFrame, dict[str, ScenarioResult]]:
    """Solve each named scenario; (the :data:`NETWORK_COLUMNS` frame, the results).

    Parameters
    ----------
    inputs : TelecentreInputs
        The region's inputs.
    variants : dict of str to Scenario
        Network name -> scenario.

    Returns
    -------
    (DataFrame, dict of str to ScenarioResult)
        One row per network (:func:`network_row`), and the solved scenarios by name.
    """
    results, rows = {}, []
    for name, scenario in variants.items():
        results[name] = run_scenario(inputs, scenario)
        rows.append(network_row(name, results[name], inputs.candidates(scenario)))
    return pd.DataFrame(rows, columns=NETWORK_COLUMNS), results


def gpe_comparison(inputs: TelecentreInputs, scenario: Scenario = DEFAULT,
                   return_results: bool = False):
    """The scenario on today's stations ("stations_2025") and on today's stations plus the
    Grand Paris Express stations ("stations_2025_plus_gpe"; planned stations pass the same
    fibre rule; the line 14 stations open already are today's stations): demand served, km,
    CO2, hours (total and per teleworker served). With ``return_results`` also the solved
    scenarios (for maps).

    Parameters
    ----------
    inputs : TelecentreInputs
        The region's inputs.
    scenario : Scenario
        The scenario (its ``include_gpe`` is set per network).
    return_results : bool
        Also return the solved scenarios.

    Returns
    -------
    DataFrame or (DataFrame, dict of str to ScenarioResult)
        Two rows of :data:`NETWORK_COLUMNS` (see :func:`network_row`), ``attrs["source"]`` the
        GPE source; with ``return_results`` also the results by network name.
    """
    table, results = compare_networks(inputs, {
        "stations_2025": scenario.but(include_gpe=False),
        "stations_2025_plus_gpe": scenario.but(include_gpe=True)})
    table.attrs["source"] = GPE_SOURCE
    return (table, results) if return_results else table


def existing_comparison(inputs: TelecentreInputs, scenario: Scenario = DEFAULT) -> pd.DataFrame:
    """p new sites from scratch ("new_sites_only") and p new sites given the imported
    existing sites ("existing_plus_new"; they are pre-sited).

    Parameters
    ----------
    inputs : TelecentreInputs
        The region's inputs.
    scenario : Scenario
        The scenario (its ``with_existing`` is set per network).

    Returns
    -------
    DataFrame
        Two rows of :data:`NETWORK_COLUMNS` (see :func:`network_row`).
    """
    table, _ = compare_networks(inputs, {
        "new_sites_only": scenario.but(with_existing=False),
        "existing_plus_new": scenario.but(with_existing=True)})
    return table
