"""Observed telework signal from IDFM daily rail validations (2024-07-01 – 2025-06-30).

People who telework one or two days a week mostly pick Monday or Friday, so stations whose
users telework show fewer validations on those days than mid-week. Per station (IDFM
correspondence zone ``zdc_id``) and per commune::

    midweek_ratio = mean daily validations Tue–Thu / mean daily validations Mon, Fri

over "ordinary" weeks: weeks holding a public holiday (and so its bridge days) and the
periods in :data:`EXCLUDED_PERIODS` (summer holidays with the 2024 Olympic and Paralympic
Games, Christmas holidays) are left out. A ratio of 1 means no weekday pattern; 1.10 means
mid-week traffic 10 % above Monday/Friday traffic. Only the ``Forfait Navigo`` ticket
category (monthly and yearly passes: the commuters) is counted by default.

The validations count boardings at a station (residents leaving, but also workers going
home), and are 2024–25 while the modelled demand rests on 2014 flows: the correlation
reported by :func:`signal_vs_demand` is a plausibility check, not a calibration. Rows with an
empty ``zdc_id`` (a few thousand) cannot be placed:
:func:`smartidf_analysis.telecentres.io.validation_gaps` lists them. The daily validations are
read by :func:`smartidf_analysis.telecentres.io.load_daily`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: French public holidays in the validation period (weeks holding one are left out).
PUBLIC_HOLIDAYS = ("2024-07-14", "2024-08-15", "2024-11-01", "2024-11-11", "2024-12-25",
                   "2025-01-01", "2025-04-21", "2025-05-01", "2025-05-08", "2025-05-29",
                   "2025-06-09")
#: Periods left out [first day, last day]: summer holidays including the Paris 2024 Olympic
#: (26 July – 11 August) and Paralympic (28 August – 8 September) Games; Christmas holidays.
EXCLUDED_PERIODS = (("2024-07-01", "2024-09-08"), ("2024-12-21", "2025-01-05"))
COMMUTER_CATEGORIES = ("Forfait Navigo",)
MIN_DAYS = 20  # minimum Tue–Thu days and Mon/Fri days for a ratio


def ordinary_days(days: pd.Series, holidays=PUBLIC_HOLIDAYS,
                  excluded=EXCLUDED_PERIODS) -> pd.Series:
    """True for Monday–Friday days outside holiday weeks and excluded periods.

    Parameters
    ----------
    days : Series
        Dates.
    holidays : iterable
        Public holidays (dates): their whole Monday-Sunday week is left out.
    excluded : iterable of (str, str)
        Periods left out, first and last day included.

    Returns
    -------
    Series of bool
        Aligned with ``days``.
    """
    days = pd.to_datetime(days)
    week = days.dt.to_period("W-SUN")
    holiday_weeks = set(pd.to_datetime(list(holidays)).to_period("W-SUN"))
    keep = (days.dt.day_of_week < 5) & ~week.isin(holiday_weeks)
    for start, end in excluded:
        keep &= ~days.between(pd.Timestamp(start), pd.Timestamp(end))
    return keep


def midweek_ratio(daily: pd.DataFrame, key: str = "zdc_id", holidays=PUBLIC_HOLIDAYS,
                  excluded=EXCLUDED_PERIODS, min_days: int = MIN_DAYS) -> pd.DataFrame:
    """Per ``key``: ``midweek_mean`` (Tue–Thu), ``monday_friday_mean`` [validations/day],
    ``midweek_ratio`` (NaN below ``min_days`` of either kind or with no Mon/Fri traffic),
    ``midweek_days``, ``monday_friday_days`` and ``weekday_validations`` (total kept).

    Parameters
    ----------
    daily : DataFrame
        ``key``, ``day`` (datetime) and ``validations`` [validations/day].
    key : str
        Column to group by.
    holidays : iterable
        Public holidays (dates): their whole Monday-Sunday week is left out.
    excluded : iterable of (str, str)
        Periods left out, first and last day included.
    min_days : int
        Minimum days of each kind for a ratio.

    Returns
    -------
    DataFrame
        One row per ``key``: the columns above; ``midweek_ratio`` [-].
    """
    d = daily[ordinary_days(daily["day"], holidays, excluded).to_numpy()]
    dow = d["day"].dt.day_of_week
    kind = np.where(dow.isin([1, 2, 3]), "mid", "edge")
    g = d.assign(kind=kind).groupby([key, "kind"])["validations"].agg(["mean", "size", "sum"])
    wide = g.unstack("kind")
    out = pd.DataFrame(index=wide.index)
    out["midweek_mean"] = wide[("mean", "mid")] if ("mean", "mid") in wide else np.nan
    out["monday_friday_mean"] = wide[("mean", "edge")] if ("mean", "edge") in wide else np.nan
    out["midweek_days"] = wide.get(("size", "mid"), 0).fillna(0).astype(int)
    out["monday_friday_days"] = wide.get(("size", "edge"), 0).fillna(0).astype(int)
    out["weekday_validations"] = wide["sum"].sum(axis=1)
    enough = (out["midweek_days"] >= min_days) & (out["monday_friday_days"] >= min_days) & (
        out["monday_friday_mean"] > 0)
    out["midweek_ratio"] = np.where(enough, out["midweek_mean"] / out["monday_friday_mean"],
                                    np.nan)
    return out.reset_index()


def station_signal(daily: pd.DataFrame, sites: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """:func:`midweek_ratio` per station with its name, lines and commune (``sites`` from
    :func:`smartidf_analysis.telecentres.sites.dedupe_stations`; zones not in it keep NaN names).

    Parameters
    ----------
    daily : DataFrame
        ``zdc_id``, ``day``, ``validations`` (:func:`smartidf_analysis.telecentres.io.load_daily`).
    sites : DataFrame
        ``site_id`` (= ``zdc_id``), ``station_name``, ``lines``, ``commune_code``, ``lon``,
        ``lat``.
    **kwargs
        ``holidays``, ``excluded``, ``min_days`` of :func:`midweek_ratio`.

    Returns
    -------
    DataFrame
        :func:`midweek_ratio`'s columns per ``zdc_id`` plus ``station_name``, ``lines``,
        ``commune_code``, ``lon``, ``lat`` [deg].
    """
    ratio = midweek_ratio(daily, "zdc_id", **kwargs)
    info = sites[["site_id", "station_name", "lines", "commune_code", "lon", "lat"]]
    return ratio.merge(info, left_on="zdc_id", right_on="site_id", how="left").drop(
        columns="site_id")


def commune_signal(daily: pd.DataFrame, sites: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """:func:`midweek_ratio` per commune: validations of the commune's stations summed per
    day first (stations outside the region or unknown zones are left out), plus
    ``stations`` (count).

    Parameters
    ----------
    daily : DataFrame
        ``zdc_id``, ``day``, ``validations``.
    sites : DataFrame
        ``site_id`` (= ``zdc_id``) and ``commune_code``.
    **kwargs
        ``holidays``, ``excluded``, ``min_days`` of :func:`midweek_ratio`.

    Returns
    -------
    DataFrame
        :func:`midweek_ratio`'s columns per ``commune_code`` plus ``stations``.
    """
    code = sites.set_index("site_id")["commune_code"]
    d = daily.assign(commune_code=daily["zdc_id"].map(code)).dropna(subset=["commune_code"])
    per_day = d.groupby(["commune_code", "day"], as_index=False)["validations"].sum()
    out = midweek_ratio(per_day, "commune_code", **kwargs)
    counts = d.groupby("commune_code")["zdc_id"].nunique().rename("stations")
    return out.merge(counts, left_on="commune_code", right_index=True, how="left")


def signal_vs_demand(signal: pd.DataFrame, demand: pd.DataFrame,
                     measures=("users_per_1000_workers", "daily_users")) -> pd.DataFrame:
    """Correlation of the communes' ``midweek_ratio`` with modelled demand columns
    (:func:`~smartidf_analysis.telecentres.demand.demand_by_commune`): ``measure, communes,
    spearman, spearman_p, pearson, pearson_p`` over communes with both values.

    Parameters
    ----------
    signal : DataFrame
        :func:`commune_signal`.
    demand : DataFrame
        :func:`~smartidf_analysis.telecentres.demand.demand_by_commune`.
    measures : iterable of str
        Demand columns to correlate with.

    Returns
    -------
    DataFrame
        One row per measure; NaN coefficients below 3 communes or on constant values.
    """
    from scipy import stats  # here: 0.3-0.9 s to import, most studies never need it

    both = signal.merge(demand, left_on="commune_code", right_on="home_code", how="inner")
    rows = []
    for measure in measures:
        ok = both["midweek_ratio"].notna() & both[measure].notna()
        x, y = both.loc[ok, "midweek_ratio"], both.loc[ok, measure]
        if ok.sum() >= 3 and x.nunique() > 1 and y.nunique() > 1:
            sp, pe = stats.spearmanr(x, y), stats.pearsonr(x, y)
            rows.append({"measure": measure, "communes": int(ok.sum()),
                         "spearman": float(sp.statistic), "spearman_p": float(sp.pvalue),
                         "pearson": float(pe.statistic), "pearson_p": float(pe.pvalue)})
        else:
            rows.append({"measure": measure, "communes": int(ok.sum()), "spearman": np.nan,
                         "spearman_p": np.nan, "pearson": np.nan, "pearson_p": np.nan})
    return pd.DataFrame(rows)


def gap_summary(gaps: pd.DataFrame, total_validations: float | None = None) -> pd.DataFrame:
    """Rows and validations per gap ``issue`` (and their share of ``total_validations``).

    Parameters
    ----------
    gaps : DataFrame
        :func:`smartidf_analysis.telecentres.io.validation_gaps`.
    total_validations : float, optional
        All validations of the period, for the share.

    Returns
    -------
    DataFrame
        ``issue``, ``rows``, ``validations``, ``zones``, ``stop_names`` and, with a total,
        ``share_of_validations`` [0-1].
    """
    out = gaps.groupby("issue", as_index=False).agg(
        rows=("rows", "sum"), validations=("validations", "sum"),
        zones=("zdc_id", "nunique"), stop_names=("stop_name", "nunique"))
    if total_validations:
        out["share_of_validations"] = out["validations"] / total_validations
    return out
