"""Fibre coverage projections, the department series to 2024, and the backtest.

Pure functions on DataFrames (no database, no widgets); :mod:`smartidf_analysis.broadband`
loads the data and computes the commune quarters these functions take.

* :func:`project_communes` — per commune, the quarters to full FttH coverage at the pace
  observed over ARCEP's three commune quarters (2017Q3–2018Q1) and whether the target
  (end 2021; Seine-et-Marne end 2023) would be met. Three quarters give only **two**
  quarter-on-quarter increments: the result carries the slowest and fastest of them as a
  range, a verdict that says "uncertain" when the range straddles the target, and the
  caveat :data:`PROJECTION_CAVEAT` in ``frame.attrs["caveat"]``.
* :func:`project_departments` — the commune projections summed per department (and region)
  at given quarters; :func:`department_trend_projection` is the naive reference (the
  department's own linear trend).
* :func:`department_trajectory` (:mod:`~smartidf_analysis.broadband.trajectory`, with
  :func:`backtest`; both importable from here) — the Baromètre series (Etalab 2017Q4–2022Q3 rounded to whole
  percent; DITP IND-306 2022Q2–2024Q2, two decimals, and R11) joined to the rates computed
  from the commune file, with the preferred value per quarter (DITP where both exist).
* :func:`backtest` — projected vs actual department rates at end 2021, end 2023 and mid 2024.

Units: rates are fractions (0–1) unless the column ends in ``_pct`` [%]; paces are
connectable premises per quarter or rate points (fraction) per quarter; quarters are
``"2018Q1"`` labels. Sources: ARCEP observatoire HD/THD (deployment 2017T3–2018T1,
commune information 2018T1); Baromètre des résultats de l'action publique (Etalab / DINUM,
DITP), figures ARCEP.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis.broadband.trajectory import (  # noqa: F401 - moved there, re-exported
    COMMUNE_FILE,
    DITP,
    ETALAB,
    REGION_ESTIMATE,
    backtest,
    department_trajectory,
    series_overlap,
)

#: Targets of the regional plan: very-high-speed broadband for all by end 2021,
#: Seine-et-Marne (77) by end 2023.
DEFAULT_TARGET = "2021Q4"
TARGETS = {"77": "2023Q4"}
#: Quarters at which the backtest compares projection and reality (end 2021, end 2023,
#: mid 2024 = the last Baromètre quarter).
CHECKPOINTS = ("2021Q4", "2023Q4", "2024Q2")

PROJECTION_CAVEAT = (
    "Pace observed over three ARCEP quarters only (2017Q3-2018Q1), i.e. two quarter-on-quarter "
    "increments: the range runs from the slower to the faster increment and 'uncertain' means "
    "the target falls inside it. A straight line over 15 quarters ignores the S-shape of "
    "deployments (public networks start late and fast) and ARCEP's later upward revisions of "
    "the premises count (the denominator here is fixed at 2018T1)."
)

VERDICTS = ("no_data", "covered", "on_track", "uncertain", "off_track", "no_progress")


def quarter_index(labels) -> np.ndarray:
    """``"2018Q1"`` -> 2018 * 4 + 0 (integer quarters as float; missing -> NaN).

    Parameters
    ----------
    labels : sequence of str
        Quarter labels such as ``"2018Q1"``; missing or malformed labels give NaN.

    Returns
    -------
    numpy.ndarray
        Quarter numbers (year × 4 + quarter − 1) as float.
    """
    codes, uniques = pd.factorize(pd.Series(labels, dtype=object), use_na_sentinel=True)
    values = np.array([_one_quarter(u) for u in uniques] + [np.nan])
    return values[codes]


def _one_quarter(label) -> float:
    try:
        year, q = str(label).split("Q")
        return int(year) * 4 + int(q) - 1
    except ValueError:
        return np.nan


def quarter_label(index) -> np.ndarray:
    """Inverse of :func:`quarter_index`; non-finite values give ``None``.

    Parameters
    ----------
    index : array_like of float
        Quarter numbers as :func:`quarter_index` returns them.

    Returns
    -------
    numpy.ndarray
        Object array of ``"YYYYQn"`` labels (``None`` for non-finite values).
    """
    idx = np.asarray(index, dtype=float)
    out = np.full(idx.shape, None, dtype=object)
    ok = np.isfinite(idx)
    i = idx[ok].astype(int)
    out[ok] = [f"{y}Q{q}" for y, q in zip(i // 4, i % 4 + 1, strict=True)]
    return out


def target_for(department_code) -> np.ndarray:
    """Target quarter per department code (``TARGETS``, else ``DEFAULT_TARGET``).

    Parameters
    ----------
    department_code : str or sequence of str
        Department codes such as ``"77"``.

    Returns
    -------
    numpy.ndarray
        Object array of target quarter labels.
    """
    dep = pd.Series(department_code, dtype="str")
    return dep.map(TARGETS).fillna(DEFAULT_TARGET).to_numpy(dtype=object)


def _slope(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Row-wise least-squares slope of ``y`` on ``x`` ignoring NaN (NaN if < 2 points)."""
    ok = ~np.isnan(y)
    n = ok.sum(axis=1)
    xs = np.where(ok, x, 0.0)
    ys = np.where(ok, y, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        xm = xs.sum(axis=1) / n
        ym = ys.sum(axis=1) / n
        dx = np.where(ok, x - xm[:, None], 0.0)
        dy = np.where(ok, y - ym[:, None], 0.0)
        slope = (dx * dy).sum(axis=1) / (dx * dx).sum(axis=1)
    return np.where(n >= 2, slope, np.nan)


def _quarters_needed(remaining: np.ndarray, pace: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        q = np.where(pace > 0, remaining / pace, np.inf)
    q = np.where(remaining <= 0, 0.0, q)
    return np.where(np.isnan(pace) & (remaining > 0), np.nan, q)


def project_communes(coverage: pd.DataFrame, full: float = 1.0) -> pd.DataFrame:
    """Quarters to full coverage per commune at the observed pace, against the target.

    ``coverage``: one row per commune and quarter with ``commune_code``, ``department_code``,
    ``quarter``, ``connectable_premises``, ``premises_total`` and ``coverage_rate`` (NaN when
    the rate is undefined, see ``no_data_reason``). ``full`` is the rate taken as full
    coverage [fraction].

    Returns one row per commune: ``n_quarters_observed``, ``last_quarter``, ``rate_last``,
    ``pace_premises`` (least-squares slope [premises/quarter]), ``pace_low``/``pace_high``
    (slowest/fastest quarter-on-quarter increment [premises/quarter]), ``pace_points``
    (pace / premises [rate/quarter]), ``quarters_to_full`` (and ``_fast``/``_slow`` from the
    fast/slow increments; inf when the pace is zero), ``full_by`` (quarter label at the
    central pace, and ``full_by_earliest``/``full_by_latest``), ``target``,
    ``meets_target`` (central pace), ``verdict`` (one of :data:`VERDICTS`). The caveat is in
    ``attrs["caveat"]``.

    Parameters
    ----------
    coverage : pandas.DataFrame
        See above.
    full : float, default 1.0
        See above [fraction].

    Returns
    -------
    pandas.DataFrame
        One row per commune with ``commune_code``, ``department_code``,
        ``connectable_premises_last`` [premises], ``premises_total`` [premises] and the
        columns listed above; ``attrs["caveat"]`` and ``attrs["observed_quarters"]``.
    """
    quarters = sorted(coverage["quarter"].dropna().unique())
    valid = coverage["coverage_rate"].notna()
    conn = coverage["connectable_premises"].where(valid)
    wide = (coverage.assign(_conn=conn)
            .pivot_table(index="commune_code", columns="quarter", values="_conn",
                         aggfunc="first", dropna=False)
            .reindex(columns=quarters))
    info = (coverage.sort_values("quarter")
            .groupby("commune_code", sort=True)
            .agg(department_code=("department_code", "last"),
                 premises_total=("premises_total", "last")))
    wide = wide.reindex(info.index)
    y = wide.to_numpy(dtype=float)
    x = np.broadcast_to(quarter_index(quarters), y.shape)
    n_obs = (~np.isnan(y)).sum(axis=1)
    pace = _slope(x, y)
    steps = np.diff(y, axis=1) / np.diff(x, axis=1)
    all_nan = np.isnan(steps).all(axis=1)
    pace_low = np.where(all_nan, np.nan, np.where(np.isnan(steps), np.inf, steps).min(axis=1))
    pace_high = np.where(all_nan, np.nan, np.where(np.isnan(steps), -np.inf, steps).max(axis=1))
    last_pos = np.where(n_obs > 0, y.shape[1] - 1 - np.argmax(~np.isnan(y[:, ::-1]), axis=1), -1)
    rows = np.arange(len(y))
    conn_last = np.where(last_pos >= 0, y[rows, last_pos], np.nan)
    last_idx = np.where(last_pos >= 0, x[0][np.clip(last_pos, 0, None)], np.nan)
    den = info["premises_total"].to_numpy(dtype=float)
    remaining = np.maximum(full * den - conn_last, 0.0)
    q_mid = _quarters_needed(remaining, pace)
    q_fast = _quarters_needed(remaining, pace_high)
    q_slow = _quarters_needed(remaining, pace_low)
    target = target_for(info["department_code"])
    available = quarter_index(target) - last_idx
    out = pd.DataFrame({
        "commune_code": info.index,
        "department_code": info["department_code"].to_numpy(),
        "n_quarters_observed": n_obs,
        "last_quarter": quarter_label(last_idx),
        "connectable_premises_last": conn_last,
        "premises_total": den,
        "rate_last": np.where(den > 0, conn_last / np.where(den > 0, den, 1), np.nan),
        "pace_premises": pace,
        "pace_low": pace_low,
        "pace_high": pace_high,
        "pace_points": np.where(den > 0, pace / np.where(den > 0, den, 1), np.nan),
        "quarters_to_full": q_mid,
        "quarters_to_full_fast": q_fast,
        "quarters_to_full_slow": q_slow,
        "full_by": quarter_label(last_idx + np.ceil(q_mid)),
        "full_by_earliest": quarter_label(last_idx + np.ceil(q_fast)),
        "full_by_latest": quarter_label(last_idx + np.ceil(q_slow)),
        "target": target,
    })
    no_data = (n_obs < 2) | ~(den > 0)
    meets = pd.array(q_mid <= available, dtype="boolean")
    meets[no_data] = pd.NA
    out["meets_target"] = meets
    verdict = np.select(
        [no_data, remaining <= 0, q_slow <= available, ~(pace_high > 0), q_fast > available],
        ["no_data", "covered", "on_track", "no_progress", "off_track"], "uncertain")
    out["verdict"] = verdict
    out.attrs["caveat"] = PROJECTION_CAVEAT
    out.attrs["observed_quarters"] = tuple(quarters)
    return out


def _projected_premises(proj: pd.DataFrame, quarter: str, pace_column: str) -> np.ndarray:
    """Connectable premises at ``quarter``: last value + pace × quarters, never below the
    last value nor above the premises count (or the last value when already above)."""
    k = quarter_index([quarter])[0] - quarter_index(proj["last_quarter"])
    last = proj["connectable_premises_last"].to_numpy(dtype=float)
    pace = np.nan_to_num(proj[pace_column].to_numpy(dtype=float), nan=0.0)
    cap = np.maximum(proj["premises_total"].to_numpy(dtype=float), last)
    return np.clip(last + np.maximum(pace, 0.0) * np.maximum(k, 0.0), last, cap)


def project_departments(proj: pd.DataFrame, quarters=CHECKPOINTS) -> pd.DataFrame:
    """Commune projections summed per department and for the region (``R11``).

    Communes without a projection (``verdict == "no_data"``) are left out and counted in
    ``communes_left_out``. Returns ``zone_code``, ``quarter``, ``projected_pct`` (central
    pace), ``projected_pct_slow``/``_fast`` [%], ``premises_total``.

    Parameters
    ----------
    proj : pandas.DataFrame
        :func:`project_communes`.
    quarters : sequence of str, default :data:`CHECKPOINTS`
        Quarter labels at which to project.

    Returns
    -------
    pandas.DataFrame
        One row per zone and quarter: ``zone_code``, ``quarter``, ``projected_pct``,
        ``projected_pct_slow``, ``projected_pct_fast`` [%], ``premises_total`` [premises],
        ``communes_left_out`` [communes].
    """
    ok = proj[proj["verdict"] != "no_data"]
    left_out = (proj["verdict"] == "no_data").groupby(proj["department_code"]).sum()
    rows = []
    for quarter in quarters:
        frame = pd.DataFrame({
            "zone_code": ok["department_code"].to_numpy(),
            "premises_total": ok["premises_total"].to_numpy(dtype=float),
            "mid": _projected_premises(ok, quarter, "pace_premises"),
            "slow": _projected_premises(ok, quarter, "pace_low"),
            "fast": _projected_premises(ok, quarter, "pace_high"),
        })
        region = frame.assign(zone_code="R11")
        sums = pd.concat([frame, region]).groupby("zone_code", sort=True).sum()
        sums["quarter"] = quarter
        rows.append(sums)
    out = pd.concat(rows).reset_index()
    for col, name in (("mid", "projected_pct"), ("slow", "projected_pct_slow"),
                      ("fast", "projected_pct_fast")):
        out[name] = 100 * out[col] / out["premises_total"]
    left_out = {**left_out.to_dict(), "R11": int(left_out.sum())}
    out["communes_left_out"] = out["zone_code"].map(left_out).fillna(0).astype(int)
    return out[["zone_code", "quarter", "projected_pct", "projected_pct_slow",
                "projected_pct_fast", "premises_total", "communes_left_out"]]


def department_trend_projection(department_rates: pd.DataFrame,
                                quarters=CHECKPOINTS) -> pd.DataFrame:
    """Naive reference: each zone's own least-squares trend over the observed quarters,
    capped at 100 %. ``department_rates``: ``zone_code``, ``quarter``, ``coverage_pct``.

    Parameters
    ----------
    department_rates : pandas.DataFrame
        See above (rates in ``coverage_pct`` [%]), e.g.
        :func:`~smartidf_analysis.broadband.indicators.computed_zone_rates`.
    quarters : sequence of str, default :data:`CHECKPOINTS`
        Quarter labels at which to project.

    Returns
    -------
    pandas.DataFrame
        ``zone_code``, ``quarter``, ``trend_pct`` [%] (never below the last observed value).
    """
    wide = department_rates.pivot_table(index="zone_code", columns="quarter",
                                        values="coverage_pct", aggfunc="first")
    observed = list(wide.columns)
    y = wide.to_numpy(dtype=float)
    x = np.broadcast_to(quarter_index(observed), y.shape)
    slope = _slope(x, y)
    last = y[:, -1]
    rows = []
    for quarter in quarters:
        k = quarter_index([quarter])[0] - quarter_index([observed[-1]])[0]
        rows.append(pd.DataFrame({"zone_code": wide.index, "quarter": quarter,
                                  "trend_pct": np.clip(last + slope * k, last, 100.0)}))
    return pd.concat(rows, ignore_index=True)
