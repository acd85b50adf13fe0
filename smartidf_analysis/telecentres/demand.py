"""Telecentres (tiers-lieux near home): telework demand from commuting flows, candidate
sites at stations, siting, savings and scenarios.

Over 400 lines: the demand model and the numpydoc sections of the 17 parameters of
:class:`Scenario` and of the public functions; the code itself is under 300 lines.

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

Candidate sites at stations and the inputs bundle
(:class:`~smartidf_analysis.telecentres.sites.TelecentreInputs`) are in
:mod:`smartidf_analysis.telecentres.sites`, siting and savings in
:mod:`smartidf_analysis.telecentres.scenarios`, the observed weekday signal in
:mod:`smartidf_analysis.telecentres.signal`, the solvers in :mod:`smartidf_analysis.siting`, the
database reads in :mod:`smartidf_analysis.telecentres.io`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import pandas as pd

from smartidf_analysis import commuting as cm

# ----------------------------------------------------------------------------- defaults
#: Minimum crow-fly home→work distance [km] for a commute to count: the issue's default;
#: an assumption (a local site saves little on shorter trips).
DISTANCE_THRESHOLD_KM = 10.0
#: Teleworkable share [0–1] per INSEE socio-professional group. Source for groups 3–6: Insee
#: Focus n° 263 (March 2022), "En 2021, en moyenne chaque semaine, un salarié sur cinq a
#: télétravaillé" (enquête Emploi 2021): 55 % of managers, 22 % of intermediate professions,
#: 17 % of qualified employees and 0.1–0.5 % of unqualified employees and blue-collar workers
#: teleworked in an average week; 5 = 0.10 mixes qualified and unqualified employees (an
#: assumption), 6 = 0.005. Groups 1–2 (self-employed, outside that survey's field): 0 and
#: 0.10 are assumptions.
TELEWORKABLE_SHARE = {1: 0.0, 2: 0.10, 3: 0.55, 4: 0.22, 5: 0.10, 6: 0.005}
#: Share [0–1] of teleworkers who would use a telecentre rather than work from home: an
#: ASSUMPTION (no survey in the data); varied in the sensitivity table.
TELECENTRE_SHARE = 0.25
#: Days per week [days] a telecentre user spends there: an ASSUMPTION (2 days is the usual
#: figure of post-2021 company agreements; 56 % of 2021 teleworkers teleworked part of the
#: week, Insee Focus n° 263).
DAYS_PER_WEEK = 2.0
#: Seat occupancy [0–1]: daily users per seat; seats = daily users / occupancy. ASSUMPTION.
OCCUPANCY = 0.8
#: Catchment radius [km] around a site (crow-fly from the home commune): ASSUMPTION (about
#: 10–15 min by car, bus or bicycle).
RADIUS_KM = 5.0
#: Number of sites: the 2013 Caisse des Dépôts study's order of magnitude (about 200).
N_SITES = 200
#: Minimum ARCEP FttH coverage rate [0–1] of a candidate's commune, at 2018Q1 (ARCEP's
#: "50 %" class boundary). An assumption; see the module docstring on vintages.
FIBRE_THRESHOLD = 0.5
#: Station modes that give candidate sites (IDFM ``mode``): rail and tram stations outside
#: the metro, which serves Paris and its first ring, where the jobs are.
CANDIDATE_MODES = ("RER", "TRAIN", "TRAMWAY", "TRAM", "VAL")
STATION_MODES = ("METRO", "RER", "TRAIN", "TRAMWAY", "TRAM", "VAL")
COMMUTING_MODES = ("TC", "VP", "NM")  # DOMICILE workers already work at home

SOURCES = {
    "commuting": cm.SOURCE + " (" + cm.VINTAGE + ")",
    "stations": "Île-de-France Mobilités, emplacement des gares IDF (réseau 2025)",
    "fibre": "ARCEP, déploiement FttH par commune, 2018T1",
    "validations": "Île-de-France Mobilités, validations sur le réseau ferré par jour, "
                   "2024-07-01 – 2025-06-30",
}
TABLES = ["commuting_flows", "stations", "station_validations", "fibre_deployment", "communes"]


@dataclass(frozen=True)
class Scenario:
    """Every parameter of a telecentre scenario (defaults: the module constants).

    ``model``: "mclp" (maximal covering) or "pmedian"; ``method``: "greedy" or "milp";
    ``capacity_seats``: seats per site (None = unlimited); ``time_limit_s``/``mip_rel_gap``
    for the exact solver; ``teleworkable_share``: (csp, share) pairs (hashable, so a
    scenario can key a cache); ``include_gpe``: the Grand Paris Express stations are
    candidates too; ``with_existing``: the imported existing sites are open (pre-sited) and
    ``n_sites`` new sites are added to them.

    Parameters
    ----------
    distance_threshold_km : float
        Minimum crow-fly home-work distance of a counted commute [km].
    teleworkable_factor : float
        Factor on the teleworkable shares [-] (1 = the cited shares).
    telecentre_share : float
        Share of teleworkers using a telecentre [0-1].
    days_per_week : float
        Days per week spent at the telecentre [days] (0-5).
    occupancy : float
        Daily users per seat [0-1].
    n_sites : int
        Number of (new) sites to open.
    radius_km : float
        Catchment radius around a site [km].
    fibre_threshold : float
        Minimum FttH coverage rate of a candidate's commune [0-1].
    candidate_modes : tuple of str
        IDFM station modes that give candidates.
    model : {"mclp", "pmedian"}
        Siting model.
    method : {"greedy", "milp"}
        Solver.
    capacity_seats : float, optional
        Seats per site [seats]; None = unlimited.
    time_limit_s : float
        Time limit of the exact solver [s].
    mip_rel_gap : float
        Relative optimality gap of the exact solver [-].
    teleworkable_share : tuple of (int, float)
        (CSP group, teleworkable share [0-1]) pairs.
    include_gpe : bool
        Grand Paris Express stations are candidates too.
    with_existing : bool
        The imported existing sites are open, ``n_sites`` are added to them.
    """

    distance_threshold_km: float = DISTANCE_THRESHOLD_KM
    teleworkable_factor: float = 1.0
    telecentre_share: float = TELECENTRE_SHARE
    days_per_week: float = DAYS_PER_WEEK
    occupancy: float = OCCUPANCY
    n_sites: int = N_SITES
    radius_km: float = RADIUS_KM
    fibre_threshold: float = FIBRE_THRESHOLD
    candidate_modes: tuple[str, ...] = CANDIDATE_MODES
    model: str = "mclp"
    method: str = "greedy"
    capacity_seats: float | None = None
    time_limit_s: float = 60.0
    mip_rel_gap: float = 1e-4
    teleworkable_share: tuple[tuple[int, float], ...] = tuple(TELEWORKABLE_SHARE.items())
    include_gpe: bool = False
    with_existing: bool = False

    def but(self, **changes) -> Scenario:
        """A copy with some parameters changed.

        Parameters
        ----------
        **changes
            Field name -> new value.

        Returns
        -------
        Scenario
            The new scenario.
        """
        return replace(self, **changes)

    def shares(self) -> dict[int, float]:
        """Teleworkable share per CSP group [0–1] before the factor.

        Returns
        -------
        dict of int to float
            CSP group -> share [0-1].
        """
        return dict(self.teleworkable_share)

    def as_row(self) -> dict:
        """The scenario's parameters as one table row (candidate modes joined by ``+``).

        Returns
        -------
        dict
            Field name -> value, without ``teleworkable_share``.
        """
        row = {k: v for k, v in asdict(self).items() if k != "teleworkable_share"}
        row["candidate_modes"] = "+".join(self.candidate_modes)
        return row


DEFAULT = Scenario()  # the default scenario (module constants)


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


def check_demand_parameters(scenario: Scenario) -> None:
    """Raise ValueError on parameters outside their meaning (negative shares, > 5 days…).

    Parameters
    ----------
    scenario : Scenario
        The scenario to check.

    Raises
    ------
    ValueError
        On a negative distance threshold or factor, a telecentre share outside 0-1, days per
        week outside 0-5, or an occupancy outside (0, 1].
    """
    s = scenario
    if not s.distance_threshold_km >= 0:
        raise ValueError("the distance threshold must be ≥ 0 km")
    if not 0 <= s.telecentre_share <= 1:
        raise ValueError("the telecentre share must be between 0 and 1")
    if not s.teleworkable_factor >= 0:
        raise ValueError("the teleworkable factor must be ≥ 0")
    if not 0 <= s.days_per_week <= 5:
        raise ValueError("telework days per week must be between 0 and 5")
    if not 0 < s.occupancy <= 1:
        raise ValueError("the seat occupancy must be in (0, 1]")


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


PARAMETER_SOURCES = {
    "distance_threshold_km": ("km", "assumption (the issue's default)"),
    "teleworkable_factor": ("×", "1 = the Insee Focus n° 263 shares per CSP (enquête Emploi 2021)"),
    "telecentre_share": ("share", "assumption"),
    "days_per_week": ("days", "assumption (usual post-2021 agreements)"),
    "occupancy": ("share", "assumption"),
    "n_sites": ("sites", "Caisse des Dépôts 2013 study: about 200"),
    "radius_km": ("km", "assumption (10–15 min by car, bus or bicycle)"),
    "fibre_threshold": ("share", "assumption (ARCEP 50 % class, 2018Q1 data)"),
}


def parameters_table(scenario: Scenario = DEFAULT) -> pd.DataFrame:
    """The scenario's parameters with their unit and source (or "assumption"), and the
    teleworkable share of each CSP group: what a notebook or report states next to results.

    Parameters
    ----------
    scenario : Scenario
        The scenario.

    Returns
    -------
    DataFrame
        ``parameter``, ``value`` (as text), ``unit``, ``source``.
    """
    rows = [{"parameter": name, "value": getattr(scenario, name), "unit": unit, "source": source}
            for name, (unit, source) in PARAMETER_SOURCES.items()]
    rows.append({"parameter": "candidate_modes", "value": "+".join(scenario.candidate_modes),
                 "unit": "", "source": "IDFM modes outside the metro"})
    for csp, share in scenario.shares().items():
        rows.append({"parameter": f"teleworkable_share_csp{csp}", "value": share,
                     "unit": "share", "source": ("Insee Focus n° 263 (2021)" if csp >= 3
                                                 else "assumption (self-employed)")})
    table = pd.DataFrame(rows)
    table["value"] = table["value"].astype(str)
    return table


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
