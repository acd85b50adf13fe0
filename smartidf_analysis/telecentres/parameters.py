"""The parameters of the telecentre demand model and their sources: the defaults (each an
assumption or a cited figure, documented where it is set), one :class:`Scenario` holding
them all (:data:`DEFAULT`: the defaults), their checks (:func:`check_demand_parameters`) and
the table a notebook or report states next to its results (:func:`parameters_table`).

The model itself is in :mod:`smartidf_analysis.telecentres.demand`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import pandas as pd

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
#: "50 %" class boundary). An assumption; see :mod:`smartidf_analysis.telecentres.demand` on vintages.
FIBRE_THRESHOLD = 0.5
#: Station modes that give candidate sites (IDFM ``mode``): rail and tram stations outside
#: the metro, which serves Paris and its first ring, where the jobs are.
CANDIDATE_MODES = ("RER", "TRAIN", "TRAMWAY", "TRAM", "VAL")
STATION_MODES = ("METRO", "RER", "TRAIN", "TRAMWAY", "TRAM", "VAL")
COMMUTING_MODES = ("TC", "VP", "NM")  # DOMICILE workers already work at home


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
