"""Telecentre candidate sites: rail and tram stations deduplicated per correspondence zone and
filtered by mode and by the fibre coverage of their commune (:func:`candidate_sites`), the
planned Grand Paris Express stations (:func:`gpe_sites`) and the sites that already exist
(:func:`existing_sites_as_sites`), with why each station was left out
(:func:`exclusion_summary`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis.telecentres.demand import (
    CANDIDATE_MODES,
    FIBRE_THRESHOLD,
    STATION_MODES,
)


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
