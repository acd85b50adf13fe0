"""Telecentres (tiers-lieux near home): telework demand from commuting flows, candidate
sites at stations, siting, savings and scenarios.

Demand model (per home commune h; flows F[h, w, mode, csp] of INSEE RP 2014 MOBPRO)::

    teleworkers_h = Σ_{w, mode ≠ DOMICILE, csp : d_hw ≥ D}  F[h, w, mode, csp]
                    × min(1, k · t_csp) × s                      [persons]
    daily_users_h = teleworkers_h × n / 5                         [persons per working day]
    seats_h       = daily_users_h / o                             [workstations]

with ``D`` the distance threshold (:data:`DISTANCE_THRESHOLD_KM`), ``t_csp`` the teleworkable
share of the socio-professional group (:data:`TELEWORKABLE_SHARE`) scaled by ``k``
(``teleworkable_factor``, 1 = the cited shares), ``s`` the share of those teleworkers who would
work from a telecentre rather than from home (:data:`TELECENTRE_SHARE`), ``n`` telework days
per week spent there (:data:`DAYS_PER_WEEK`) and ``o`` the seat occupancy
(:data:`OCCUPANCY`). ``d_hw`` is the crow-fly distance between commune centroids
(:func:`smartidf_analysis.commuting.io.flows_with_distance`).

Vintages differ and the seams stay visible: flows are 2014 (remapped to the current COG; the
2014 codes with no current code have no centroid, so their workers have no distance and are
counted in :func:`data_seams`, not dropped silently), stations are the 2025 network, fibre
coverage is ARCEP 2018Q1 (far below today's: a 2018 threshold is a conservative filter).

The parameters (their defaults and sources, :class:`Scenario`, :func:`parameters_table`) are
in :mod:`smartidf_analysis.telecentres.parameters` (importable from here). Candidate sites at
stations are in :mod:`smartidf_analysis.telecentres.candidates`, the inputs bundle
(:class:`~smartidf_analysis.telecentres.sites.TelecentreInputs`) in
:mod:`smartidf_analysis.telecentres.sites`, siting in
:mod:`smartidf_analysis.telecentres.scenarios`, savings in
:mod:`smartidf_analysis.telecentres.savings`, the observed weekday signal in
:mod:`smartidf_analysis.telecentres.signal`, the solvers in :mod:`smartidf_analysis.siting`, the
database reads in :mod:`smartidf_analysis.telecentres.io`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis import commuting as cm
from smartidf_analysis.telecentres.parameters import (  # noqa: F401 - moved there, re-exported
    CANDIDATE_MODES,
    COMMUTING_MODES,
    DAYS_PER_WEEK,
    DEFAULT,
    DISTANCE_THRESHOLD_KM,
    FIBRE_THRESHOLD,
    N_SITES,
    OCCUPANCY,
    PARAMETER_SOURCES,
    RADIUS_KM,
    STATION_MODES,
    TELECENTRE_SHARE,
    TELEWORKABLE_SHARE,
    Scenario,
    check_demand_parameters,
    parameters_table,
)

SOURCES = {
    "commuting": cm.SOURCE + " (" + cm.VINTAGE + ")",
    "stations": "Île-de-France Mobilités, emplacement des gares IDF (réseau 2025)",
    "fibre": "ARCEP, déploiement FttH par commune, 2018T1",
    "validations": "Île-de-France Mobilités, validations sur le réseau ferré par jour, "
                   "2024-07-01 – 2025-06-30",
}
TABLES = ["commuting_flows", "stations", "station_validations", "fibre_deployment", "communes"]


# ------------------------------------------------------------------------------ demand
def lookup(keys: pd.Series, values: pd.Series, fill: float = np.nan) -> np.ndarray:
    """``values[key]`` for each key as floats (``fill`` when absent); fast on categoricals.

    Parameters
    ----------
    keys : Series
        Keys to look up (categorical or not).
    values : Series
        Numbers indexed by key.
    fill : float
        Value of an absent key.

    Returns
    -------
    ndarray
        One float per key.
    """
    if isinstance(keys.dtype, pd.CategoricalDtype):
        table = values.reindex(keys.cat.categories).to_numpy(float)
        codes = keys.cat.codes.to_numpy()
        out = np.where(codes >= 0, table[np.maximum(codes, 0)] if len(table) else np.nan, np.nan)
    else:
        out = values.reindex(keys.to_numpy()).to_numpy(float)
    return np.where(np.isnan(out), fill, out)


def eligible_flows(flows: pd.DataFrame, scenario: Scenario = DEFAULT) -> pd.DataFrame:
    """The flows that feed telecentre demand, with ``teleworkers`` [persons] and
    ``daily_users`` [persons/day] per (home, work, mode, csp) row (module formula).

    Parameters
    ----------
    flows : DataFrame
        ``home_code``, ``work_code``, ``mode``, ``csp``, ``workers`` [persons],
        ``distance_km`` [km]; rows with an unknown distance are left out here (see
        :func:`~smartidf_analysis.telecentres.sites.data_seams`).
    scenario : Scenario
        The demand parameters.

    Returns
    -------
    DataFrame
        The rows with ``teleworkers > 0``: the six input columns plus ``teleworkable_share``
        [0-1], ``teleworkers`` [persons] and ``daily_users`` [persons/day].

    Raises
    ------
    ValueError
        On parameters outside their meaning (:func:`check_demand_parameters`).
    """
    check_demand_parameters(scenario)
    s = scenario
    keep = (flows["distance_km"] >= s.distance_threshold_km) & flows["mode"].isin(COMMUTING_MODES)
    out = flows.loc[keep, ["home_code", "work_code", "mode", "csp", "workers",
                           "distance_km"]].copy()
    share = lookup(out["csp"], pd.Series(s.shares()), 0.0)
    out["teleworkable_share"] = np.clip(share * s.teleworkable_factor, 0.0, 1.0)
    out["teleworkers"] = out["workers"] * out["teleworkable_share"] * s.telecentre_share
    out["daily_users"] = out["teleworkers"] * s.days_per_week / 5.0
    return out[out["teleworkers"] > 0].reset_index(drop=True)


def demand_by_commune(flows: pd.DataFrame, scenario: Scenario = DEFAULT,
                      communes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Telecentre demand per home commune (module formula).

    Columns: ``home_code``, [``commune_name``, ``department_code``], ``resident_workers``
    (every mode, known distance or not), ``long_commuters`` (d ≥ threshold, commuting modes),
    ``teleworkable`` [persons], ``teleworkers`` (telecentre users) [persons],
    ``daily_users`` [persons/day], ``seats``, ``mean_distance_km`` (of the long commuters,
    workers-weighted) and ``users_per_1000_workers``. Sorted by home_code.

    Parameters
    ----------
    flows : DataFrame
        As for :func:`eligible_flows`.
    scenario : Scenario
        The demand parameters.
    communes : DataFrame, optional
        ``commune_code``, ``commune_name``, ``department_code``: adds the names (a code not in
        the current COG is named "<code> (not in current COG)").

    Returns
    -------
    DataFrame
        One row per home commune, the columns above; ``seats`` [workstations],
        ``mean_distance_km`` [km], ``users_per_1000_workers`` [daily users per 1,000 resident
        workers].

    Raises
    ------
    ValueError
        On parameters outside their meaning (:func:`check_demand_parameters`).
    """
    check_demand_parameters(scenario)
    s = scenario
    resident = flows.groupby("home_code", observed=True)["workers"].sum()
    long_ = flows[(flows["distance_km"] >= s.distance_threshold_km)
                  & flows["mode"].isin(COMMUTING_MODES)]
    share = np.clip(lookup(long_["csp"], pd.Series(s.shares()), 0.0) * s.teleworkable_factor,
                    0.0, 1.0)
    parts = pd.DataFrame({
        "home_code": long_["home_code"], "long_commuters": long_["workers"],
        "teleworkable": long_["workers"] * share,
        "_wd": long_["workers"] * long_["distance_km"]})
    g = parts.groupby("home_code", observed=True).sum()
    table = pd.DataFrame({"resident_workers": resident}).join(g, how="left").fillna(0.0)
    table.index = table.index.astype(str)
    table["teleworkers"] = table["teleworkable"] * s.telecentre_share
    table["daily_users"] = table["teleworkers"] * s.days_per_week / 5.0
    table["seats"] = table["daily_users"] / s.occupancy
    with np.errstate(invalid="ignore", divide="ignore"):
        table["mean_distance_km"] = np.where(table["long_commuters"] > 0,
                                             table["_wd"] / table["long_commuters"], np.nan)
        table["users_per_1000_workers"] = 1000 * table["daily_users"] / table["resident_workers"]
    table = table.drop(columns="_wd").rename_axis("home_code").reset_index()
    if communes is not None:
        names = communes.drop_duplicates("commune_code").set_index("commune_code")
        table.insert(1, "commune_name", table["home_code"].map(names["commune_name"]))
        table.insert(2, "department_code", table["home_code"].map(names["department_code"]))
        unknown = table["commune_name"].isna()
        table.loc[unknown, "commune_name"] = table.loc[unknown, "home_code"] + " (not in current COG)"
        table.loc[unknown, "department_code"] = table.loc[unknown, "home_code"].str[:2]
    return table.sort_values("home_code", ignore_index=True)


def demand_totals(demand: pd.DataFrame) -> pd.Series:
    """Regional totals of a :func:`demand_by_commune` table.

    Parameters
    ----------
    demand : DataFrame
        From :func:`demand_by_commune`.

    Returns
    -------
    Series
        Sums of ``resident_workers``, ``long_commuters``, ``teleworkable``, ``teleworkers``
        [persons], ``daily_users`` [persons/day] and ``seats`` [workstations].
    """
    cols = ["resident_workers", "long_commuters", "teleworkable", "teleworkers", "daily_users",
            "seats"]
    return demand[cols].sum()
