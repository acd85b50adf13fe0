"""Telework and telecentre figures of every territory of a level, its nearest sites and
the employers' pooling opportunities leaving from it.

All from :mod:`smartidf_analysis.telecentres`, computed once per build on the proposed
network of the "Mon télécentre" finder (:func:`~smartidf_analysis.telecentres.finder.site_sets`
and :func:`~smartidf_analysis.telecentres.finder.proposal_scenario`: the default scenario's
200 sites, greedy MCLP, given the imported existing sites):

* demand: :func:`~smartidf_analysis.telecentres.demand.demand_by_commune` (users per day);
* savings of its commuters served by that network:
  :func:`~smartidf_analysis.telecentres.scenarios.savings_by_mode` on the territory's
  eligible flows (km, hours, CO₂ per year, ÷
  :data:`~smartidf_analysis.telecentres.scenarios.WORKING_WEEKS` per week);
* nearest sites: :func:`~smartidf_analysis.telecentres.sites.home_to_site_km` from each of
  its communes (crow-fly, at least the mean distance inside the commune) [km];
* pooling: :func:`~smartidf_analysis.telecentres.scenarios.employer_hub` for the main job
  hubs (La Défense and the :data:`POOL_HUBS` work communes with most telecentre users), the
  groups of at least :data:`POOL_MIN` users around one site; a territory's opportunities
  are the groups holding its communes.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis.reporting.territory import registry
from smartidf_analysis.reporting.territory.inputs import TerritoryInputs, load_inputs
from smartidf_analysis.reporting.territory.keys import cached, sum_by, territory_keys
from smartidf_analysis.telecentres import finder, scenarios
from smartidf_analysis.telecentres.sites import home_to_site_km
from smartidf_analysis.telecentres.travel import TRAVEL_BANDS

#: work communes (besides La Défense) whose employers' pooling groups are computed
POOL_HUBS = 10
#: fewest telecentre users in a pooling group [persons] (employer_hub's default)
POOL_MIN = 50.0
#: homes per call of savings_by_mode (its per-mode loop runs over home x mode keys)
CHUNK = 64
SITE_COLUMNS = ["kind", "rank", "station_name", "commune_code", "lines", "distance_km"]
POOL_COLUMNS = ["hub", "hub_name", "station_name", "site_commune_code", "teleworkers",
                "origins_here", "group_teleworkers", "group_origins", "group_seats"]


def network(inputs: TerritoryInputs) -> dict:
    """The finder's existing and proposed sites, its scenario, the solved scenario and the
    eligible flows (computed once per build).

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs; ``inputs.telecentres`` must not be None.

    Returns
    -------
    dict
        ``"existing"`` and ``"proposed"`` (site frames of
        :func:`~smartidf_analysis.telecentres.finder.site_sets`), ``"scenario"``
        (:func:`~smartidf_analysis.telecentres.finder.proposal_scenario`), ``"result"``
        (:func:`~smartidf_analysis.telecentres.scenarios.run_scenario`, None when the
        scenario has no site) and ``"eligible"`` (the scenario's eligible flows).
    """
    def compute():
        tc = inputs.telecentres
        existing, proposed = finder.site_sets(tc)
        scenario = finder.proposal_scenario(tc)
        result = scenarios.run_scenario(tc, scenario) if scenario.n_sites >= 1 else None
        return {"existing": existing, "proposed": proposed, "scenario": scenario,
                "result": result, "eligible": tc.demand(scenario)[1]}
    return cached(inputs, "telecentre_network", compute)


def home_savings(inputs: TerritoryInputs) -> pd.DataFrame:
    """Per home commune (arrondissements for Paris): ``teleworkers`` served,
    ``km_avoided_per_year``, ``co2_avoided_t_per_year``, ``hours_saved_per_year`` of
    :func:`~smartidf_analysis.telecentres.scenarios.savings_by_mode`, called with (home,
    mode) keys as its modes (each key carries its mode's emission factor and travel bands):
    the same formula, split by home.

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs; ``inputs.telecentres`` must not be None.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``home_code``: ``teleworkers`` [persons], ``km_avoided_per_year`` [km/yr],
        ``co2_avoided_t_per_year`` [t CO2e/yr], ``hours_saved_per_year`` [h/yr]; empty when
        the network has no site.
    """
    def compute():
        net = network(inputs)
        if net["result"] is None:
            return pd.DataFrame(columns=["teleworkers", "km_avoided_per_year",
                                         "co2_avoided_t_per_year", "hours_saved_per_year"])
        el = net["eligible"]
        homes = el["home_code"].astype(str).to_numpy()
        modes = el["mode"].astype(str).to_numpy()
        group = pd.factorize(homes, sort=True)[0] // CHUNK
        parts = []
        for i in range(group.max() + 1 if len(group) else 0):
            chunk = group == i
            keys = pd.Series(homes[chunk]) + "|" + modes[chunk]
            factors = {k: scenarios.EMISSION_FACTORS_KG_PER_KM[k.split("|")[1]]
                       for k in keys.unique()}
            bands = {k: TRAVEL_BANDS[k.split("|")[1]] for k in factors}
            table = scenarios.savings_by_mode(el[chunk].assign(mode=keys.to_numpy()),
                                              net["result"].allocation, net["scenario"],
                                              factors=factors, bands=bands)
            parts.append(table[table["mode"] != "total"])
        out = pd.concat(parts, ignore_index=True)
        out["home_code"] = out["mode"].str.split("|").str[0]
        return out.drop(columns="mode").groupby("home_code").sum()
    return cached(inputs, "telecentre_home_savings", compute)


def _distances(inputs: TerritoryInputs, kind: str) -> tuple[pd.DataFrame, np.ndarray]:
    """(communes, communes × sites distances [km]) for ``kind`` existing | proposed."""
    def compute():
        sites = network(inputs)[kind]
        com = registry.commune_rows(inputs.communes)
        com = com[com["centroid_x_l93"].notna()].reset_index(drop=True)
        if sites.empty:
            return com, np.empty((len(com), 0))
        return com, home_to_site_km(com, sites)
    return cached(inputs, ("telecentre_distances", kind), compute)


def pooling_groups(inputs: TerritoryInputs) -> pd.DataFrame:
    """Origins of the main job hubs' potential telecentre users, each with its pooling group
    (:func:`~smartidf_analysis.telecentres.scenarios.employer_hub`, groups of at least
    :data:`POOL_MIN`): ``hub``, ``hub_name``, ``home_code``, ``teleworkers`` and the group's
    site and totals (computed once per build).

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs; ``inputs.telecentres`` must not be None.

    Returns
    -------
    pandas.DataFrame
        One row per hub and origin commune in a group: ``hub`` (work commune code, or the
        La Défense codes joined by "+"), ``hub_name``, ``home_code``, ``teleworkers``
        [persons], ``cluster`` (group id), ``station_name`` and ``site_commune_code`` (the
        group's site), ``group_teleworkers`` [persons], ``group_origins`` [communes],
        ``group_seats`` [seats].
    """
    def compute():
        net, tc = network(inputs), inputs.telecentres
        el = net["eligible"]
        known = set(tc.communes["commune_code"])
        names = tc.communes.drop_duplicates("commune_code").set_index("commune_code")["commune_name"]
        hubs = {}
        if known.issuperset(scenarios.LA_DEFENSE):
            hubs["+".join(scenarios.LA_DEFENSE)] = (scenarios.LA_DEFENSE, "La Défense ("
                                                    + ", ".join(names[c] for c in scenarios.LA_DEFENSE) + ")")
        users = el.groupby(el["work_code"].astype(str))["teleworkers"].sum().sort_values(ascending=False)
        for code in [c for c in users.index if c not in scenarios.LA_DEFENSE][:POOL_HUBS]:
            hubs[code] = ((code,), names.get(code, code))
        rows = []
        for key, (codes, name) in hubs.items():
            groups, origins = scenarios.employer_hub(tc, codes, POOL_MIN, net["scenario"])
            origins = origins[origins["cluster"].notna()]
            g = groups.set_index("cluster")
            rows.append(pd.DataFrame({
                "hub": key, "hub_name": name, "home_code": origins["home_code"].astype(str),
                "teleworkers": origins["teleworkers"].to_numpy(float),
                "cluster": origins["cluster"].to_numpy(),
                "station_name": origins["cluster"].map(g["station_name"]).to_numpy(),
                "site_commune_code": origins["cluster"].map(g["commune_code"]).to_numpy(),
                "group_teleworkers": origins["cluster"].map(g["teleworkers"]).to_numpy(),
                "group_origins": origins["cluster"].map(g["origins"]).to_numpy(),
                "group_seats": origins["cluster"].map(g["seats"]).to_numpy()}))
        return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(
            columns=["hub", "hub_name", "home_code", "teleworkers", "cluster", *POOL_COLUMNS[2:]])
    return cached(inputs, "telecentre_pooling", compute)


def level_telework(inputs: TerritoryInputs, level: str) -> pd.DataFrame:
    """Telework figures per territory of ``level`` (index: territory code), with the names
    of the nearest sites (``_proposed``, ``_existing``) for the labels.

    Parameters
    ----------
    inputs : TerritoryInputs
        The profile's inputs; ``inputs.telecentres`` and ``inputs.demand`` must not be None.
    level : str
        One of :data:`~smartidf_analysis.reporting.territory.registry.LEVELS`.

    Returns
    -------
    pandas.DataFrame
        Indexed by territory code: ``telecentre_daily_users`` [users/day], ``_workers``
        [resident workers], ``telecentre_users_per_1000`` [users per 1,000 resident workers],
        ``weekly_km_saved`` [km/week], ``weekly_hours_saved`` [h/week], ``weekly_co2_saved``
        [kg CO2e/week], ``proposed_sites_inside`` [sites], ``pooling_teleworkers`` [persons],
        ``nearest_proposed_km`` and ``nearest_existing_km`` [km], ``_proposed`` and
        ``_existing`` (the nearest sites' names and communes).
    """
    d = inputs.demand
    sums = sum_by(territory_keys(inputs, d["home_code"], level), {
        "telecentre_daily_users": d["daily_users"], "_workers": d["resident_workers"]})
    sums["telecentre_users_per_1000"] = 1000 * sums["telecentre_daily_users"] / sums["_workers"]
    s = home_savings(inputs)
    weeks = scenarios.WORKING_WEEKS
    sums = sums.join(sum_by(territory_keys(inputs, s.index, level), {
        "weekly_km_saved": s["km_avoided_per_year"] / weeks,
        "weekly_hours_saved": s["hours_saved_per_year"] / weeks,
        "weekly_co2_saved": 1000 * s["co2_avoided_t_per_year"] / weeks}), how="left")
    proposed = network(inputs)["proposed"]
    inside = sum_by(territory_keys(inputs, proposed["commune_code"].astype(str), level),
                    {"proposed_sites_inside": np.ones(len(proposed))})
    sums = sums.join(inside, how="left")
    sums["proposed_sites_inside"] = sums["proposed_sites_inside"].fillna(0.0)
    pool = pooling_groups(inputs)
    sums = sums.join(sum_by(territory_keys(inputs, pool["home_code"], level),
                            {"pooling_teleworkers": pool["teleworkers"]}), how="left")
    sums["pooling_teleworkers"] = sums["pooling_teleworkers"].fillna(0.0)
    for kind in ("proposed", "existing"):
        sums = sums.join(_nearest(inputs, level, kind), how="left")
    return sums


def _nearest(inputs: TerritoryInputs, level: str, kind: str) -> pd.DataFrame:
    """Distance [km] to the nearest ``kind`` site from any commune of each territory, and
    that site's name."""
    com, dist = _distances(inputs, kind)
    if dist.shape[1] == 0:
        return pd.DataFrame(columns=[f"nearest_{kind}_km", f"_{kind}"], dtype=object)
    sites = network(inputs)[kind]
    frame = pd.DataFrame({"key": territory_keys(inputs, com["commune_code"], level),
                          "d": dist.min(axis=1), "site": dist.argmin(axis=1)})
    best = frame.sort_values(["key", "d"]).drop_duplicates("key").set_index("key")
    label = sites["station_name"].astype(str) + " (" + sites["commune_code"].astype(str) + ")"
    return pd.DataFrame({f"nearest_{kind}_km": best["d"],
                         f"_{kind}": label.to_numpy()[best["site"].to_numpy()]})


def nearest_sites(code: str, level: str | None = None, k: int = 3,
                  inputs: TerritoryInputs | None = None) -> pd.DataFrame:
    """The ``k`` nearest existing and proposed telecentre sites of a territory
    (:data:`~.theme_telework.SITE_COLUMNS`; ``distance_km`` crow-fly from the nearest of its communes [km]).
    Empty when the telecentre datasets are missing.

    Parameters
    ----------
    code : str
        The territory's code.
    level : str, optional
        Its level; ``None`` to find it at any level.
    k : int, default 3
        Sites of each kind.
    inputs : TerritoryInputs, optional
        The profile's inputs; default: the current build's (:func:`~.inputs.load_inputs`).

    Returns
    -------
    pandas.DataFrame
        :data:`SITE_COLUMNS`: ``kind`` (``"existing"`` then ``"proposed"``), ``rank`` (1 =
        nearest), ``station_name``, ``commune_code``, ``lines``, ``distance_km`` [km].

    Raises
    ------
    TerritoryNotFound
        If no territory has that code (at that level).
    ValueError
        If ``level`` is unknown.
    """
    inputs = inputs or load_inputs()
    t = registry.resolve(inputs.table, code, level)
    if "telework" in inputs.missing:
        return pd.DataFrame(columns=SITE_COLUMNS)
    frames = []
    for kind in ("existing", "proposed"):
        com, dist = _distances(inputs, kind)
        keys = cached(inputs, ("site_keys", kind, t["level"]),
                      lambda c=com: territory_keys(inputs, c["commune_code"], t["level"]))
        mine = keys == t["code"]
        if dist.shape[1] == 0 or not mine.any():
            continue
        d = dist[mine].min(axis=0)
        order = np.argsort(d, kind="stable")[:k]
        sites = network(inputs)[kind].iloc[order]
        frames.append(pd.DataFrame({
            "kind": kind, "rank": np.arange(1, len(order) + 1),
            "station_name": sites["station_name"].to_numpy(),
            "commune_code": sites["commune_code"].to_numpy(), "lines": sites["lines"].to_numpy(),
            "distance_km": d[order]}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SITE_COLUMNS)


def pooling_opportunities(code: str, level: str | None = None,
                          inputs: TerritoryInputs | None = None) -> pd.DataFrame:
    """The pooling groups holding the territory's communes, per job hub (:data:`POOL_COLUMNS`):
    the hub, the group's site, the territory's ``teleworkers`` in it and ``origins_here``
    (its communes in the group), the group's totals (teleworkers, origin communes, seats).
    Largest first; empty when the telecentre datasets are missing.

    Parameters
    ----------
    code : str
        The territory's code.
    level : str, optional
        Its level; ``None`` to find it at any level.
    inputs : TerritoryInputs, optional
        The profile's inputs; default: the current build's (:func:`~.inputs.load_inputs`).

    Returns
    -------
    pandas.DataFrame
        :data:`POOL_COLUMNS`: ``hub``, ``hub_name``, ``station_name``,
        ``site_commune_code``, ``teleworkers`` [persons], ``origins_here`` [communes],
        ``group_teleworkers`` [persons], ``group_origins`` [communes], ``group_seats``
        [seats]; most teleworkers first.

    Raises
    ------
    TerritoryNotFound
        If no territory has that code (at that level).
    ValueError
        If ``level`` is unknown.
    """
    inputs = inputs or load_inputs()
    t = registry.resolve(inputs.table, code, level)
    if "telework" in inputs.missing:
        return pd.DataFrame(columns=POOL_COLUMNS)
    pool = pooling_groups(inputs)
    keys = cached(inputs, ("pool_keys", t["level"]),
                  lambda: territory_keys(inputs, pool["home_code"], t["level"]))
    mine = pool[keys == t["code"]]
    if mine.empty:
        return pd.DataFrame(columns=POOL_COLUMNS)
    keys = ["hub", "hub_name", "cluster", "station_name", "site_commune_code", "group_teleworkers",
            "group_origins", "group_seats"]
    out = mine.groupby(keys, as_index=False, dropna=False).agg(
        teleworkers=("teleworkers", "sum"), origins_here=("home_code", "nunique"))
    out = out.sort_values(["teleworkers", "hub"], ascending=[False, True])
    return out[POOL_COLUMNS].reset_index(drop=True)
