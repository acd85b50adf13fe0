"""Employer pooling: a job hub's staff who live far away, grouped by origin around a shared
site (:func:`employer_hub` builds the clusters), as a
downloadable table (:func:`pooling_table`), and the seed's example, "two firms with 25 staff
from Melun", with the real figures of the 2014 census flows (:func:`origin_case`).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from smartidf_analysis.commuting.selections import employer_pool
from smartidf_analysis.siting import SitingSettingsError
from smartidf_analysis.telecentres.demand import COMMUTING_MODES, DEFAULT, Scenario
from smartidf_analysis.telecentres.sites import TelecentreInputs

#: The communes of the La Défense business district (jobs of the whole communes count).
LA_DEFENSE = ("92026", "92062")
MELUN = "77288"
POOLING_COLUMNS = ["cluster", "station_name", "commune_code", "lines", "origins", "origin_codes",
                   "teleworkers", "daily_users", "seats", "share_of_hub", "mean_distance_km",
                   "site_id", "lon", "lat"]


def employer_hub(inputs: TelecentreInputs, destinations: Iterable[str] = LA_DEFENSE,
                 min_workers: float = 50.0, scenario: Scenario = DEFAULT):
    """Origin clusters of a job hub's potential telecentre users and the best site for each.

    Head-count = the hub's employees living in IDF who would use a telecentre under
    ``scenario`` (commute ≥ threshold, teleworkable share, telecentre share). Origins are
    ranked with :func:`~smartidf_analysis.commuting.selections.employer_pool`. Clusters are built
    greedily: the candidate site whose catchment (``radius_km``) holds the most not yet
    clustered head-count opens a cluster with those origins; this repeats while a cluster
    reaches ``min_workers``.

    Parameters
    ----------
    inputs : TelecentreInputs
        The region's inputs.
    destinations : iterable of str
        Commune codes of the hub.
    min_workers : float
        Minimum head-count of a cluster [persons].
    scenario : Scenario
        Demand parameters and ``radius_km`` [km].

    Returns
    -------
    (DataFrame, DataFrame)
        Clusters with ``cluster``, the site (``site_id``, ``station_name``, ``commune_code``,
        ``lines``, ``lon``, ``lat``), ``origins``, ``origin_codes``, ``teleworkers``
        [persons], ``daily_users`` [persons/day], ``seats``, ``share_of_hub`` [0-1],
        ``mean_distance_km`` (home→site) [km], ``attrs`` hub, hub_teleworkers, min_workers;
        origins (:func:`~smartidf_analysis.commuting.selections.employer_pool`) with their
        ``teleworkers`` and ``cluster`` (NaN if in none).

    Raises
    ------
    smartidf_analysis.siting.SitingSettingsError
        When no candidate station passes the filters.
    """
    _, eligible = inputs.demand(scenario)
    pool_flows = eligible.drop(columns="workers").rename(columns={"teleworkers": "workers"})
    origins = employer_pool(pool_flows, destinations, min_workers=0.0, communes=inputs.communes)
    hub_total = float(origins.attrs.get("hub_workers", origins["workers"].sum()))
    homes = inputs.homes
    pos = pd.Series(np.arange(len(homes)), index=homes.index)
    origins = origins[origins["home_code"].isin(pos.index)].reset_index(drop=True)
    candidates = inputs.candidates(scenario)
    index = np.flatnonzero(candidates["candidate"].to_numpy())
    if len(index) == 0:
        raise SitingSettingsError("no candidate station passes the filters (modes, fibre)",
                                  "no_candidates")
    cost = inputs.site_distances(candidates)[pos[origins["home_code"]].to_numpy()][:, index]
    within = cost <= scenario.radius_km
    residual = origins["workers"].to_numpy(float).copy()
    cluster = np.full(len(origins), np.nan)
    rows = []
    while True:
        gains = residual @ within
        j = int(np.argmax(gains)) if len(gains) else 0
        if not len(gains) or gains[j] < min_workers or gains[j] <= 0:
            break
        members = within[:, j] & (residual > 0)
        k = len(rows) + 1
        cluster[members] = k
        site = candidates.iloc[index[j]]
        w = residual[members]
        rows.append({"cluster": k, "site_id": site["site_id"], "station_name": site["station_name"],
                     "commune_code": site["commune_code"], "lines": site["lines"],
                     "lon": site["lon"], "lat": site["lat"], "origins": int(members.sum()),
                     "origin_codes": ", ".join(origins.loc[members, "home_code"]),
                     "teleworkers": float(w.sum()),
                     "daily_users": float(w.sum() * scenario.days_per_week / 5.0),
                     "seats": float(w.sum() * scenario.days_per_week / 5.0 / scenario.occupancy),
                     "share_of_hub": float(w.sum() / hub_total) if hub_total else np.nan,
                     "mean_distance_km": float(w @ cost[members, j] / w.sum())})
        residual[members] = 0.0
    origins = origins.assign(cluster=cluster).rename(columns={"workers": "teleworkers"})
    clusters = pd.DataFrame(rows, columns=[
        "cluster", "site_id", "station_name", "commune_code", "lines", "lon", "lat", "origins",
        "origin_codes", "teleworkers", "daily_users", "seats", "share_of_hub",
        "mean_distance_km"])
    clusters.attrs.update(hub=list(destinations), hub_teleworkers=hub_total,
                          min_workers=min_workers)
    return clusters, origins


def pooling_table(inputs: TelecentreInputs, hub: Iterable[str] = LA_DEFENSE,
                  min_headcount: float = 50.0, scenario: Scenario = DEFAULT) -> pd.DataFrame:
    """Origin clusters of the ``hub``'s potential telecentre users with at least
    ``min_headcount`` each and the suggested shared site (columns :data:`POOLING_COLUMNS`;
    ``attrs``: hub, hub_teleworkers, min_workers).

    Parameters
    ----------
    inputs : TelecentreInputs
        The region's inputs.
    hub : iterable of str
        Commune codes of the job hub (default La Défense).
    min_headcount : float
        Minimum telecentre users of a cluster [persons].
    scenario : Scenario
        The demand parameters.

    Returns
    -------
    DataFrame
        One row per cluster, :data:`POOLING_COLUMNS` (``teleworkers`` [persons],
        ``daily_users`` [persons/day], ``seats`` [workstations], ``share_of_hub`` [0-1],
        ``mean_distance_km`` [km], ``lon``, ``lat`` [deg] of the site).
    """
    clusters, _ = employer_hub(inputs, tuple(hub), min_headcount, scenario)
    out = clusters[POOLING_COLUMNS].copy()
    out.attrs.update(clusters.attrs)
    return out


def origin_case(inputs: TelecentreInputs, origin: str = MELUN, hub: Iterable[str] = LA_DEFENSE,
                firms: int = 2, staff_per_firm: int = 25, scenario: Scenario = DEFAULT,
                min_headcount: float = 10.0) -> pd.Series:
    """The seed's case with the real figures: the hub's workers living in ``origin`` (census
    flows, every mode), those commuting by a commuting mode over the threshold, the
    teleworkable ones and the telecentre users of the demand model, the cluster holding the
    origin and its site, and the seats ``firms`` × ``staff_per_firm`` staff would need at
    ``days_per_week`` days a week (÷ occupancy).

    Parameters
    ----------
    inputs : TelecentreInputs
        The region's inputs.
    origin : str
        Commune code of the staff's home (default Melun).
    hub : iterable of str
        Commune codes of the job hub (default La Défense).
    firms, staff_per_firm : int
        Number of firms and staff per firm.
    scenario : Scenario
        The demand parameters (threshold, days per week, occupancy).
    min_headcount : float
        Minimum telecentre users of a cluster [persons].

    Returns
    -------
    Series
        ``origin_code``, ``origin_name``, ``hub``, ``hub_workers_from_origin``,
        ``long_commuters``, ``teleworkable``, ``telecentre_users`` [persons], ``cluster``,
        ``cluster_site``, ``cluster_site_commune``, ``cluster_origins``,
        ``cluster_teleworkers`` [persons], ``firms``, ``staff_per_firm``, ``staff``,
        ``seats_for_staff`` [workstations], ``days_per_week`` [days], ``occupancy`` [0-1].
    """
    hub = tuple(hub)
    f = inputs.flows
    at_hub = f[(f["home_code"] == origin) & f["work_code"].isin(hub)]
    long_ = at_hub[at_hub["mode"].isin(COMMUTING_MODES)
                   & (at_hub["distance_km"] >= scenario.distance_threshold_km)]
    _, eligible = inputs.demand(scenario)
    el = eligible[(eligible["home_code"] == origin) & eligible["work_code"].isin(hub)]
    clusters, origins = employer_hub(inputs, hub, min_headcount, scenario)
    row = origins.loc[origins["home_code"] == origin]
    k = row["cluster"].iloc[0] if len(row) else np.nan
    cluster = clusters.loc[clusters["cluster"] == k].iloc[0] if pd.notna(k) else None
    staff = firms * staff_per_firm
    names = inputs.communes.drop_duplicates("commune_code").set_index("commune_code")
    return pd.Series({
        "origin_code": origin, "origin_name": names["commune_name"].get(origin, origin),
        "hub": "+".join(hub), "hub_workers_from_origin": float(at_hub["workers"].sum()),
        "long_commuters": float(long_["workers"].sum()),
        "teleworkable": float((el["workers"] * el["teleworkable_share"]).sum()),
        "telecentre_users": float(el["teleworkers"].sum()),
        "cluster": k, "cluster_site": cluster["station_name"] if cluster is not None else "",
        "cluster_site_commune": cluster["commune_code"] if cluster is not None else "",
        "cluster_origins": int(cluster["origins"]) if cluster is not None else 0,
        "cluster_teleworkers": float(cluster["teleworkers"]) if cluster is not None else 0.0,
        "firms": firms, "staff_per_firm": staff_per_firm, "staff": staff,
        "seats_for_staff": staff * scenario.days_per_week / 5.0 / scenario.occupancy,
        "days_per_week": scenario.days_per_week, "occupancy": scenario.occupancy})
