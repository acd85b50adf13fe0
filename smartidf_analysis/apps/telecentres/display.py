"""Texts and tables of the telecentres page: column titles and number formats, the chosen
sites as shown, the KPI cards, the map caption (with its sources and the data seams) and the
message of an impossible setting. Pure functions of a scenario result and the language."""

from __future__ import annotations

import pandas as pd

from smartidf_analysis import plots
from smartidf_analysis.siting import SitingSettingsError
from smartidf_analysis.telecentres import scenarios as ts
from smartidf_analysis.telecentres.demand import SOURCES

from ..i18n import fmt_number, tr
from ..safe_text import escape_markdown
from ..tables import number_formatters
from .texts import LABELS

SITE_COLUMNS = ["rank", "station_name", "commune_code", "lines", "daily_users", "seats",
                "communes_served", "mean_distance_km", "coverage_rate"]
COMPARE_COLUMNS = ["scenario", "n_sites", "radius_km", "distance_threshold_km",
                   "teleworkable_factor", "days_per_week", "model", "method", "teleworkers",
                   "daily_users", "seats", "km_avoided_per_year", "co2_avoided_t_per_year",
                   "hours_saved_per_year", "demand_served_pct", "mip_gap", "status"]
#: decimals of the numeric columns of both tables (others unformatted)
DIGITS = {"daily_users": 0, "seats": 0, "teleworkers": 0, "km_avoided_per_year": 0,
          "co2_avoided_t_per_year": 0, "hours_saved_per_year": 0, "mean_distance_km": 1,
          "coverage_rate": 1, "demand_served_pct": 1}
KPIS = [("daily_users", "tc_kpi_users", 0), ("teleworkers", "tc_kpi_teleworkers", 0),
        ("seats", "tc_kpi_seats", 0), ("km_avoided_per_year", "tc_kpi_km", 0),
        ("co2_avoided_t_per_year", "tc_kpi_co2", 0), ("hours_saved_per_year", "tc_kpi_hours", 0),
        ("demand_served_pct", "tc_kpi_served", 1)]


def error_message(exc: Exception, lang: str) -> str:
    """A short translated message for an impossible setting (never a traceback).

    Parameters
    ----------
    exc : Exception
        The error of :func:`~smartidf_analysis.apps.telecentres.state.solve`.
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        Markdown (the error's own text escaped).
    """
    if isinstance(exc, SitingSettingsError) and f"tc_err_{exc.kind}" in LABELS:
        values = {k: fmt_number(v, lang, 1 if k == "radius" else 0)
                  for k, v in exc.values.items()}
        return tr(f"tc_err_{exc.kind}", lang).format(**values)
    return tr("tc_err_invalid", lang).format(message=escape_markdown(exc))


def titles(lang: str) -> dict[str, str]:
    """Column titles of the sites and comparison tables.

    Parameters
    ----------
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    dict of str to str
        Column -> title.
    """
    keys = {"rank": "tc_col_rank", "station_name": "tc_col_station",
            "commune_code": "tc_col_commune", "lines": "tc_col_lines",
            "daily_users": "tc_col_users", "seats": "tc_col_seats",
            "communes_served": "tc_col_communes", "mean_distance_km": "tc_col_distance",
            "coverage_rate": "tc_col_fibre", "scenario": "tc_col_scenario",
            "radius_km": "tc_col_radius", "distance_threshold_km": "tc_col_threshold",
            "teleworkable_factor": "tc_col_factor", "days_per_week": "tc_col_days",
            "model": "tc_model", "method": "tc_method", "teleworkers": "tc_col_teleworkers",
            "km_avoided_per_year": "tc_col_km", "co2_avoided_t_per_year": "tc_col_co2",
            "hours_saved_per_year": "tc_col_hours", "demand_served_pct": "tc_col_served",
            "mip_gap": "tc_col_gap", "status": "tc_col_status"}
    return {"n_sites": "p", **{column: tr(key, lang) for column, key in keys.items()}}


def formatters(lang: str) -> dict[str, dict]:
    """Number formats of both tables (:data:`DIGITS`, the language's separators).

    Parameters
    ----------
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    dict of str to dict
        Column -> Tabulator formatter.
    """
    return number_formatters(None, lang, DIGITS)


def sites_shown(result: ts.ScenarioResult | None) -> pd.DataFrame:
    """The chosen sites as the table shows them (fibre coverage in %); empty without a
    result.

    Parameters
    ----------
    result : ScenarioResult or None
        The solved scenario, or None when it is impossible.

    Returns
    -------
    DataFrame
        :data:`SITE_COLUMNS`: ``daily_users`` [persons/day], ``seats``,
        ``mean_distance_km`` [km], ``coverage_rate`` [%], ...
    """
    if result is None:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in SITE_COLUMNS})
    out = result.sites[SITE_COLUMNS].copy()
    out["coverage_rate"] = 100 * out["coverage_rate"]
    return out


def kpi_html(result: ts.ScenarioResult | None, lang: str) -> str:
    """The seven KPI cards ("—" without a result).

    Parameters
    ----------
    result : ScenarioResult or None
        The solved scenario, or None when it is impossible.
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        HTML of the cards (:data:`KPIS`; demand served in %).
    """
    values = ["—"] * len(KPIS) if result is None else [
        fmt_number(result.kpis[k], lang, digits) + (" %" if k == "demand_served_pct" else "")
        for k, _, digits in KPIS]
    cards = "".join(
        f'<div class="tc-kpi" style="flex:1 1 150px;border:1px solid #d0d7e2;'
        f'border-radius:6px;padding:8px 12px;background:#f7f9fc">'
        f'<div style="font-size:1.5em;font-weight:600;color:#1f5c99">{v}</div>'
        f'<div style="font-size:0.9em">{tr(key, lang)}</div></div>'
        for v, (_, key, _) in zip(values, KPIS, strict=True))
    return f'<div style="display:flex;flex-wrap:wrap;gap:8px">{cards}</div>'


def caption(result: ts.ScenarioResult | None, model: str, method: str, sources: pd.DataFrame,
            seams: pd.Series, lang: str) -> str:
    """The map caption: sites among candidates, model and solver (gap, time), sources with
    their vintages, and what the model cannot place (``seams``: count per seam).

    Parameters
    ----------
    result : ScenarioResult or None
        The solved scenario, or None when it is impossible.
    model, method : str
        The scenario's model and solver.
    sources : DataFrame
        Provenance rows cited (``producer``, ``title``, ``vintage``).
    seams : Series
        Count per seam (needs ``workers_without_distance`` and ``stations_outside_region``).
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        Markdown (gap in %, solve time in s).
    """
    text = f"**{tr('tc_map_title', lang)}**"
    if result is not None:
        k = result.kpis
        gap = (f"{tr('tc_gap', lang)} {fmt_number(100 * k['mip_gap'], lang, 2)} %"
               if pd.notna(k["mip_gap"]) else tr("tc_heuristic", lang))
        text += (f" — {fmt_number(k['sites'], lang)} {tr('tc_sites_among', lang)} "
                 f"{fmt_number(k['candidates'], lang)} {tr('tc_candidates', lang)} "
                 f"({tr('tc_candidate_rule', lang)}) ; {tr('tc_' + model, lang)}, "
                 f"{tr('tc_' + method, lang)} ({gap}, "
                 f"{fmt_number(k['solve_time_s'], lang, 2)} s).")
    cited = (escape_markdown(plots.source_caption(sources, lang))  # without provenance: the module's list
             or f"{tr('source', lang)} : {'; '.join(SOURCES.values())}")
    return (f"{text}\n\n{cited}. "
            f"{tr('tc_vintages', lang)} {tr('tc_seams', lang)} : "
            f"{fmt_number(seams['workers_without_distance'], lang)} "
            f"{tr('tc_workers_no_distance', lang)} ; "
            f"{fmt_number(seams['stations_outside_region'], lang)} "
            f"{tr('tc_stations_outside', lang)}.")


GPE_COLUMNS = ["network", "new_sites", "planned_sites_chosen", "teleworkers", "demand_served_pct",
               "km_avoided_per_year", "co2_avoided_t_per_year", "hours_saved_per_year",
               "hours_saved_per_teleworker_per_year"]


def gpe_shown(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The with/without Grand Paris Express comparison
    (:func:`~smartidf_analysis.telecentres.networks.gpe_comparison`) as the page shows it.

    Parameters
    ----------
    table : DataFrame
        :func:`~smartidf_analysis.telecentres.networks.gpe_comparison`.
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    DataFrame
        :data:`GPE_COLUMNS`, networks named in ``lang``.
    """
    names = {"stations_2025": tr("tc_gpe_now", lang),
             "stations_2025_plus_gpe": tr("tc_gpe_plus", lang)}
    return table[GPE_COLUMNS].assign(network=table["network"].map(names).fillna(table["network"]))


def gpe_titles(lang: str) -> dict[str, str]:
    """Column titles of the Grand Paris Express comparison table in ``lang``.

    Parameters
    ----------
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    dict of str to str
        Column -> title.
    """
    return {**titles(lang), "network": tr("tc_col_network", lang),
            "new_sites": tr("tc_n_sites", lang), "planned_sites_chosen": tr("tc_col_planned", lang),
            "hours_saved_per_teleworker_per_year": tr("tc_col_hours_person", lang)}


def gpe_formatters(lang: str) -> dict[str, dict]:
    """Number formats of the Grand Paris Express comparison table in ``lang`` (site counts as integers, hours
    saved per teleworker per year [h] to one decimal).

    Parameters
    ----------
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    dict of str to dict
        Column -> Tabulator formatter.
    """
    return number_formatters(None, lang, {**DIGITS, "new_sites": 0, "planned_sites_chosen": 0,
                                          "hours_saved_per_teleworker_per_year": 1})


def gpe_caption(table: pd.DataFrame, scenario, lang: str) -> str:
    """Under the with/without GPE table: the scenario compared, the solver's status and gap,
    the stations' source.

    Parameters
    ----------
    table : DataFrame
        :func:`~smartidf_analysis.telecentres.networks.gpe_comparison` (``mip_gap``,
        ``attrs["source"]``).
    scenario : Scenario
        The scenario compared (its ``model`` and ``method``).
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        Markdown (gaps in %).
    """
    gaps = ", ".join(f"{fmt_number(100 * g, lang, 2)} %" if pd.notna(g) else tr("tc_heuristic", lang)
                     for g in table["mip_gap"])
    return (f"{tr('tc_' + scenario.model, lang)}, {tr('tc_' + scenario.method, lang)} "
            f"({tr('tc_gap', lang)} : {gaps}). {tr('source', lang)} : "
            f"{escape_markdown(table.attrs.get('source', ''))}.")
