"""Broadband page display helpers: quarter labels, number formats and reader-friendly
versions of the tables (the CSV downloads keep the package's raw tables)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis import broadband as bb

from ..i18n import fmt_number, tr
from .texts import LABELS


def quarter_text(quarter: str | None, lang: str = "fr") -> str:
    """``"2018Q1"`` -> ``"T1 2018"`` (French, ARCEP's notation) or ``"Q1 2018"``.

    Parameters
    ----------
    quarter : str or None
        ``"YYYYQn"``; anything without a "Q" gives "—".
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        The label.
    """
    if not quarter or "Q" not in str(quarter):
        return "—"
    year, q = str(quarter).split("Q")
    return f"{'Q' if lang == 'en' else 'T'}{q} {year}"


def map_display(values: np.ndarray, reasons: np.ndarray, indicator: str, *, first: bool,
                lang: str) -> list[str]:
    """The map's hover text per commune: the value of ``indicator`` formatted (rate [%], ARCEP
    class, premises [count], growth [points]) or "no data" with its reason (``reasons``:
    codes of :func:`~smartidf_analysis.broadband.indicators.map_values`; ``first``: the
    quarter shown is the first observed one, which has no growth).

    Parameters
    ----------
    values : ndarray
        Rate [0-1], class position, premises [count] or growth [0-1/quarter]; NaN = no data.
    reasons : ndarray
        No-data reason code per commune ("" when none).
    indicator : {"rate", "class", "premises", "growth"}
        The indicator shown.
    first : bool
        The quarter shown is the first observed one.
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    list of str
        One hover text per commune.
    """
    from smartidf_analysis.plots.broadband import CLASS_LABELS

    out = []
    for v, r in zip(values, reasons, strict=True):
        if np.isfinite(v):
            if indicator == "rate":
                text = pct(v, lang) + (" ⚠ > 100 %" if v > 1 else "")
            elif indicator == "class":
                text = CLASS_LABELS[int(v)]
            elif indicator == "premises":
                text = fmt_number(v, lang)
            else:
                text = f"{fmt_number(100 * v, lang, 2)} pts"
        elif r:
            text = f"{tr('bb_no_data', lang)} — {tr('bb_reason_' + r, lang)}"
        elif indicator == "growth" and first:
            text = f"{tr('bb_no_data', lang)} — {tr('bb_first_quarter', lang)}"
        elif indicator == "class":
            text = f"{tr('bb_no_data', lang)} — {tr('bb_merged_class', lang)}"
        else:
            text = tr("bb_no_data", lang)
        out.append(text)
    return out


def pct(x, lang: str, digits: int = 1) -> str:
    """A fraction as a percentage text (``"65,3 %"``), "—" when missing.

    Parameters
    ----------
    x : float or None
        A fraction [0-1].
    lang : str
        ``"fr"`` or ``"en"``.
    digits : int
        Decimals of the percentage.

    Returns
    -------
    str
        The percentage [%].
    """
    return "—" if x is None or not np.isfinite(x) else f"{fmt_number(100 * x, lang, digits)} %"


def formatters(frame: pd.DataFrame, lang: str) -> dict:
    """Tabulator number formatters: thousands separated, French or English style; one
    decimal for percentages and points (two for growth), none for counts.

    Parameters
    ----------
    frame : DataFrame
        The table shown (its numeric, non-boolean columns are formatted).
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    dict
        Column -> Tabulator formatter.
    """
    sep, dec = ("\u202f", ",") if lang == "fr" else (",", ".")
    out = {}
    for col in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[col]) and not pd.api.types.is_bool_dtype(frame[col]):
            digits = 1 if any(k in col for k in ("pct", "points", "rate", "share")) else 0
            digits = 2 if col == "growth_points" else digits
            out[col] = {"type": "money", "thousand": sep, "decimal": dec, "precision": digits}
    return out


def titles(frame: pd.DataFrame, lang: str) -> dict[str, str]:
    """Translated column titles for the columns that have one.

    Parameters
    ----------
    frame : DataFrame
        The table shown.
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    dict of str to str
        Column -> title (``bb_col_<column>`` labels).
    """
    return {c: tr("bb_col_" + c, lang) for c in frame.columns if "bb_col_" + c in LABELS}


def no_data_shown(coverage: pd.DataFrame, quarter: str, lang: str) -> pd.DataFrame:
    """Communes without a rate or off the map at ``quarter``, with the translated reason.

    Parameters
    ----------
    coverage : DataFrame
        Coverage per commune and quarter (:func:`~smartidf_analysis.broadband.aggregates.no_data_communes`).
    quarter : str
        ``"YYYYQn"``.
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    DataFrame
        ``commune_code``, ``commune_name``, ``department_code``, ``coverage_rate`` [%],
        ``reason``.
    """
    d = bb.no_data_communes(coverage, quarter)
    reason = [" ; ".join(t for t in (tr("bb_reason_" + k, lang) if k else "",
                                     "" if on_map else tr("bb_not_on_map", lang)) if t)
              for k, on_map in zip(d["no_data_reason"], d["has_boundary"], strict=True)]
    return pd.DataFrame({"commune_code": d["commune_code"], "commune_name": d["commune_name"],
                         "department_code": d["department_code"],
                         "coverage_rate": (100 * d["coverage_rate"]).round(1), "reason": reason})


def backtest_shown(backtest: pd.DataFrame, names: dict[str, str], lang: str) -> pd.DataFrame:
    """The backtest rounded to 0.1 point, with zone names and quarter labels.

    Parameters
    ----------
    backtest : DataFrame
        ``zone_code``, ``quarter``, ``projected_pct``, ``projected_pct_slow``,
        ``projected_pct_fast``, ``actual_pct``, ``trend_pct`` [%], ``error_points``,
        ``trend_error_points`` [points], ``actual_source``.
    names : dict of str to str
        Zone code -> name (the region, R11, is named here).
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    DataFrame
        ``zone_code``, ``quarter`` (label), ``zone_name``, the rounded columns [% and points]
        and ``actual_source``.
    """
    cols = ["projected_pct", "projected_pct_slow", "projected_pct_fast", "actual_pct",
            "error_points", "trend_pct", "trend_error_points"]
    out = backtest[["zone_code", "quarter"]].assign(
        zone_name=backtest["zone_code"].map({**names, "R11": "Île-de-France"}))
    out = pd.concat([out, backtest[cols].round(1), backtest[["actual_source"]]], axis=1)
    out["quarter"] = out["quarter"].map(lambda q: quarter_text(q, lang))
    return out


def zoning_shown(zoning: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Coverage per ARCEP zone with translated zone names, rates in %.

    Parameters
    ----------
    zoning : DataFrame
        ``zone``, ``quarter``, ``communes``, ``premises_total``, ``connectable_premises``,
        ``coverage_rate`` and ``share_of_premises`` [0-1].
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    DataFrame
        The same columns, zone and quarter as labels, ``coverage_rate`` and
        ``share_of_premises`` in % (one decimal).
    """
    return pd.DataFrame({
        "zone": zoning["zone"].map(lambda k: tr("bb_zone_" + k, lang) if k in bb.ZONES else k),
        "quarter": zoning["quarter"].map(lambda q: quarter_text(q, lang)),
        "communes": zoning["communes"], "premises_total": zoning["premises_total"],
        "connectable_premises": zoning["connectable_premises"],
        "coverage_rate": (100 * zoning["coverage_rate"]).round(1),
        "share_of_premises": (100 * zoning["share_of_premises"]).round(1)})


def gaps_shown(gaps: pd.DataFrame) -> pd.DataFrame:
    """The gap list with the rate in % and growth in points.

    Parameters
    ----------
    gaps : DataFrame
        The gap list (``coverage_rate`` [0-1], ``growth_points`` [0-1 per quarter],
        ``uncovered_population`` [persons], ...).

    Returns
    -------
    DataFrame
        The same, ``coverage_rate`` [%], ``growth_points`` [points], population rounded.
    """
    return gaps.assign(coverage_rate=(100 * gaps["coverage_rate"]).round(1),
                       growth_points=(100 * gaps["growth_points"]).round(2),
                       uncovered_population=gaps["uncovered_population"].round(0))
