"""The department fibre series to 2024 and the backtest of the projections against it.

* :func:`department_trajectory` — the Baromètre series (Etalab 2017Q4–2022Q3 rounded to whole
  percent; DITP IND-306 2022Q2–2024Q2, two decimals, and R11) joined to the rates computed
  from the commune file, with the preferred value per quarter (DITP where both exist);
  :func:`series_overlap` compares the two series where they overlap.
* :func:`backtest` — projected (:mod:`smartidf_analysis.broadband.projection`) vs actual
  department rates at end 2021, end 2023 and mid 2024.

Units: rates are fractions (0–1) unless the column ends in ``_pct`` [%]; quarters are
``"2018Q1"`` labels. Sources: ARCEP observatoire HD/THD (commune information 2018T1);
Baromètre des résultats de l'action publique (Etalab / DINUM, DITP), figures ARCEP.
"""

from __future__ import annotations

import pandas as pd

ETALAB = "etalab_barometre_territoires"
DITP = "ditp_fibre_2022_2024"
COMMUNE_FILE = "arcep_ftth_communes"
REGION_ESTIMATE = "estimate_etalab_departments_x_premises_2018"


def series_overlap(series: pd.DataFrame) -> pd.DataFrame:
    """Etalab vs DITP where both give a quarter (2022Q2–2022Q3): values and difference
    [points]; ``within_rounding`` when ``|difference| <= 0.5`` (Etalab rounds to whole %).

    Parameters
    ----------
    series : pandas.DataFrame
        The Baromètre department series: ``zone_code``, ``quarter``, ``coverage_pct`` [%],
        ``source``.

    Returns
    -------
    pandas.DataFrame
        ``zone_code``, ``quarter``, the Etalab and DITP values [%] (columns named after
        :data:`ETALAB` and :data:`DITP`), ``difference`` [points] and ``within_rounding``
        (empty with these columns when a source is absent).
    """
    wide = series.pivot_table(index=["zone_code", "quarter"], columns="source",
                              values="coverage_pct", aggfunc="first")
    if ETALAB not in wide or DITP not in wide:
        return pd.DataFrame(columns=["zone_code", "quarter", ETALAB, DITP, "difference",
                                     "within_rounding"])
    both = wide.dropna(subset=[ETALAB, DITP]).reset_index()
    both["difference"] = both[DITP] - both[ETALAB]
    both["within_rounding"] = both["difference"].abs() <= 0.5
    return both[["zone_code", "quarter", ETALAB, DITP, "difference", "within_rounding"]]


def department_trajectory(series: pd.DataFrame, computed: pd.DataFrame,
                          weights: pd.Series | None = None) -> pd.DataFrame:
    """One long table of FttH rates [%] per zone (department or ``R11``) and quarter.

    ``series``: ``fibre_department_series``; ``computed``: the rates computed from the
    commune file (``zone_code``, ``quarter``, ``coverage_pct``), source
    :data:`COMMUNE_FILE`. ``weights`` (premises per department, 2018T1) adds a labelled
    regional estimate for the quarters where only Etalab departments exist (no R11 value
    before 2022Q2). ``preferred`` marks one value per zone and quarter: DITP (two decimals)
    over Etalab (whole percent) over the estimate; the commune-file values are preferred
    only where no Baromètre value exists (2017Q3).

    Parameters
    ----------
    series : pandas.DataFrame
        See above.
    computed : pandas.DataFrame
        See above.
    weights : pandas.Series, optional
        See above [premises], indexed by department code.

    Returns
    -------
    pandas.DataFrame
        ``zone_code``, ``quarter``, ``coverage_pct`` [%], ``source``, ``preferred`` (bool) and
        ``period_end`` (the quarter's last day, a timestamp).
    """
    parts = [series[["zone_code", "quarter", "coverage_pct", "source"]],
             computed[["zone_code", "quarter", "coverage_pct"]].assign(source=COMMUNE_FILE)]
    if weights is not None and len(weights):
        et = series[series["source"] == ETALAB]
        et = et[et["zone_code"].isin(weights.index)]
        w = et["zone_code"].map(weights)
        est = (et.assign(_wx=et["coverage_pct"] * w, _w=w)
               .groupby("quarter", sort=True)[["_wx", "_w"]].sum())
        complete = et.groupby("quarter")["zone_code"].nunique() == len(weights)
        est = est[complete.reindex(est.index).fillna(False).to_numpy()]
        parts.append(pd.DataFrame({"zone_code": "R11", "quarter": est.index,
                                   "coverage_pct": (est["_wx"] / est["_w"]).to_numpy(),
                                   "source": REGION_ESTIMATE}))
    out = pd.concat(parts, ignore_index=True).dropna(subset=["coverage_pct"])
    rank = out["source"].map({DITP: 0, ETALAB: 1, REGION_ESTIMATE: 2, COMMUNE_FILE: 3})
    out = out.assign(_rank=rank.fillna(9)).sort_values(["zone_code", "quarter", "_rank"])
    out["preferred"] = ~out.duplicated(["zone_code", "quarter"])
    out["period_end"] = pd.PeriodIndex(out["quarter"].str.replace("Q", "-Q"),
                                       freq="Q").end_time.normalize()
    return out.drop(columns="_rank").reset_index(drop=True)


def backtest(projected: pd.DataFrame, trajectory: pd.DataFrame,
             trend: pd.DataFrame | None = None) -> pd.DataFrame:
    """Projected vs actual department (and region) rates at the checkpoints.

    ``projected``: :func:`project_departments`; ``trajectory``: :func:`department_trajectory`
    (its preferred values are the actuals); ``trend``: optional
    :func:`department_trend_projection`. ``error_points`` = projected − actual [points]
    (positive: the projection was too optimistic); ``actual_within_range`` says whether the
    actual value fell between the slow and fast projections.

    Parameters
    ----------
    projected : pandas.DataFrame
        See above.
    trajectory : pandas.DataFrame
        See above.
    trend : pandas.DataFrame, optional
        See above.

    Returns
    -------
    pandas.DataFrame
        The columns of ``projected`` plus ``actual_pct`` [%], ``actual_source``,
        ``error_points`` [points], ``actual_within_range``; with ``trend``, also ``trend_pct``
        [%] and ``trend_error_points`` [points].
    """
    actual = trajectory[trajectory["preferred"] & (trajectory["source"] != COMMUNE_FILE)]
    actual = actual.rename(columns={"coverage_pct": "actual_pct", "source": "actual_source"})
    out = projected.merge(actual[["zone_code", "quarter", "actual_pct", "actual_source"]],
                          on=["zone_code", "quarter"], how="left")
    out["error_points"] = out["projected_pct"] - out["actual_pct"]
    within = pd.array((out["actual_pct"] >= out["projected_pct_slow"] - 1e-9)
                      & (out["actual_pct"] <= out["projected_pct_fast"] + 1e-9), dtype="boolean")
    within[out["actual_pct"].isna().to_numpy()] = pd.NA
    out["actual_within_range"] = within
    if trend is not None:
        out = out.merge(trend, on=["zone_code", "quarter"], how="left")
        out["trend_error_points"] = out["trend_pct"] - out["actual_pct"]
    return out.sort_values(["quarter", "zone_code"]).reset_index(drop=True)
