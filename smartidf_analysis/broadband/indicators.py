"""Every broadband indicator at once (for the dashboard, the notebook and the benchmark),
the commune inspector's series, and the equity view (coverage by income).

:func:`compute_indicators` takes the tables of :func:`smartidf_analysis.broadband.io.load` and
returns an :class:`Indicators` bundle of DataFrames: nothing here reads the database.
Units as in :mod:`smartidf_analysis.broadband` (rates are fractions; ``_pct`` columns are
percent). Income: INSEE Filosofi 2021, median **declared** income per consumption unit
[EUR] (the 2012 file gives disposable income: not comparable, not used here).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from smartidf_analysis.broadband import aggregates as ba
from smartidf_analysis.broadband import coverage as bb
from smartidf_analysis.broadband import projection as proj


@dataclass(frozen=True)
class Indicators:
    """All broadband indicators for all communes and quarters (see each function).

    Parameters
    ----------
    units : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.coverage.unit_quarters`: ARCEP's 2018 communes and
        arrondissements per quarter.
    coverage : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.coverage.commune_coverage`: current communes ×
        quarters, with growth.
    classes : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.coverage.class_consistency`.
    departments : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.aggregates.aggregate_coverage` per department.
    epci : pandas.DataFrame
        The same per EPCI.
    ept : pandas.DataFrame
        The same per EPT of the Métropole du Grand Paris.
    region : pandas.DataFrame
        The same for the region.
    zoning : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.aggregates.zoning_breakdown`.
    status : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.aggregates.regional_status` at the last quarter.
    reconciliation : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.aggregates.reconcile_departments`.
    projection : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.projection.project_communes`.
    department_projection : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.projection.project_departments` at the checkpoints.
    trajectory : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.projection.department_trajectory`.
    overlap : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.projection.series_overlap` (Etalab vs DITP).
    backtest : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.projection.backtest`.
    """

    units: pd.DataFrame  # bb.unit_quarters: ARCEP's 2018 communes and arrondissements
    coverage: pd.DataFrame  # bb.commune_coverage: current communes x quarters, with growth
    classes: pd.DataFrame  # bb.class_consistency
    departments: pd.DataFrame  # ba.aggregate_coverage(level="department")
    epci: pd.DataFrame
    ept: pd.DataFrame
    region: pd.DataFrame
    zoning: pd.DataFrame  # ba.zoning_breakdown
    status: pd.DataFrame  # ba.regional_status at the last quarter
    reconciliation: pd.DataFrame  # ba.reconcile_departments
    projection: pd.DataFrame  # proj.project_communes
    department_projection: pd.DataFrame  # proj.project_departments at the checkpoints
    trajectory: pd.DataFrame  # proj.department_trajectory
    overlap: pd.DataFrame  # proj.series_overlap (Etalab vs DITP)
    backtest: pd.DataFrame  # proj.backtest

    @property
    def quarters(self) -> list[str]:
        """The ARCEP commune quarters, in order."""
        return sorted(self.coverage["quarter"].unique())


def computed_zone_rates(departments: pd.DataFrame, region: pd.DataFrame) -> pd.DataFrame:
    """Department and region (``R11``) rates [%] computed from the commune file.

    Parameters
    ----------
    departments : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.aggregates.aggregate_coverage` per department.
    region : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.aggregates.aggregate_coverage` for the region.

    Returns
    -------
    pandas.DataFrame
        ``zone_code`` (department code or ``"R11"``), ``quarter``, ``coverage_pct``
        (premises-weighted) [%] and ``premises_total`` [premises].
    """
    dep = departments.assign(zone_code=departments["department_code"])
    reg = region.assign(zone_code="R11")
    both = pd.concat([dep, reg], ignore_index=True)
    return pd.DataFrame({"zone_code": both["zone_code"], "quarter": both["quarter"],
                         "coverage_pct": 100 * both["coverage_rate_premises"],
                         "premises_total": both["premises_total"]})


def compute_indicators(data: bb.BroadbandData) -> Indicators:
    """Run every broadband indicator on ``data`` (a
    :class:`~smartidf_analysis.broadband.coverage.BroadbandData`).

    Parameters
    ----------
    data : BroadbandData
        The broadband tables, as :func:`smartidf_analysis.broadband.io.load` returns them.

    Returns
    -------
    Indicators
        Every indicator frame (see :class:`Indicators`).
    """
    units = bb.unit_quarters(data.fibre, data.premises)
    coverage = bb.commune_coverage(units, data.communes, data.premises)
    names = data.departments.drop_duplicates("department_code").set_index(
        "department_code")["department_name"]
    departments = ba.aggregate_coverage(coverage, "department", names)
    region = ba.aggregate_coverage(coverage, "region")
    zoning = ba.zoning_breakdown(units, data.premises)
    projection = proj.project_communes(coverage)
    dep_projection = proj.project_departments(projection)
    computed = computed_zone_rates(departments, region)
    last = computed[computed["quarter"] == computed["quarter"].max()]
    weights = last[last["zone_code"] != "R11"].set_index("zone_code")["premises_total"]
    trajectory = proj.department_trajectory(data.series, computed, weights)
    trend = proj.department_trend_projection(computed)
    return Indicators(
        units=units, coverage=coverage, classes=bb.class_consistency(units),
        departments=departments, epci=ba.aggregate_coverage(coverage, "epci"),
        ept=ba.aggregate_coverage(coverage, "ept"), region=region, zoning=zoning,
        status=ba.regional_status(region, zoning),
        reconciliation=ba.reconcile_departments(data.fibre, data.departments),
        projection=projection, department_projection=dep_projection, trajectory=trajectory,
        overlap=proj.series_overlap(data.series),
        backtest=proj.backtest(dep_projection, trajectory, trend))


def commune_series(ind: Indicators, commune_code: str) -> pd.DataFrame:
    """The observed quarters of one commune plus its projected path (central, slow, fast
    pace) to its target quarter: ``quarter``, ``kind`` (observed | projected),
    ``coverage_rate``, ``rate_slow``, ``rate_fast`` [fraction].

    Parameters
    ----------
    ind : Indicators
        :func:`compute_indicators`.
    commune_code : str
        Current INSEE commune code (Paris as ``"75056"``).

    Returns
    -------
    pandas.DataFrame
        Observed rows (``rate_slow``/``rate_fast`` NaN) then projected rows; only the
        observed rows when the commune has no projection.
    """
    obs = ind.coverage[ind.coverage["commune_code"] == commune_code]
    out = pd.DataFrame({"quarter": obs["quarter"], "kind": "observed",
                        "coverage_rate": obs["coverage_rate"]})
    p = ind.projection[ind.projection["commune_code"] == commune_code]
    if p.empty or p["verdict"].iloc[0] == "no_data":
        return out.reset_index(drop=True)
    p = p.iloc[0]
    start = proj.quarter_index([p["last_quarter"]])[0]
    stop = max(proj.quarter_index([p["target"]])[0], start)
    steps = np.arange(start, stop + 1)
    den, last = p["premises_total"], p["connectable_premises_last"]
    cap = max(den, last)

    def path(pace):
        pace = 0.0 if not np.isfinite(pace) else max(pace, 0.0)
        return np.clip(last + pace * (steps - start), last, cap) / den

    future = pd.DataFrame({"quarter": proj.quarter_label(steps), "kind": "projected",
                           "coverage_rate": path(p["pace_premises"]),
                           "rate_slow": path(p["pace_low"]), "rate_fast": path(p["pace_high"])})
    return pd.concat([out, future], ignore_index=True)


def coverage_by_income(coverage: pd.DataFrame, incomes: pd.DataFrame,
                       quarter: str | None = None, groups: int = 5) -> pd.DataFrame:
    """Coverage by income group: communes split into ``groups`` equal-count groups of
    median declared income per consumption unit (Filosofi 2021) [EUR].

    Per group: communes, income range, premises-weighted rate (Σ connectable / Σ premises)
    and the median commune rate [fraction], population 2023. Communes without a rate or
    an income (statistical secrecy, codes that do not match) are counted in the
    ``attrs["left_out"]`` dict, not dropped silently.

    Parameters
    ----------
    coverage : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.coverage.commune_coverage`.
    incomes : pandas.DataFrame
        ``commune_code`` and ``median_income_eur`` [EUR] (``BroadbandData.incomes``).
    quarter : str, optional
        Quarter label; default the last quarter of ``coverage``.
    groups : int, default 5
        Number of equal-count income groups (5: quintiles ``Q1``…``Q5``).

    Returns
    -------
    pandas.DataFrame
        One row per group: ``income_group``, ``communes``, ``income_min``, ``income_max``
        [EUR], ``connectable_premises``, ``premises_total`` [premises],
        ``median_commune_rate`` [fraction], ``population`` [inhabitants, 2023],
        ``coverage_rate_premises`` [fraction]; ``attrs["left_out"]`` and ``attrs["quarter"]``.
    """
    quarter = quarter or coverage["quarter"].max()
    cov = coverage[coverage["quarter"] == quarter]
    income = incomes.drop_duplicates("commune_code").set_index("commune_code")[
        "median_income_eur"]
    d = cov.assign(median_income_eur=cov["commune_code"].map(income))
    no_rate = d["coverage_rate"].isna()
    no_income = d["median_income_eur"].isna() & ~no_rate
    d = d[~no_rate & ~no_income]
    d = d.assign(income_group=pd.qcut(d["median_income_eur"], groups,
                                      labels=[f"Q{i + 1}" for i in range(groups)]))
    out = d.groupby("income_group", observed=True).agg(
        communes=("commune_code", "size"), income_min=("median_income_eur", "min"),
        income_max=("median_income_eur", "max"),
        connectable_premises=("connectable_premises", "sum"),
        premises_total=("premises_total", "sum"), median_commune_rate=("coverage_rate", "median"),
        population=("population", "sum")).reset_index()
    out["coverage_rate_premises"] = out["connectable_premises"] / out["premises_total"]
    out["income_group"] = out["income_group"].astype(str)
    out.attrs["left_out"] = {"no_rate": int(no_rate.sum()), "no_income": int(no_income.sum())}
    out.attrs["quarter"] = quarter
    return out


def income_rank_correlation(coverage: pd.DataFrame, incomes: pd.DataFrame,
                            quarter: str | None = None) -> float:
    """Spearman rank correlation between commune median declared income 2021 and coverage
    rate at ``quarter`` (communes with both).

    Parameters
    ----------
    coverage : pandas.DataFrame
        :func:`~smartidf_analysis.broadband.coverage.commune_coverage`.
    incomes : pandas.DataFrame
        ``commune_code`` and ``median_income_eur`` [EUR] (``BroadbandData.incomes``).
    quarter : str, optional
        Quarter label; default the last quarter of ``coverage``.

    Returns
    -------
    float
        Spearman's rho, between -1 and 1.
    """
    from scipy.stats import spearmanr

    quarter = quarter or coverage["quarter"].max()
    cov = coverage[coverage["quarter"] == quarter]
    income = incomes.drop_duplicates("commune_code").set_index("commune_code")[
        "median_income_eur"]
    d = pd.DataFrame({"rate": cov["coverage_rate"].to_numpy(),
                      "income": cov["commune_code"].map(income).to_numpy()}).dropna()
    return float(spearmanr(d["income"], d["rate"]).statistic)


MAP_INDICATORS = ("rate", "class", "premises", "growth")


def map_values(coverage_at_quarter: pd.DataFrame, indicator: str) -> tuple[np.ndarray, np.ndarray]:
    """The values a commune map shows for ``indicator`` and why a value is missing.

    ``coverage_at_quarter``: ``Indicators.coverage`` rows of one quarter, one per
    commune, in map order (rows of communes absent from the file are NaN). ``indicator``:
    ``rate`` (connectable / total premises, fraction), ``class`` (ARCEP's coverage class as
    its index in :data:`~smartidf_analysis.broadband.coverage.ARCEP_CLASSES`), ``premises``
    (connectable premises [count], missing where the commune has no fibre row) or
    ``growth`` (change of the rate since the previous quarter [fraction points]). Returns
    (values, reasons): reasons are ``no_data_reason`` codes, ``"no_fibre_row"`` for a
    commune absent from the file.

    Parameters
    ----------
    coverage_at_quarter : pandas.DataFrame
        See above.
    indicator : {"rate", "class", "premises", "growth"}
        See above (:data:`MAP_INDICATORS`).

    Returns
    -------
    values : numpy.ndarray
        One float per row of ``coverage_at_quarter``, in the indicator's unit.
    reasons : numpy.ndarray
        One ``no_data_reason`` code per row (``""`` where the rate exists).

    Raises
    ------
    ValueError
        If ``indicator`` is not one of :data:`MAP_INDICATORS`.
    """
    f = coverage_at_quarter
    if indicator == "rate":
        values = f["coverage_rate"].to_numpy(float)
    elif indicator == "class":
        values = pd.Series(f["arcep_class"].to_numpy(float)).map(
            {c: i for i, c in enumerate(bb.ARCEP_CLASSES)}).to_numpy(float)
    elif indicator == "premises":
        values = f["connectable_premises"].where(
            f["no_data_reason"] != "no_fibre_row").to_numpy(float)
    elif indicator == "growth":
        values = f["growth_points"].to_numpy(float)
    else:
        raise ValueError(f"unknown map indicator {indicator!r}; known: {MAP_INDICATORS}")
    reasons = f["no_data_reason"].fillna("no_fibre_row").to_numpy(object)
    return values, reasons
