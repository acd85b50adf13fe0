"""Telecentres: distances from home communes to sites, and the bundle of inputs a scenario
reads (:class:`TelecentreInputs`, read from the database by
:func:`smartidf_analysis.telecentres.io.load_inputs`) with the seams it cannot place
(:func:`data_seams`). The candidate sites at rail and tram stations (deduplicated per
correspondence zone, filtered by mode and by the fibre coverage of their commune) are built
in :mod:`smartidf_analysis.telecentres.candidates` (importable from here too); the demand
model is in :mod:`smartidf_analysis.telecentres.demand`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd

from smartidf_analysis.telecentres.candidates import (  # noqa: F401 - moved there, re-exported
    ALREADY_OPEN_M,
    SITE_COLUMNS,
    _extra_candidates,
    candidate_sites,
    dedupe_stations,
    exclusion_summary,
    existing_sites_as_sites,
    gpe_sites,
)
from smartidf_analysis.telecentres.demand import (
    DEFAULT,
    SOURCES,
    Scenario,
    demand_by_commune,
    eligible_flows,
)

# ----------------------------------------------------------------------------- distances


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
