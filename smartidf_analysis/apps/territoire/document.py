"""The HTML of a territory's profile, shared by the page and the printable report: the
figures per theme (value, region, comparable median, source and vintage), the top flows
and a static SVG map (no server, no JavaScript). Every text that comes from the data or the
visitor is escaped (``html.escape``).

Over 400 lines: the code is under 400; the numpydoc sections of the docstrings are the rest.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from smartidf_analysis.apps.i18n import fmt_number, register, tr
from smartidf_analysis.apps.territoire import texts
from smartidf_analysis.apps.territoire.charts import trajectory_svg
from smartidf_analysis.reporting import territory as terr
from smartidf_analysis.reporting.territory.definitions import UNITS_EN

# the report is made without the page (`smartidf report`, no Panel): it declares the labels it
# shows, as the page class does
register(texts.LABELS)

WHOLE_UNITS = ("sites", "communes", "toits", "rang")  # shown without decimals


def esc(value) -> str:
    """``value`` as text safe inside HTML.

    Parameters
    ----------
    value : object
        Anything; converted with ``str``.

    Returns
    -------
    str
        The text with ``&``, ``<``, ``>`` and both quotes escaped.
    """
    return html.escape(str(value), quote=True)


def value_text(value: float, unit: str, lang: str) -> str:
    """A figure with its unit (one decimal for rates and small values).

    Parameters
    ----------
    value : float
        The figure, in ``unit``; None or not finite for none.
    unit : str
        Its unit as in :data:`~smartidf_analysis.reporting.territory.definitions.FIGURES` (``"%"``,
        ``"km"``, ``"rang"``…); those of :data:`WHOLE_UNITS` and ranks (``"/ n"``) get no
        decimals.
    lang : str
        Number format (``"fr"`` or ``"en"``).

    Returns
    -------
    str
        The formatted value and unit, or "—" when there is no value.
    """
    if value is None or not np.isfinite(value):
        return "—"
    whole = unit in WHOLE_UNITS or unit.startswith("/")
    digits = 1 if not whole and (unit in ("%", "‰ actifs") or abs(value) < 100) else 0
    shown = fmt_number(value, lang, digits)
    if lang == "en":
        unit = UNITS_EN.get(unit, unit)
    return f"{shown} %" if unit == "%" else f"{shown} {unit}"


def figures_table(profile: pd.DataFrame, theme: str, lang: str) -> str:
    """One theme's figures as an HTML table (or the missing datasets named).

    Parameters
    ----------
    profile : pandas.DataFrame
        The frame of :func:`~smartidf_analysis.reporting.territory.figures.territory_profile`.
    theme : str
        One of :data:`~smartidf_analysis.reporting.territory.definitions.THEMES`.
    lang : str
        Language of the labels (``"fr"`` or ``"en"``).

    Returns
    -------
    str
        An ``<h3>`` heading and a ``<table class='figures'>`` (figure, value, region,
        comparable median, source and vintage), or the heading and the missing datasets.
    """
    rows = profile[profile["theme"] == theme]
    head = f"<h3 class='theme theme-{theme}'>{esc(tr('theme_' + theme, lang))}</h3>"
    missing = rows["missing"].iloc[0] if len(rows) else ""
    if missing:
        return (f"{head}<p class='missing-theme'>{esc(tr('missing_theme', lang))} "
                f"<b>{esc(missing)}</b></p>")
    label = "label_en" if lang == "en" else "label_fr"
    lines = [f"<tr data-figure='{esc(r.figure)}'><td>{esc(getattr(r, label))}</td>"
             f"<td class='value'>{esc(value_text(r.value, r.unit, lang))}</td>"
             f"<td class='num'>{esc(value_text(r.region_value, r.unit, lang))}</td>"
             f"<td class='num'>{esc(value_text(r.comparable_median, r.unit, lang))}</td>"
             f"<td class='source'>{esc(r.source)} ({esc(r.vintage)})</td></tr>"
             for r in rows.itertuples()]
    cols = "".join(f"<th>{esc(tr(k, lang))}</th>" for k in
                   ("col_figure", "col_value", "col_region", "col_median", "col_source"))
    return (f"{head}<table class='figures'><thead><tr>{cols}</tr></thead>"
            f"<tbody>{''.join(lines)}</tbody></table>")


def flows_table(flows: pd.DataFrame, title_key: str, lang: str) -> str:
    """Top destinations or origins as an HTML table.

    Parameters
    ----------
    flows : pandas.DataFrame
        The frame of :func:`~smartidf_analysis.reporting.territory.flows.top_flows`
        (``commune_name``, ``commune_code``, ``workers`` [persons], ``share_pct`` [%]).
    title_key : str
        The i18n key of the table's heading (e.g. ``"top_destinations"``).
    lang : str
        Language and number format (``"fr"`` or ``"en"``).

    Returns
    -------
    str
        An ``<h4>`` heading and a ``<table class='flows'>``.
    """
    cols = "".join(f"<th>{esc(tr(k, lang))}</th>" for k in ("col_commune", "col_workers", "col_share"))
    body = "".join(f"<tr><td>{esc(r.commune_name)} ({esc(r.commune_code)})</td>"
                   f"<td class='num'>{esc(fmt_number(r.workers, lang))}</td>"
                   f"<td class='num'>{esc(fmt_number(r.share_pct, lang, 1))}</td></tr>"
                   for r in flows.itertuples())
    return (f"<h4>{esc(tr(title_key, lang))}</h4><table class='flows'><thead><tr>{cols}</tr>"
            f"</thead><tbody>{body}</tbody></table>")


def header(profile: pd.DataFrame, lang: str) -> str:
    """The territory's name, level, code, population, area and its comparables.

    Parameters
    ----------
    profile : pandas.DataFrame
        The frame of :func:`~smartidf_analysis.reporting.territory.figures.territory_profile`
        (``attrs["territory"]`` with ``population`` [inhabitants] and ``area_km2`` [km²]).
    lang : str
        Language and number format (``"fr"`` or ``"en"``).

    Returns
    -------
    str
        An ``<h2>`` and two paragraphs of HTML.
    """
    t = profile.attrs["territory"]
    comparables = profile["comparables_en" if lang == "en" else "comparables_fr"].iloc[0]
    return (f"<h2 class='territory-name'>{esc(t['name'])}</h2>"
            f"<p class='territory-facts'>{esc(tr('level_' + t['level'], lang))} {esc(t['code'])}"
            f" — {esc(fmt_number(t['population'], lang))} {esc(tr('inhabitants', lang))}, "
            f"{esc(fmt_number(t['area_km2'], lang, 1))} km²"
            + (f", {esc(fmt_number(t['communes'], lang))} {esc(tr('communes', lang))}"
               if t["communes"] > 1 else "")
            + f". {esc(tr('comparables', lang))} : {esc(comparables)}.</p>"
            f"<p class='note'>{esc(tr('region_note', lang))}</p>")


def fibre_block(trajectory: pd.DataFrame | None, lang: str) -> str:
    """The fibre trajectory chart, the projection's verdict against the target and the
    caveat (the trajectory frame of
    :func:`~smartidf_analysis.reporting.territory.theme_fibre.fibre_trajectory`).

    Parameters
    ----------
    trajectory : pandas.DataFrame or None
        The trajectory frame, with its ``attrs`` (``target``, ``verdict``, ``verdicts``,
        ``full_by*``, ``caveat``); None or empty for nothing.
    lang : str
        Language (``"fr"`` or ``"en"``).

    Returns
    -------
    str
        A ``<figure>`` with the chart and two paragraphs of HTML, or "".
    """
    if trajectory is None or trajectory.empty:
        return ""
    a = trajectory.attrs
    if a.get("full_by"):
        when = tr("fibre_full_by", lang).format(a["full_by"], a["full_by_earliest"] or "—",
                                                a["full_by_latest"] or "—")
    else:
        when = tr("fibre_never_full", lang)
    counts = ", ".join(f"{n} {tr('verdict_' + v, lang)}" for v, n in sorted(a["verdicts"].items()))
    colon = " : " if lang == "fr" else ": "
    text = (f"{esc(tr('fibre_projection', lang))} ({esc(a['target'])}){colon}"
            f"<b class='fibre-verdict'>{esc(tr('verdict_' + a['verdict'], lang))}</b>. {esc(when)}"
            + (f" {esc(tr('fibre_communes', lang))}{colon}{esc(counts)}." if sum(a["verdicts"].values()) > 1
               else ""))
    return (f"<figure>{trajectory_svg(trajectory, lang)}<figcaption>"
            f"{esc(tr('fibre_chart', lang))}</figcaption></figure><p class='fibre-projection'>{text}</p>"
            f"<p class='note'>{esc(tr('fibre_caveat', lang))} {esc(a['caveat'])}</p>")


def _table(frame: pd.DataFrame, columns: dict[str, str], css: str, lang: str) -> str:
    """``frame``'s ``columns`` (column -> label key) as an HTML table, numbers formatted."""
    head = "".join(f"<th>{esc(tr(k, lang))}</th>" for k in columns.values())
    body = []
    for r in frame.itertuples(index=False):
        cells = []
        for col in columns:
            v = getattr(r, col)
            shown = (fmt_number(v, lang, 1) if isinstance(v, float | np.floating) else v)
            cells.append(f"<td>{esc(shown)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f"<table class='{css}'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def telework_block(sites: pd.DataFrame | None, pooling: pd.DataFrame | None, lang: str) -> str:
    """The nearest existing and proposed sites and the employers' pooling groups.

    Parameters
    ----------
    sites : pandas.DataFrame or None
        The frame of :func:`~smartidf_analysis.reporting.territory.theme_telework.nearest_sites`
        (``distance_km`` [km]); None for nothing.
    pooling : pandas.DataFrame or None
        The frame of
        :func:`~smartidf_analysis.reporting.territory.theme_telework.pooling_opportunities`
        (``teleworkers``, ``group_teleworkers`` [persons], ``group_seats``); None for nothing.
    lang : str
        Language and number format (``"fr"`` or ``"en"``).

    Returns
    -------
    str
        Headings, tables and notes of HTML, or "" when either frame is None.
    """
    if sites is None or pooling is None:
        return ""
    out = [f"<h4>{esc(tr('nearest_sites', lang))}</h4>"]
    if sites.empty:
        out.append(f"<p>{esc(tr('no_sites', lang))}</p>")
    else:
        shown = sites.assign(kind=sites["kind"].map(lambda k: tr("site_" + k, lang)))
        out.append(_table(shown, {"kind": "col_kind", "station_name": "col_site",
                                  "commune_code": "col_commune", "lines": "col_lines",
                                  "distance_km": "col_distance"}, "sites", lang))
    if not (sites["kind"] == "existing").any():
        out.append(f"<p class='note'>{esc(tr('no_existing_sites', lang))}</p>")
    out.append(f"<h4>{esc(tr('pooling_title', lang))}</h4>")
    if pooling.empty:
        out.append(f"<p>{esc(tr('no_pooling', lang))}</p>")
    else:
        out.append(_table(pooling, {"hub_name": "col_hub", "station_name": "col_site",
                                    "teleworkers": "col_teleworkers_here",
                                    "group_teleworkers": "col_group_teleworkers",
                                    "group_origins": "col_group_origins",
                                    "group_seats": "col_seats"}, "pooling", lang))
    out.append(f"<p class='note'>{esc(tr('pooling_note', lang))}</p>")
    return "".join(out)


def profile_body(profile: pd.DataFrame, destinations: pd.DataFrame, origins: pd.DataFrame,
                 map_svg: str, lang: str, trajectory: pd.DataFrame | None = None,
                 sites: pd.DataFrame | None = None, pooling: pd.DataFrame | None = None) -> str:
    """The whole profile (header, four themes with the fibre trajectory, flows and map,
    sites and pooling groups) as one HTML fragment.

    Parameters
    ----------
    profile : pandas.DataFrame
        The frame of :func:`~smartidf_analysis.reporting.territory.figures.territory_profile`.
    destinations : pandas.DataFrame
        Top destinations (:func:`~smartidf_analysis.reporting.territory.flows.top_flows`).
    origins : pandas.DataFrame
        Top origins, same columns.
    map_svg : str
        The flows map (:func:`~.flows_map.flows_map_svg`), inserted as it is.
    lang : str
        Language and number format (``"fr"`` or ``"en"``).
    trajectory : pandas.DataFrame, optional
        The fibre trajectory (:func:`fibre_block`); None to leave it out.
    sites : pandas.DataFrame, optional
        The nearest sites (:func:`telework_block`); None to leave the telework block out.
    pooling : pandas.DataFrame, optional
        The pooling groups (:func:`telework_block`); None to leave the telework block out.

    Returns
    -------
    str
        HTML: the header then one ``<section>`` per theme of
        :data:`~smartidf_analysis.reporting.territory.definitions.THEMES`.
    """
    sections = [header(profile, lang)]
    for theme in terr.THEMES:
        sections.append(f"<section class='theme-{theme}'>{figures_table(profile, theme, lang)}")
        missing = profile.loc[profile["theme"] == theme, "missing"].iloc[0]
        if theme == "fibre" and not missing:
            sections.append(fibre_block(trajectory, lang))
        if theme == "commuting" and not missing:
            sections.append(f"<figure>{map_svg}<figcaption>{esc(tr('flows_map', lang))}. "
                            f"{esc(tr('flows_source', lang))}.</figcaption></figure>")
            sections.append(flows_table(destinations, "top_destinations", lang))
            sections.append(flows_table(origins, "top_origins", lang))
        if theme == "telework" and not missing:
            sections.append(telework_block(sites, pooling, lang))
        if theme == "solar" and profile.attrs.get("roof_set") == "synthetic_stock":
            sections.append(f"<p class='note'>{esc(tr('synthetic_roofs', lang))}</p>")
        sections.append("</section>")
    return "".join(sections)
