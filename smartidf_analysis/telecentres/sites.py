"""Telecentres: candidate sites at rail and tram stations (deduplicated per correspondence
zone, filtered by mode and by the fibre coverage of their commune), distances from home
communes to sites, and the bundle of inputs a scenario reads (:class:`TelecentreInputs`, read
from the database by :func:`smartidf_analysis.telecentres.io.load_inputs`) with the seams it
cannot place (:func:`data_seams`). The demand model is in
:mod:`smartidf_analysis.telecentres.demand`.

Over 400 lines: the numpydoc sections (parameters, units, returned columns) of its public
functions; the code itself is under 300 lines.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from smartidf_analysis.telecentres.demand import (
    CANDIDATE_MODES,
    DEFAULT,
    FIBRE_THRESHOLD,
    SOURCES,
    STATION_MODES,
    Scenario,
    demand_by_commune,
    eligible_flows,
)


# ------------------------------------------------------------------------------ stations
def dedupe_stations(stations: pd.DataFrame) -> pd.DataFrame:
    """One row per station (IDFM correspondence zone ``zdc_id``; the station id when the
    zone is empty) from the one-row-per-line ``stations`` table.

    Location: mean of the lines' points [L93 m, WGS84 °]; name and commune: the most frequent
    among the lines (a zone astride two communes keeps its majority commune); ``lines``,
    ``modes`` joined with "+", ``n_lines``. ``commune_code`` is NaN outside the region.

    Parameters
    ----------
    stations : DataFrame
        The ``stations`` table: ``zdc_id``, ``station_id``, ``station_name``, ``line``,
        ``mode``, ``lon``, ``lat`` [deg], ``x_l93``, ``y_l93`` [m], ``commune_code``.

    Returns
    -------
    DataFrame
        ``site_id``, ``station_name``, ``lines``, ``modes``, ``n_lines``, ``lon``, ``lat``
        [deg], ``x_l93``, ``y_l93`` [m], ``commune_code``; sorted by ``site_id``.
    """
    st = stations.copy()
    st["site_id"] = st["zdc_id"].where(st["zdc_id"].fillna("").str.len() > 0,
                                       "station:" + st["station_id"].astype(str))
    st = st.sort_values(["site_id", "line"], kind="stable")
    g = st.groupby("site_id", sort=True)
    out = g.agg(n_lines=("line", "nunique"), lon=("lon", "mean"), lat=("lat", "mean"),
                x_l93=("x_l93", "mean"), y_l93=("y_l93", "mean"))
    out["station_name"] = _most_frequent(st, "station_name")
    out["commune_code"] = _most_frequent(st, "commune_code")
    for column, name in (("line", "lines"), ("mode", "modes")):
        distinct = st[["site_id", column]].dropna().drop_duplicates()
        distinct = distinct.sort_values(["site_id", column], kind="stable")
        out[name] = distinct.groupby("site_id")[column].agg("+".join).reindex(out.index).fillna("")
    return out.reset_index()[["site_id", "station_name", "lines", "modes", "n_lines", "lon",
                              "lat", "x_l93", "y_l93", "commune_code"]]


def _most_frequent(rows: pd.DataFrame, column: str) -> pd.Series:
    """Per ``site_id``: the most frequent non-null value of ``column`` (a tie: the first in
    ``rows``' order), NaN when there is none; indexed by ``site_id``."""
    values = rows[["site_id", column]].dropna(subset=[column])
    values = values.assign(_position=np.arange(len(values)))
    counts = values.groupby(["site_id", column], sort=False).agg(
        _count=("_position", "size"), _first=("_position", "min")).reset_index()
    counts = counts.sort_values(["site_id", "_count", "_first"], ascending=[True, False, True],
                                kind="stable")
    return counts.drop_duplicates("site_id").set_index("site_id")[column]


def candidate_sites(sites: pd.DataFrame, coverage: pd.DataFrame,
                    modes=CANDIDATE_MODES, fibre_threshold: float = FIBRE_THRESHOLD) -> pd.DataFrame:
    """Every deduplicated station with its commune's fibre ``coverage_rate`` (ARCEP 2018Q1;
    arrondissements take Paris's rate), ``candidate`` (bool) and ``excluded_reason``:
    "outside_region" (no IDF commune), "mode" (no line of the selected modes),
    "no_fibre_data" (no rate: never read as 0 %), "fibre_below_threshold" or "".
    ``fibre_threshold`` 0 keeps every station with a rate.

    Parameters
    ----------
    sites : DataFrame
        :func:`dedupe_stations`.
    coverage : DataFrame
        ``commune_code`` and ``coverage_rate`` [0-1].
    modes : iterable of str
        Station modes that give candidates (of :data:`STATION_MODES`).
    fibre_threshold : float
        Minimum coverage rate [0-1].

    Returns
    -------
    DataFrame
        ``sites`` plus ``coverage_rate`` [0-1], ``excluded_reason`` and ``candidate``.

    Raises
    ------
    ValueError
        For an unknown mode or a threshold outside 0-1.5.
    """
    bad = sorted(set(modes) - set(STATION_MODES))
    if bad:
        raise ValueError(f"unknown station mode(s) {bad}; known: {list(STATION_MODES)}")
    if not 0 <= fibre_threshold <= 1.5:
        raise ValueError(f"the fibre threshold is a coverage rate between 0 and 1.5, not {fibre_threshold}")
    rate = coverage.drop_duplicates("commune_code").set_index("commune_code")["coverage_rate"]
    out = sites.copy()
    out["coverage_rate"] = out["commune_code"].map(rate)
    has_mode = out["modes"].str.split("+").map(lambda ms: bool(set(ms) & set(modes)))
    reason = np.select(
        [out["commune_code"].isna(), ~has_mode, out["coverage_rate"].isna(),
         out["coverage_rate"] < fibre_threshold],
        ["outside_region", "mode", "no_fibre_data", "fibre_below_threshold"], "")
    out["excluded_reason"] = reason
    out["candidate"] = reason == ""
    return out


#: a GPE station this close [m] to a station of today's network serving line 14 is open
#: already (the line 14 extensions of 2024 are in the IDFM 2025 stations)
ALREADY_OPEN_M = 400.0
SITE_COLUMNS = ["site_id", "station_name", "lines", "modes", "n_lines", "lon", "lat", "x_l93",
                "y_l93", "commune_code"]


def gpe_sites(gpe: pd.DataFrame, stations: pd.DataFrame) -> pd.DataFrame:
    """Grand Paris Express stations (``gpe_stations``, SGP 2016) as sites: ``site_id``
    "gpe:<code>", ``lines`` (e.g. "L15"), ``modes`` "GPE", ``status`` "planned", and
    ``already_open`` True for the stations within :data:`ALREADY_OPEN_M` of a station of
    today's network serving line 14 (they are today's stations already).

    Parameters
    ----------
    gpe : DataFrame
        ``gpe_stations``: ``station_code``, ``station_name``, ``lines``, ``lon``, ``lat``
        [deg], ``x_l93``, ``y_l93`` [m], ``commune_code``.
    stations : DataFrame
        :func:`dedupe_stations` (``lines``, ``x_l93``, ``y_l93``).

    Returns
    -------
    DataFrame
        :data:`SITE_COLUMNS` plus ``status`` and ``already_open``, sorted by ``site_id``
        (empty with those columns without GPE stations).
    """
    if gpe is None or gpe.empty:
        return pd.DataFrame(columns=[*SITE_COLUMNS, "status", "already_open"])
    out = pd.DataFrame({
        "site_id": "gpe:" + gpe["station_code"].astype(str), "station_name": gpe["station_name"],
        "lines": gpe["lines"], "modes": "GPE", "n_lines": gpe["lines"].str.count("/") + 1,
        "lon": gpe["lon"], "lat": gpe["lat"], "x_l93": gpe["x_l93"], "y_l93": gpe["y_l93"],
        "commune_code": gpe["commune_code"], "status": "planned"})
    m14 = stations[stations["lines"].str.contains(r"(?:^|\+)METRO 14(?:\+|$)", regex=True)]
    if len(m14):
        d = np.hypot(out["x_l93"].to_numpy()[:, None] - m14["x_l93"].to_numpy()[None, :],
                     out["y_l93"].to_numpy()[:, None] - m14["y_l93"].to_numpy()[None, :])
        out["already_open"] = d.min(axis=1) <= ALREADY_OPEN_M
    else:
        out["already_open"] = False
    return out.sort_values("site_id", ignore_index=True)


def existing_sites_as_sites(existing: pd.DataFrame) -> pd.DataFrame:
    """Imported existing sites (``existing_sites`` table) as sites, ``status`` "existing".

    Parameters
    ----------
    existing : DataFrame
        :func:`smartidf_analysis.telecentres.io.load_existing_sites` (may be None or empty).

    Returns
    -------
    DataFrame
        :data:`SITE_COLUMNS` (``station_name`` = the site's name, ``lines`` = its source),
        ``status`` and ``seats``, sorted by ``site_id``.
    """
    if existing is None or existing.empty:
        return pd.DataFrame(columns=[*SITE_COLUMNS, "status", "seats"])
    return pd.DataFrame({
        "site_id": existing["site_id"], "station_name": existing["name"],
        "lines": existing["source"], "modes": "EXISTING", "n_lines": 0,
        "lon": existing["lon"], "lat": existing["lat"], "x_l93": existing["x_l93"],
        "y_l93": existing["y_l93"], "commune_code": existing["commune_code"],
        "status": "existing", "seats": existing["seats"]}).sort_values("site_id",
                                                                        ignore_index=True)


def _extra_candidates(sites: pd.DataFrame, coverage: pd.DataFrame,
                      fibre_threshold: float, always: bool) -> pd.DataFrame:
    """Fibre rule of :func:`candidate_sites` for GPE stations (``always`` False: a station
    already open is left out as "already_in_network") or existing sites (``always``: open
    whatever their commune's rate)."""
    rate = coverage.drop_duplicates("commune_code").set_index("commune_code")["coverage_rate"]
    out = sites.copy()
    out["coverage_rate"] = out["commune_code"].map(rate)
    if always:
        reason = np.full(len(out), "", dtype=object)
    else:
        reason = np.select(
            [out["commune_code"].isna(), out["already_open"].astype(bool),
             out["coverage_rate"].isna(), out["coverage_rate"] < fibre_threshold],
            ["outside_region", "already_in_network", "no_fibre_data",
             "fibre_below_threshold"], "")
    out["excluded_reason"] = reason
    out["candidate"] = reason == ""
    return out


def exclusion_summary(sites: pd.DataFrame) -> pd.DataFrame:
    """Stations kept and left out of the candidates, by reason (count).

    Parameters
    ----------
    sites : DataFrame
        :func:`candidate_sites` (``excluded_reason``).

    Returns
    -------
    DataFrame
        ``reason`` ("candidate" for the kept ones) and ``stations``, most frequent first.
    """
    reason = sites["excluded_reason"].replace("", "candidate")
    return reason.value_counts().rename_axis("reason").rename("stations").reset_index()


def home_to_site_km(homes: pd.DataFrame, sites: pd.DataFrame) -> np.ndarray:
    """Distance [km] from each home commune (rows: ``centroid_x_l93, centroid_y_l93,
    area_km2``) to each site (columns: ``x_l93, y_l93``): crow-fly from the centroid, but at
    least 2R/3 with R = √(area/π), the mean distance from a uniform point of a disc of the
    commune's area to its centre (residents are spread over the commune).

    Parameters
    ----------
    homes : DataFrame
        ``centroid_x_l93``, ``centroid_y_l93`` [m Lambert-93], ``area_km2`` [km2].
    sites : DataFrame
        ``x_l93``, ``y_l93`` [m Lambert-93].

    Returns
    -------
    ndarray
        (homes, sites) distances [km].
    """
    hx = homes["centroid_x_l93"].to_numpy(float)[:, None]
    hy = homes["centroid_y_l93"].to_numpy(float)[:, None]
    d = np.hypot(hx - sites["x_l93"].to_numpy(float)[None, :],
                 hy - sites["y_l93"].to_numpy(float)[None, :]) / 1000.0
    floor = 2.0 / 3.0 * np.sqrt(homes["area_km2"].to_numpy(float) / math.pi)
    return np.maximum(d, floor[:, None])


# ------------------------------------------------------------------------------ inputs
@dataclass
class TelecentreInputs:
    """Everything a scenario reads, loaded once (:func:`smartidf_analysis.telecentres.io.load_inputs`):
    flows by mode and CSP with distances, commune attributes, deduplicated stations, fibre
    coverage, provenance and build issues.

    Parameters
    ----------
    flows : DataFrame
        Commuting flows by ``mode`` and ``csp`` with ``workers`` [persons] and
        ``distance_km`` [km] (:func:`smartidf_analysis.commuting.io.flows_with_distance`).
    communes : DataFrame
        Commune attributes (``commune_code``, ``commune_name``, ``department_code``,
        ``centroid_x_l93``, ``centroid_y_l93`` [m], ``area_km2`` [km2]).
    stations : DataFrame
        :func:`dedupe_stations`.
    coverage : DataFrame
        ``commune_code``, ``coverage_rate`` [0-1] (ARCEP 2018Q1).
    provenance : DataFrame
        ``provenance`` rows of the input tables.
    build_issues : DataFrame
        Build issues of the input tables (``dataset_id``, ``code``, ``affected``,
        ``measure``, ``issue``).
    gpe : DataFrame
        ``gpe_stations`` rows.
    existing : DataFrame
        ``existing_sites`` rows.
    """

    flows: pd.DataFrame
    communes: pd.DataFrame
    stations: pd.DataFrame
    coverage: pd.DataFrame
    provenance: pd.DataFrame = field(default_factory=pd.DataFrame)
    build_issues: pd.DataFrame = field(default_factory=pd.DataFrame)
    gpe: pd.DataFrame = field(default_factory=pd.DataFrame)  # gpe_stations rows
    existing: pd.DataFrame = field(default_factory=pd.DataFrame)  # existing_sites rows

    def __post_init__(self):
        # categorical codes: group-bys and look-ups on 380k flows in milliseconds
        self.flows = self.flows.astype({"home_code": "category", "work_code": "category",
                                        "mode": "category"})

    @cached_property
    def homes(self) -> pd.DataFrame:
        """Home communes with a centroid (the demand points), indexed by code."""
        codes = sorted(set(self.flows["home_code"].unique()))
        com = self.communes.drop_duplicates("commune_code").set_index("commune_code")
        homes = com.reindex(codes)
        return homes[homes["centroid_x_l93"].notna()]

    @cached_property
    def distances(self) -> np.ndarray:
        """Home communes × every deduplicated station distance matrix [km] (computed once)."""
        return home_to_site_km(self.homes, self.stations)

    def demand(self, scenario: Scenario = DEFAULT) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(:func:`demand_by_commune`, :func:`eligible_flows`) for the scenario's demand
        parameters, memoised: moving p or the radius does not recompute the demand.

        Parameters
        ----------
        scenario : Scenario
            Its demand parameters are used.

        Returns
        -------
        (DataFrame, DataFrame)
            Demand per home commune and the eligible flows.
        """
        key = (scenario.distance_threshold_km, scenario.teleworkable_factor,
               scenario.telecentre_share, scenario.days_per_week, scenario.occupancy,
               scenario.teleworkable_share)
        memo = self.__dict__.setdefault("_demand_memo", {})
        if key not in memo:
            if len(memo) >= 16:
                memo.pop(next(iter(memo)))
            memo[key] = (demand_by_commune(self.flows, scenario, self.communes),
                         eligible_flows(self.flows, scenario))
        return memo[key]

    def candidates(self, scenario: Scenario = DEFAULT) -> pd.DataFrame:
        """:func:`candidate_sites` for the scenario's modes and fibre threshold (``status``
        "station"), then, with ``scenario.include_gpe``, the Grand Paris Express stations
        (:func:`gpe_sites`, "planned", same fibre rule) and, with
        ``scenario.with_existing``, the imported existing sites ("existing", pre-sited).
        Today's stations come first, in the order of ``stations`` (the columns of
        :attr:`distances`).

        Parameters
        ----------
        scenario : Scenario
            Its modes, fibre threshold, ``include_gpe`` and ``with_existing`` are used.

        Returns
        -------
        DataFrame
            :data:`SITE_COLUMNS`, ``status``, ``coverage_rate`` [0-1], ``excluded_reason`` and
            ``candidate``.
        """
        parts = [candidate_sites(self.stations, self.coverage, scenario.candidate_modes,
                                 scenario.fibre_threshold).assign(status="station")]
        if scenario.include_gpe:
            parts.append(_extra_candidates(gpe_sites(self.gpe, self.stations), self.coverage,
                                           scenario.fibre_threshold, always=False))
        if scenario.with_existing:
            parts.append(_extra_candidates(existing_sites_as_sites(self.existing),
                                           self.coverage, scenario.fibre_threshold,
                                           always=True))
        parts = [p for p in parts if len(p)]
        return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]

    def site_distances(self, candidates: pd.DataFrame) -> np.ndarray:
        """Home communes × ``candidates`` distances [km]: today's stations from the cached
        :attr:`distances`, the other sites (GPE, existing) computed and memoised.

        Parameters
        ----------
        candidates : DataFrame
            :meth:`candidates` (today's stations first).

        Returns
        -------
        ndarray
            (homes, candidates) distances [km].
        """
        n = len(self.stations)
        extra = candidates.iloc[n:]
        if extra.empty:
            return self.distances
        key = tuple(extra["site_id"])
        memo = self.__dict__.setdefault("_extra_memo", {})
        if key not in memo:
            memo.clear()
            memo[key] = np.hstack([self.distances, home_to_site_km(self.homes, extra)])
        return memo[key]

    def source_rows(self) -> pd.DataFrame:
        """Provenance rows of the datasets used, one per producer and title: ``producer``,
        ``title`` and ``vintage`` (the vintages of a dataset's quarterly files joined by
        ", "); of the commune tables only the boundaries (IGN). Empty without provenance.
        What :func:`smartidf_analysis.plots.maps.source_caption` cites.

        Returns
        -------
        DataFrame
            ``producer``, ``title``, ``vintage``.
        """
        if self.provenance.empty:
            return pd.DataFrame(columns=["producer", "title", "vintage"])
        prov = self.provenance[(self.provenance["table_name"] != "communes")
                               | (self.provenance["dataset_id"] == "ign_communes_2018")]
        parts: dict[tuple[str, str], list[str]] = {}
        for r in prov.itertuples():
            title = re.sub(r"\s*\(" + re.escape(str(r.vintage)) + r"\)$", "", str(r.title))
            vintages = parts.setdefault((r.producer, title), [])
            if r.vintage not in vintages:
                vintages.append(r.vintage)
        return pd.DataFrame([{"producer": producer, "title": title, "vintage": ", ".join(v)}
                             for (producer, title), v in parts.items()],
                            columns=["producer", "title", "vintage"])

    def source_caption(self) -> str:
        """The producers, titles and vintages of the datasets used (:meth:`source_rows`;
        without provenance, the module's :data:`~smartidf_analysis.telecentres.demand.SOURCES`).

        Returns
        -------
        str
            "producer, title (vintage)" items joined by "; ".
        """
        rows = self.source_rows()
        if rows.empty:
            return "; ".join(SOURCES.values())
        return "; ".join(f"{r.producer}, {r.title} ({r.vintage})" for r in rows.itertuples())

    @property
    def synthetic(self) -> bool:
        """True when any input table comes from the synthetic demo region (``provenance``)."""
        return bool(self.provenance.get("synthetic", pd.Series([False])).any())


def data_seams(inputs: TelecentreInputs, scenario: Scenario = DEFAULT) -> pd.DataFrame:
    """What the model cannot place, counted rather than dropped: workers whose home or work
    code has no current COG code (no distance), stations outside the region or without a
    fibre rate, and the build issues of the input tables.

    Parameters
    ----------
    inputs : TelecentreInputs
        The region's inputs.
    scenario : Scenario
        Its candidate filters are used.

    Returns
    -------
    DataFrame
        ``seam``, ``count``, ``unit`` (workers, communes, stations...) and ``detail``.
    """
    f = inputs.flows
    unknown = f[f["distance_km"].isna()]
    sites = inputs.candidates(scenario)
    rows = [
        ("workers_without_distance", float(unknown["workers"].sum()), "workers",
         "home or work code of 2014 with no current COG code: "
         + ", ".join(sorted((set(unknown["home_code"]) | set(unknown["work_code"]))
                            - set(inputs.communes["commune_code"])))),
        ("home_codes_without_centroid",
         float(len(set(f["home_code"]) - set(inputs.homes.index))), "communes",
         "cannot be a demand point"),
    ]
    for reason, label in (("outside_region", "stations outside Île-de-France (no commune)"),
                          ("no_fibre_data", "stations in a commune without an ARCEP rate")):
        n = int((sites["excluded_reason"] == reason).sum())
        rows.append((f"stations_{reason}", float(n), "stations", label))
    rows.append(("vintages", float("nan"), "",
                 "flows RP 2014 (COG 2014 remapped); stations 2025; fibre ARCEP 2018Q1; "
                 "validations 2024-07 – 2025-06"))
    for r in inputs.build_issues.itertuples():
        rows.append((f"build_issue:{r.dataset_id}:{r.code}", float(r.affected), r.measure, r.issue))
    return pd.DataFrame(rows, columns=["seam", "count", "unit", "detail"])
