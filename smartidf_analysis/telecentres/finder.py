""""Mon télécentre": for one worker (home commune, work commune, mode, days per week at a
telecentre), the nearest existing and proposed sites and what going there saves.

For a site s at crow-fly distance d_hs from home
(:func:`~smartidf_analysis.telecentres.sites.home_to_site_km`: centroid distance, at least
the mean distance inside the home commune) and the commute
d_hw (:func:`~smartidf_analysis.commuting.matrices.add_distances`, the distance the demand model
uses), with δ the detour factor, n the days per week at the site, EF the mode's emission
factor and t the travel-time model (:mod:`smartidf_analysis.telecentres.travel`)::

    km saved / week     = n · 2 · δ · max(0, d_hw − d_hs)                          [km]
    hours saved / week  = n · 2 · max(0, t(δ·d_hw) − t(δ·d_hs)) / 60              [h]
    CO2 saved / week    = km saved / week · EF_mode                              [kg CO2e]
    share of the commute replaced = km saved / week ÷ (5 · 2 · δ · d_hw)          [0–1]

Per year: × W working weeks (:data:`~smartidf_analysis.telecentres.scenarios.WORKING_WEEKS`).
The trip to the site is made by the same mode (as in the scenario savings). The answer's
figures come from the nearest site (existing or proposed); every listed site carries its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartidf_analysis.commuting.matrices import add_distances
from smartidf_analysis.errors import UnknownCodeError
from smartidf_analysis.telecentres.demand import DEFAULT, DISTANCE_THRESHOLD_KM, Scenario
from smartidf_analysis.telecentres.scenarios import (
    DETOUR_FACTOR,
    EMISSION_FACTORS_KG_PER_KM,
    WORKING_WEEKS,
    run_scenario,
)
from smartidf_analysis.telecentres.sites import (
    TelecentreInputs,
    existing_sites_as_sites,
    home_to_site_km,
)
from smartidf_analysis.telecentres.travel import travel_time_min

FINDER_MODES = ("TC", "VP", "NM")
SITE_COLUMNS = ["kind", "rank", "site_id", "station_name", "commune_code", "lines", "lon", "lat",
                "distance_km", "time_min", "km_saved_per_week", "hours_saved_per_week",
                "co2_saved_kg_per_week", "share_of_commute_replaced"]


@dataclass
class FinderAnswer:
    """``summary`` (one worker's figures, from the nearest site) and ``sites`` (the nearest
    existing and proposed sites, columns :data:`SITE_COLUMNS`).

    Parameters
    ----------
    summary : Series
        The request and the figures of the nearest site (see :func:`find_sites`).
    sites : DataFrame
        The nearest sites, columns :data:`SITE_COLUMNS`.
    """

    summary: pd.Series
    sites: pd.DataFrame

    def as_frame(self) -> pd.DataFrame:
        """The sites with the request repeated on each row (a CSV a worker can keep).

        Returns
        -------
        DataFrame
            :data:`SITE_COLUMNS` plus ``home_code``, ``work_code``, ``mode`` and
            ``days_per_week``.
        """
        request = self.summary[["home_code", "work_code", "mode", "days_per_week"]]
        return self.sites.assign(**request.to_dict())


def _commune(communes: pd.DataFrame, code: str, role: str) -> pd.Series:
    table = communes.drop_duplicates("commune_code").set_index("commune_code")
    code = str(code).strip()
    if code not in table.index or pd.isna(table.at[code, "centroid_x_l93"]):
        raise UnknownCodeError(f"unknown {role} commune code {code!r} (5-character INSEE code "
                               "of an Île-de-France commune or Paris arrondissement)")
    return table.loc[code]


def find_sites(communes: pd.DataFrame, home_code: str, work_code: str, mode: str = "TC",
               days_per_week: float = 2.0, existing: pd.DataFrame | None = None,
               proposed: pd.DataFrame | None = None, k: int = 3, detour: float = DETOUR_FACTOR,
               weeks: float = WORKING_WEEKS) -> FinderAnswer:
    """The nearest ``k`` existing and ``k`` proposed sites for a worker and the savings
    (module formulas).

    Parameters
    ----------
    communes : DataFrame
        ``commune_code``, ``commune_name``, ``centroid_x_l93``, ``centroid_y_l93`` [m],
        ``area_km2`` [km2].
    home_code, work_code : str
        INSEE codes of the home and work communes (arrondissements for Paris).
    mode : {"TC", "VP", "NM"}
        Commuting mode (public transport, car, active modes).
    days_per_week : float
        Days per week at the telecentre [days] (0-5).
    existing, proposed : DataFrame, optional
        Sites with ``site_id``, ``station_name``, ``commune_code``, ``lines``, ``lon``,
        ``lat`` [deg], ``x_l93``, ``y_l93`` [m] (either may be empty or None).
    k : int
        Sites listed of each kind.
    detour : float
        Network distance / crow-fly distance [-].
    weeks : float
        Working weeks per year [weeks].

    Returns
    -------
    FinderAnswer
        ``sites``: per site, ``distance_km`` (network) [km], ``time_min`` [min],
        ``km_saved_per_week`` [km], ``hours_saved_per_week`` [h], ``co2_saved_kg_per_week``
        [kg CO2], ``share_of_commute_replaced`` [0-1]; ``summary``: the commute
        (``commute_km`` [km], ``commute_min`` [min], ``commute_km_per_week`` [km]), the
        nearest site and its savings per week and per year, and ``worth_it``.

    Raises
    ------
    smartidf_analysis.errors.UnknownCodeError
        For an unknown commune (or one without a centroid).
    ValueError
        For a mode outside :data:`FINDER_MODES` or days outside [0, 5].
    """
    if mode not in FINDER_MODES:
        raise ValueError(f"unknown mode {mode!r}; use one of {list(FINDER_MODES)}")
    if not 0 <= float(days_per_week) <= 5:
        raise ValueError("days per week at the telecentre must be between 0 and 5")
    home = _commune(communes, home_code, "home")
    work = _commune(communes, work_code, "work")
    pair = add_distances(pd.DataFrame({"home_code": [home.name], "work_code": [work.name]}),
                         communes)
    commute_km = float(pair["distance_km"].iloc[0])
    commute_net = detour * commute_km
    commute_min = float(travel_time_min(commute_net, mode))
    factor = EMISSION_FACTORS_KG_PER_KM[mode]
    n = float(days_per_week)
    frames = []
    for kind, sites in (("existing", existing), ("proposed", proposed)):
        if sites is None or len(sites) == 0:
            continue
        d = home_to_site_km(home.to_frame().T, sites)[0]
        order = np.argsort(d, kind="stable")[:k]
        near = sites.iloc[order]
        dist = d[order]
        net = detour * dist
        t = travel_time_min(net, mode)
        km = n * 2 * np.clip(commute_net - net, 0, None)
        hours = n * 2 * np.clip(commute_min - t, 0, None) / 60.0
        frames.append(pd.DataFrame({
            "kind": kind, "rank": np.arange(1, len(near) + 1), "site_id": near["site_id"].to_numpy(),
            "station_name": near["station_name"].to_numpy(),
            "commune_code": near["commune_code"].to_numpy(), "lines": near["lines"].to_numpy(),
            "lon": near["lon"].to_numpy(float), "lat": near["lat"].to_numpy(float),
            "distance_km": net, "time_min": t, "km_saved_per_week": km,
            "hours_saved_per_week": np.where(km > 0, hours, 0.0),
            "co2_saved_kg_per_week": km * factor,
            "share_of_commute_replaced": km / (10 * commute_net) if commute_net > 0 else 0.0}))
    table = (pd.concat(frames, ignore_index=True) if frames
             else pd.DataFrame(columns=SITE_COLUMNS))[SITE_COLUMNS]
    best = table.loc[table["distance_km"].astype(float).idxmin()] if len(table) else None

    def of_best(column: str) -> float:
        return float(best[column]) if best is not None else float("nan")

    summary = pd.Series({
        "home_code": home.name, "home_name": home["commune_name"], "work_code": work.name,
        "work_name": work["commune_name"], "mode": mode, "days_per_week": n,
        "commute_km": commute_net, "commute_min": commute_min,
        "commute_km_per_week": 10 * commute_net,
        "nearest_kind": best["kind"] if best is not None else "",
        "nearest_site": best["station_name"] if best is not None else "",
        "nearest_distance_km": of_best("distance_km"), "nearest_time_min": of_best("time_min"),
        "km_saved_per_week": of_best("km_saved_per_week"),
        "hours_saved_per_week": of_best("hours_saved_per_week"),
        "co2_saved_kg_per_week": of_best("co2_saved_kg_per_week"),
        "hours_saved_per_year": of_best("hours_saved_per_week") * weeks,
        "co2_saved_kg_per_year": of_best("co2_saved_kg_per_week") * weeks,
        "km_saved_per_year": of_best("km_saved_per_week") * weeks,
        "share_of_commute_replaced": of_best("share_of_commute_replaced"),
        "worth_it": bool(best is not None and of_best("km_saved_per_week") > 0)})
    return FinderAnswer(summary, table)


def commune_choices(communes: pd.DataFrame) -> dict[str, str]:
    """"Name (code)" → code for every commune with a centroid (arrondissements included,
    Paris as a whole left out: a worker lives in an arrondissement), sorted by name.

    Parameters
    ----------
    communes : DataFrame
        ``commune_code``, ``commune_name``, ``centroid_x_l93``.

    Returns
    -------
    dict of str to str
        Label -> commune code.
    """
    table = communes.drop_duplicates("commune_code")
    table = table[table["centroid_x_l93"].notna() & (table["commune_code"] != "75056")]
    table = table.sort_values(["commune_name", "commune_code"])
    return {f"{r.commune_name} ({r.commune_code})": r.commune_code for r in table.itertuples()}


def example_pair(flows: pd.DataFrame, choices: dict[str, str], mode: str = "TC",
                 min_km: float = DISTANCE_THRESHOLD_KM) -> tuple[str, str] | None:
    """A (home, work) pair to open the finder with when its default pair is not in the
    data (a synthetic region): the largest ``mode`` commuter flow (``flows`` with
    ``home_code, work_code, mode, workers, distance_km``; any mode if none is ``mode``)
    between two communes of ``choices`` at least ``min_km`` apart [km] (any distance if
    none is); ties by code.

    Parameters
    ----------
    flows : DataFrame
        ``home_code``, ``work_code``, ``mode``, ``workers`` [persons], ``distance_km`` [km].
    choices : dict of str to str
        :func:`commune_choices`.
    mode : str
        Preferred commuting mode.
    min_km : float
        Preferred minimum distance [km].

    Returns
    -------
    (str, str) or None
        (home code, work code); None when no such flow exists.
    """
    codes = set(choices.values())
    home, work = flows["home_code"].astype(str), flows["work_code"].astype(str)
    pairs = flows[(home.to_numpy() != work.to_numpy()) & home.isin(codes).to_numpy()
                  & work.isin(codes).to_numpy()].assign(home_code=home, work_code=work)
    by_mode = pairs[pairs["mode"] == mode]
    pairs = by_mode if len(by_mode) else pairs
    far = pairs[pairs["distance_km"] >= min_km]
    pairs = far if len(far) else pairs
    if pairs.empty:
        return None
    totals = (pairs.groupby(["home_code", "work_code"], as_index=False)["workers"].sum()
              .sort_values(["workers", "home_code", "work_code"],
                           ascending=[False, True, True]))
    first = totals.iloc[0]
    return str(first["home_code"]), str(first["work_code"])


def new_site_candidates(inputs: TelecentreInputs, scenario: Scenario = DEFAULT) -> int:
    """How many candidate sites ``scenario`` may open besides the pre-sited (existing) ones
    [count]: the most new sites it can propose on this region.

    Parameters
    ----------
    inputs : TelecentreInputs
        The region's inputs.
    scenario : Scenario
        The scenario (its candidate filters).

    Returns
    -------
    int
        Number of candidate sites that are not existing ones.
    """
    candidates = inputs.candidates(scenario)
    new = candidates["candidate"].astype(bool)
    if "status" in candidates:
        new &= candidates["status"].to_numpy() != "existing"
    return int(new.sum())


def proposal_scenario(inputs: TelecentreInputs, scenario: Scenario = DEFAULT) -> Scenario:
    """The scenario whose new sites the finder proposes: ``scenario`` given the imported
    existing sites, its ``n_sites`` clamped to :func:`new_site_candidates` (a small or
    synthetic region has fewer candidate stations than the default 200; 0 when none).

    Parameters
    ----------
    inputs : TelecentreInputs
        The region's inputs.
    scenario : Scenario
        The base scenario.

    Returns
    -------
    Scenario
        ``scenario`` with ``with_existing`` and ``n_sites`` set as above.
    """
    scenario = scenario.but(with_existing=bool(len(existing_sites_as_sites(inputs.existing))))
    return scenario.but(n_sites=min(scenario.n_sites, new_site_candidates(inputs, scenario)))


def site_sets(inputs: TelecentreInputs, scenario: Scenario = DEFAULT
              ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(existing sites, proposed sites) for the finder: the imported existing sites, and the
    new sites ``scenario`` places given them (default: 200 sites, greedy MCLP; fewer when
    the region has fewer candidates, see :func:`proposal_scenario`; none without any).

    Parameters
    ----------
    inputs : TelecentreInputs
        The region's inputs.
    scenario : Scenario
        The base scenario.

    Returns
    -------
    (DataFrame, DataFrame)
        Existing sites (:func:`~smartidf_analysis.telecentres.sites.existing_sites_as_sites`)
        and proposed sites (rows of the candidate table).
    """
    existing = existing_sites_as_sites(inputs.existing)
    scenario = proposal_scenario(inputs, scenario)
    candidates = inputs.candidates(scenario).drop_duplicates("site_id").set_index("site_id")
    if scenario.n_sites < 1:
        return existing, candidates.iloc[:0].reset_index()
    result = run_scenario(inputs, scenario)
    new = result.sites.loc[result.sites["status"] != "existing", "site_id"]
    proposed = candidates.loc[new.to_numpy()].reset_index()
    return existing, proposed
