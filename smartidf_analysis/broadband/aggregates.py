"""Fibre (FttH) broadband aggregates over the commune coverage of
:mod:`smartidf_analysis.broadband.coverage`: rates per department, EPCI, EPT or region
(premises- and population-weighted), gap lists, communes without data, ARCEP zoning, the
region against the operators' goal, and the reconciliation of the commune file with ARCEP's
departmental file. Rates are fractions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis.broadband.coverage import (
    LEVELS,
    NO_DATA_REASONS,
    NOT_ON_MAP_REASON,
    OPERATORS_GOAL,
    ZONES,
)


def aggregate_coverage(coverage: pd.DataFrame, level: str = "department",
                       department_names: pd.Series | None = None) -> pd.DataFrame:
    """Coverage per department, EPCI, EPT or region and quarter, weighted two ways.

    ``coverage_rate_premises`` = Σ connectable / Σ premises (ARCEP's aggregate, i.e. the
    premises-weighted mean of raw commune rates); ``coverage_rate_population`` = Σ rate ×
    population 2023 / Σ population, both over communes that have a rate. Communes with no
    EPT (outside the Métropole's EPTs, and Paris, which carries none) are left out of the
    EPT level. ``communes_no_data`` counts the communes without a rate.

    Parameters
    ----------
    coverage : pandas.DataFrame
        Commune coverage per quarter, as :func:`~smartidf_analysis.broadband.coverage.commune_coverage`
        returns it (``coverage_rate`` [fraction], ``connectable_premises``, ``premises_total``
        [premises], ``population`` [inhabitants, 2023], the level's code and name columns).
    level : {"department", "epci", "ept", "region"}
        The aggregation level (a key of :data:`~smartidf_analysis.broadband.coverage.LEVELS`).
    department_names : pandas.Series, optional
        Department name per department code, used at the department level only (names are NaN
        without it).

    Returns
    -------
    pandas.DataFrame
        One row per unit of ``level`` and quarter: the level's code and name columns,
        ``quarter``, ``communes``, ``communes_with_rate``, ``communes_above_100``,
        ``communes_no_data`` [communes], ``connectable_premises``, ``premises_total``
        [premises, over communes with a rate], ``population`` [inhabitants, 2023, over communes
        with a rate], ``coverage_rate_premises`` and ``coverage_rate_population`` [fraction].
    """
    keys = list(LEVELS[level])
    d = coverage
    if level == "ept":
        d = d[d["ept_code"].notna()]
    valid = d["coverage_rate"].notna().to_numpy()
    pop = np.where(valid, d["population"].to_numpy(dtype=float), np.nan)
    parts = {"quarter": d["quarter"].to_numpy()}
    if level == "region":
        parts |= {"region_code": "11", "region_name": "Île-de-France"}
    elif level == "department":
        names = department_names if department_names is not None else pd.Series(dtype="str")
        parts |= {"department_code": d["department_code"].to_numpy(),
                  "department_name": d["department_code"].map(names).to_numpy()}
    else:
        parts |= {k: d[k].to_numpy() for k in keys}
    frame = pd.DataFrame({
        **parts, "communes": 1, "communes_with_rate": valid.astype(int),
        "communes_above_100": d["above_100"].fillna(False).to_numpy(dtype=int),
        "connectable_premises": np.where(valid, d["connectable_premises"].to_numpy(float), np.nan),
        "premises_total": np.where(valid, d["premises_total"].to_numpy(float), np.nan),
        "population": pop, "_rpop": d["coverage_rate"].to_numpy(float) * pop})
    out = frame.groupby([*keys, "quarter"], dropna=False, sort=True).sum(min_count=0).reset_index()
    out["communes_no_data"] = out["communes"] - out["communes_with_rate"]
    with np.errstate(invalid="ignore", divide="ignore"):
        out["coverage_rate_premises"] = out["connectable_premises"] / out["premises_total"]
        out["coverage_rate_population"] = out["_rpop"] / out["population"]
    return out.drop(columns="_rpop")


def gap_list(coverage: pd.DataFrame, quarter: str | None = None, threshold: float = 0.8,
             rank_by: str = "premises", department: str | None = None) -> pd.DataFrame:
    """Communes below ``threshold`` [fraction] at ``quarter`` (default: the last), ranked by
    premises left uncovered (``rank_by="premises"``) or population left uncovered
    (``"population"`` = population 2023 × (1 − rate)). Communes without a rate are not in
    the list (see :func:`no_data_communes`).

    Parameters
    ----------
    coverage : pandas.DataFrame
        Commune coverage per quarter, as
        :func:`~smartidf_analysis.broadband.coverage.commune_coverage` returns it.
    quarter : str, optional
        Quarter label such as ``"2018Q1"``; default the last quarter of ``coverage``.
    threshold : float, default 0.8
        Communes with a coverage rate strictly below it are listed [fraction].
    rank_by : {"premises", "population"}
        Rank by uncovered premises or by uncovered population.
    department : str, optional
        Department code (e.g. ``"77"``) to keep only its communes.

    Returns
    -------
    pandas.DataFrame
        One row per commune below the threshold, largest gap first: ``rank``,
        ``commune_code``, ``commune_name``, ``department_code``, ``quarter``,
        ``coverage_rate`` [fraction], ``connectable_premises``, ``premises_total``,
        ``uncovered_premises`` [premises], ``population``, ``uncovered_population``
        [inhabitants], ``growth_points`` [rate/quarter].

    Raises
    ------
    ValueError
        If ``rank_by`` is neither ``"premises"`` nor ``"population"``.
    """
    if rank_by not in ("premises", "population"):
        raise ValueError(f"rank_by must be 'premises' or 'population', not {rank_by!r}")
    quarter = quarter or coverage["quarter"].max()
    d = coverage[(coverage["quarter"] == quarter) & (coverage["coverage_rate"] < threshold)]
    if department:
        d = d[d["department_code"] == department]
    d = d.assign(
        uncovered_premises=(d["premises_total"] - d["connectable_premises"]).clip(lower=0),
        uncovered_population=d["population"] * (1 - d["coverage_rate"]).clip(0, 1))
    d = d.sort_values(f"uncovered_{rank_by}", ascending=False, ignore_index=True)
    d.insert(0, "rank", np.arange(1, len(d) + 1))
    return d[["rank", "commune_code", "commune_name", "department_code", "quarter",
              "coverage_rate", "connectable_premises", "premises_total", "uncovered_premises",
              "population", "uncovered_population", "growth_points"]]


def no_data_communes(coverage: pd.DataFrame, quarter: str | None = None) -> pd.DataFrame:
    """Communes with no rate at ``quarter`` or not drawable on the map, with the reason.

    Parameters
    ----------
    coverage : pandas.DataFrame
        Commune coverage per quarter, as
        :func:`~smartidf_analysis.broadband.coverage.commune_coverage` returns it.
    quarter : str, optional
        Quarter label such as ``"2018Q1"``; default the last quarter of ``coverage``.

    Returns
    -------
    pandas.DataFrame
        ``commune_code``, ``commune_name``, ``department_code``, ``quarter``,
        ``coverage_rate`` [fraction, NaN here unless only the boundary is missing],
        ``no_data_reason`` (a key of
        :data:`~smartidf_analysis.broadband.coverage.NO_DATA_REASONS`), ``has_boundary`` and
        ``reason`` (the readable reason(s)).
    """
    quarter = quarter or coverage["quarter"].max()
    d = coverage[coverage["quarter"] == quarter]
    d = d[(d["no_data_reason"] != "") | ~d["has_boundary"]]
    reason = d["no_data_reason"].map(NO_DATA_REASONS).fillna("")
    reason = reason.where(d["has_boundary"], (reason + "; ").str.lstrip("; ") + NOT_ON_MAP_REASON)
    return d.assign(reason=reason)[["commune_code", "commune_name", "department_code",
                                    "quarter", "coverage_rate", "no_data_reason", "has_boundary",
                                    "reason"]].reset_index(drop=True)


def zone_of(premises: pd.DataFrame) -> pd.Series:
    """ARCEP zoning per 2018 commune: very dense zone, L. 33-13 commitment (AMII), private
    intention outside L. 33-13, else public initiative network area (RIP).

    Parameters
    ----------
    premises : pandas.DataFrame
        ARCEP's commune information 2018T1 (``BroadbandData.premises``): ``commune_code_2018``,
        ``very_dense_zone``, ``l3313_commitment``, ``private_intention`` (booleans).

    Returns
    -------
    pandas.Series
        ``zone`` (one of :data:`~smartidf_analysis.broadband.coverage.ZONES`) indexed by 2018
        commune code.
    """
    zone = np.select([premises["very_dense_zone"].fillna(False).astype(bool),
                      premises["l3313_commitment"].fillna(False).astype(bool),
                      premises["private_intention"].fillna(False).astype(bool)],
                     list(ZONES[:3]), ZONES[3])
    return pd.Series(zone, index=premises["commune_code_2018"].to_numpy(), name="zone")


def zoning_breakdown(units: pd.DataFrame, premises: pd.DataFrame) -> pd.DataFrame:
    """Coverage per ARCEP zone and quarter: communes, premises, connectable premises, rate
    [fraction] and the zone's share of the region's premises (2018 communes, COM level).

    Parameters
    ----------
    units : pandas.DataFrame
        ARCEP's units per quarter, as
        :func:`~smartidf_analysis.broadband.coverage.unit_quarters` returns them.
    premises : pandas.DataFrame
        ARCEP's commune information 2018T1 with the zoning flags (see :func:`zone_of`).

    Returns
    -------
    pandas.DataFrame
        One row per zone (:data:`~smartidf_analysis.broadband.coverage.ZONES` or ``"unknown"``)
        and quarter: ``zone``, ``quarter``, ``communes``, ``premises_total``,
        ``connectable_premises`` [premises], ``coverage_rate`` [fraction],
        ``share_of_premises`` [fraction of the quarter's premises].
    """
    com = units[units["geo_level"] == "COM"]
    com = com.assign(zone=com["unit_code"].map(zone_of(premises)).fillna("unknown"))
    valid = com["coverage_rate"].notna()
    com = com.assign(_conn=com["connectable_premises"].where(valid),
                     _den=com["premises_total"].where(valid))
    out = com.groupby(["zone", "quarter"], sort=False).agg(
        communes=("unit_code", "size"), premises_total=("premises_total", "sum"),
        connectable_premises=("_conn", "sum"), _den=("_den", "sum")).reset_index()
    out["coverage_rate"] = out["connectable_premises"] / out["_den"]
    total = out.groupby("quarter")["premises_total"].transform("sum")
    out["share_of_premises"] = out["premises_total"] / total
    order = {z: i for i, z in enumerate((*ZONES, "unknown"))}
    out = out.sort_values(["quarter", "zone"], key=lambda s: s.map(order) if s.name == "zone"
                          else s, ignore_index=True)
    return out.drop(columns="_den")


def regional_status(region: pd.DataFrame, zoning: pd.DataFrame,
                    quarter: str | None = None) -> pd.DataFrame:
    """The region at ``quarter`` against the operators' 89 % goal: region rate, private
    zones (very dense + L. 33-13 + private intentions) share of premises and their rate,
    and the points and premises still missing to reach 89 % of the region's premises.

    Parameters
    ----------
    region : pandas.DataFrame
        :func:`aggregate_coverage` at ``level="region"``.
    zoning : pandas.DataFrame
        :func:`zoning_breakdown`.
    quarter : str, optional
        Quarter label such as ``"2018Q1"``; default the last quarter of ``region``.

    Returns
    -------
    pandas.DataFrame
        One row: ``quarter``, ``coverage_rate`` [fraction], ``connectable_premises``,
        ``premises_total`` [premises], ``coverage_rate_population``, ``goal`` [fraction],
        ``gap_points`` [fraction points], ``premises_to_goal`` [premises],
        ``private_zones_share_of_premises`` and ``private_zones_rate`` [fraction].
    """
    quarter = quarter or region["quarter"].max()
    r = region[region["quarter"] == quarter].iloc[0]
    z = zoning[zoning["quarter"] == quarter]
    private = z[z["zone"].isin(ZONES[:3])]
    rate = r["coverage_rate_premises"]
    return pd.DataFrame([{
        "quarter": quarter, "coverage_rate": rate,
        "connectable_premises": r["connectable_premises"], "premises_total": r["premises_total"],
        "coverage_rate_population": r["coverage_rate_population"], "goal": OPERATORS_GOAL,
        "gap_points": OPERATORS_GOAL - rate,
        "premises_to_goal": max(OPERATORS_GOAL * r["premises_total"] - r["connectable_premises"], 0),
        "private_zones_share_of_premises": private["premises_total"].sum() / z["premises_total"].sum(),
        "private_zones_rate": private["connectable_premises"].sum() / private["premises_total"].sum(),
    }])


def reconcile_departments(fibre: pd.DataFrame, departments: pd.DataFrame) -> pd.DataFrame:
    """Σ connectable premises of the communes per department and quarter against ARCEP's
    departmental file; for Paris (75) both the commune file (75056) and the arrondissements
    file. ``difference`` = communes − departmental file; ``matches`` False for any
    difference or a side missing (see :func:`reconciliation_differences`).

    Parameters
    ----------
    fibre : pandas.DataFrame
        ARCEP's FttH file per 2018 commune and arrondissement (``BroadbandData.fibre``):
        ``geo_level`` (COM | ARM), ``commune_code_2018``, ``quarter``,
        ``connectable_premises``.
    departments : pandas.DataFrame
        ARCEP's departmental file (``BroadbandData.departments``): ``department_code``,
        ``quarter``, ``connectable_premises``.

    Returns
    -------
    pandas.DataFrame
        ``department_code``, ``geo_level``, ``quarter``, ``communes_sum``,
        ``department_file``, ``difference`` [connectable premises] and ``matches`` (bool).
    """
    f = fibre.assign(department_code=fibre["commune_code_2018"].str[:2])
    sums = (f.groupby(["geo_level", "department_code", "quarter"])["connectable_premises"]
            .sum(min_count=1).rename("communes_sum").reset_index())
    dep = departments[["department_code", "quarter", "connectable_premises"]].rename(
        columns={"connectable_premises": "department_file"})
    com = sums[sums["geo_level"] == "COM"].merge(dep, on=["department_code", "quarter"],
                                                 how="outer").assign(geo_level="COM")
    arm = sums[sums["geo_level"] == "ARM"].merge(dep[dep["department_code"] == "75"],
                                                 on=["department_code", "quarter"],
                                                 how="outer").assign(geo_level="ARM")
    out = pd.concat([com, arm], ignore_index=True)
    out["difference"] = out["communes_sum"] - out["department_file"]
    out["matches"] = out["difference"].fillna(np.inf) == 0
    return out.sort_values(["department_code", "geo_level", "quarter"], ignore_index=True)[
        ["department_code", "geo_level", "quarter", "communes_sum", "department_file",
         "difference", "matches"]]


def reconciliation_differences(reconciliation: pd.DataFrame) -> pd.DataFrame:
    """The department-quarters where the commune sum and the departmental file differ.

    Parameters
    ----------
    reconciliation : pandas.DataFrame
        :func:`reconcile_departments`.

    Returns
    -------
    pandas.DataFrame
        The rows of ``reconciliation`` whose ``matches`` is False, same columns.
    """
    return reconciliation[~reconciliation["matches"]].reset_index(drop=True)
