"""Texts and table formats of the solar page: the totals, the roofs' hover texts, the
inspector, the captions (with their sources) and the roof table's number formats. Pure
functions of the results and the language."""

from __future__ import annotations

import pandas as pd

from smartidf_analysis import plots
from smartidf_analysis.data import catalog
from smartidf_analysis.solar.field import ATTRIBUTION as FIELD_ATTRIBUTION
from smartidf_analysis.solar.results import RoofSetResults
from smartidf_analysis.solar.roofs import SOLAR_CLASSES

from ..i18n import fmt_number, tr
from ..safe_text import escape_markdown
from ..tables import number_formatters

#: provenance datasets cited under the roof map (besides the roof set's own) and the
#: commune map, per indicator
MAP_SOURCES = ["nsrdb_paris_tmy"]
STOCK_SOURCES = ["arcep_communes_info", "ign_communes_2018"]
YIELD_SOURCES = ["nsrdb_paris_tmy", "ign_communes_2018"]
STOCK_COMMUNE_SOURCES = ["arcep_communes_info", "insee_population_2023", "ign_communes_2018"]
TABLE_DIGITS = {"usable_area_m2": 0, "tilt_deg": 0, "azimuth_deg": 0, "shading_factor": 2,
                "irradiation_kwh_m2": 0, "peak_power_kwp": 1, "annual_kwh": 0,
                "specific_yield_kwh_kwp": 0}


def units(lang: str) -> dict[str, str]:
    """Unit labels of the solar page in ``lang``: ``kwh_yr`` (kWh per year), ``kwh_m2_yr`` (kWh/m² per year),
    ``kwp`` (kWp, "kWc" in French).

    Parameters
    ----------
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    dict of str to str
        ``kwh_yr``, ``kwh_m2_yr``, ``kwp``.
    """
    fr = lang != "en"
    return {"kwh_yr": "kWh/an" if fr else "kWh/yr", "kwh_m2_yr": "kWh/m²/an" if fr else "kWh/m²/yr",
            "kwp": "kWc" if fr else "kWp"}


def source_text(provenance: pd.DataFrame, datasets: list[str], lang: str) -> str:
    """'Source : producer, title (vintage); …' of the ``datasets`` (provenance dataset ids).
    On a synthetic build, the synthetic tables standing for them (the tables the catalogue
    says they feed; their provenance rows are titled "Synthetic demo region: <table>").

    Parameters
    ----------
    provenance : DataFrame
        Provenance rows (``dataset_id``, ``producer``, ``title``, ``vintage``, optional
        ``synthetic`` and ``table_name``).
    datasets : list of str
        Dataset ids cited.
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        The caption, escaped for Markdown.
    """
    chosen = provenance["dataset_id"].isin(datasets)
    if "synthetic" in provenance and "table_name" in provenance:
        known = set(catalog.ids())
        tables = {catalog.get(d).table for d in datasets if d in known}
        chosen |= (provenance["synthetic"].fillna(False).astype(bool)
                   & provenance["table_name"].isin(tables))
    rows = provenance[chosen].drop_duplicates("dataset_id")
    return escape_markdown(plots.source_caption(rows, lang))


def set_label(roof_set: str, synthetic: bool, lang: str) -> str:
    """The roof set's name, marked synthetic when ``synthetic`` (the synthetic stock, or any
    set of a synthetic database).

    Parameters
    ----------
    roof_set : str
        The roof set's id.
    synthetic : bool
        Mark it synthetic.
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        The label.
    """
    label = tr("sol_set_" + roof_set, lang)
    return f"{label} ({tr('sol_synthetic', lang)})" if synthetic else label


def convention_label(convention: str, synthetic_stock: bool, lang: str) -> str:
    """The production convention the totals and roofs follow (the synthetic stock keeps
    per-kWp modules on its own racks: no row spacing, no cadastre factor).

    Parameters
    ----------
    convention : str
        ``"modules"`` or ``"cadastre"``.
    synthetic_stock : bool
        The roof set is the synthetic stock (its own convention).
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        The label.
    """
    return tr("sol_conv_stock" if synthetic_stock else "sol_conv_" + convention, lang)


def totals_text(results: RoofSetResults, label: str, convention: str, lang: str) -> str:
    """The totals caption: set, convention, roofs, MWp, GWh/yr, class shares, roofs left out.

    Parameters
    ----------
    results : RoofSetResults
        The roof set's results.
    label : str
        The set's label (:func:`set_label`).
    convention : str
        The convention's label (:func:`convention_label`).
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        Markdown: peak power [MWp], production [GWh/yr], class shares of roofs [%].
    """
    t, cls = results.totals.iloc[0], results.classes
    shares = " · ".join(
        f"{tr('sol_class_' + c, lang)} {fmt_number(100 * cls.loc[c, 'roof_share'], lang)} %"
        for c in reversed(SOLAR_CLASSES))
    bad = (f" — {fmt_number(len(results.bad), lang)} {tr('sol_left_out', lang)}"
           if len(results.bad) else "")
    return (f"### {label}\n"
            f"{tr('sol_conv_shown', lang)} : **{convention}**\n\n"
            f"**{fmt_number(t['roofs'], lang)} {tr('sol_roofs', lang)}** · "
            f"**{fmt_number(t['peak_power_mwp'], lang, 2)} {tr('sol_mwp', lang)}** · "
            f"**{fmt_number(t['annual_gwh'], lang, 2)} {tr('sol_per_year', lang)}** · "
            f"{shares}{bad}")


def roof_hover(rows: pd.DataFrame, lang: str) -> list[str]:
    """Hover text of each roof (``solar_class``, ``annual_kwh``, ``irradiation_kwh_m2``;
    '—' for a roof without a class).

    Parameters
    ----------
    rows : DataFrame
        ``solar_class``, ``annual_kwh`` [kWh/yr], ``irradiation_kwh_m2`` [kWh/m2/yr].
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    list of str
        One text per roof.
    """
    u = units(lang)
    return [f"{tr('sol_class_' + c, lang) if isinstance(c, str) else '—'} · "
            f"{fmt_number(kwh, lang)} {u['kwh_yr']} · {fmt_number(irr, lang)} {u['kwh_m2_yr']}"
            for c, kwh, irr in zip(rows["solar_class"].astype(object), rows["annual_kwh"],
                                   rows["irradiation_kwh_m2"], strict=True)]


def map_caption(provenance: pd.DataFrame, datasets: list[str], lang: str) -> str:
    """Caption under the roof map: the solar classes, the sources of ``datasets`` (vintages from
    ``provenance``), pvlib and the assumptions, in ``lang``.

    Parameters
    ----------
    provenance : DataFrame
        Provenance rows.
    datasets : list of str
        Dataset ids cited.
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        The caption (Markdown).
    """
    return (f"{tr('sol_classes_note', lang)}. {source_text(provenance, datasets, lang)}; "
            f"pvlib. {tr('sol_assumptions', lang)}")


def commune_caption(indicator: str, shown: int, data, lang: str,
                    roof_set: str | None = None) -> str:
    """Caption of the commune map: indicator, communes with a value, what it is, sources
    (``data``: the page's :class:`~.state.SolarPageData`; ``roof_set``: the regional
    roofs behind a production indicator, imported BD TOPO buildings or the synthetic
    stock).

    Parameters
    ----------
    indicator : str
        A commune indicator of :data:`~smartidf_analysis.solar.results.COMMUNE_INDICATORS`.
    shown : int
        Communes with a value.
    data : SolarPageData
        The page's data (``provenance``, ``unplaced_dwellings``).
    lang : str
        ``"fr"`` or ``"en"``.
    roof_set : str, optional
        The regional roof set (:func:`~smartidf_analysis.solar.io.regional_roof_set`).

    Returns
    -------
    str
        The caption (Markdown).
    """
    label = tr(f"sol_ind_{indicator}", lang)
    if indicator != "yield_kwh_kwp" and roof_set == "imported_buildings":
        prov = data.provenance
        rows = prov[prov["table_name"] == "imported_roofs"] if "table_name" in prov else prov[:0]
        note = (f"{tr('sol_imported_note', lang)} "
                f"{escape_markdown(plots.source_caption(rows, lang))}")
    elif indicator == "yield_kwh_kwp":
        note = (f"{tr('sol_modelled', lang)} : {tr('sol_field_note', lang)}; "
                f"{source_text(data.provenance, YIELD_SOURCES, lang)}; "
                f"{FIELD_ATTRIBUTION} (CC BY 4.0)")
    else:
        note = (f"**{tr('sol_synthetic', lang)}** — {tr('sol_synthetic_alert', lang)} "
                f"{fmt_number(data.unplaced_dwellings, lang)} {tr('sol_unplaced', lang)}. "
                f"{source_text(data.provenance, STOCK_COMMUNE_SOURCES, lang)}")
    return f"**{label}** — {fmt_number(shown, lang)} {tr('communes', lang)}. {note}"


def inspector_text(row: pd.Series, roof_id: str, losses_pct: float, lang: str) -> str:
    """The inspector's line for one roof (class, area, kWp, kWh/yr, irradiation, shading).

    Parameters
    ----------
    row : Series
        The roof's row of the results (``solar_class``, ``usable_area_m2`` [m2],
        ``peak_power_kwp`` [kWp], ``annual_kwh`` [kWh/yr], ``irradiation_kwh_m2``
        [kWh/m2/yr], optional ``shading_factor`` [-]).
    roof_id : str
        The roof's id.
    losses_pct : float
        DC losses [%].
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        One line of Markdown (shading in %).
    """
    u, fr = units(lang), lang != "en"
    cls = tr("sol_class_" + str(row["solar_class"]), lang)
    shade = 100 * float(row.get("shading_factor", 0) or 0)
    return (f"**{tr('sol_inspector', lang)} {escape_markdown(roof_id)}** — {cls} ; "
            f"{fmt_number(row['usable_area_m2'], lang)} m², "
            f"{fmt_number(row['peak_power_kwp'], lang, 1)} {u['kwp']}, "
            f"{fmt_number(row['annual_kwh'], lang)} {u['kwh_yr']}, "
            f"{fmt_number(row['irradiation_kwh_m2'], lang)} {u['kwh_m2_yr']} ; "
            f"{'ombrage' if fr else 'shading'} {fmt_number(shade, lang)} %, "
            f"{tr('sol_losses', lang).lower()} {fmt_number(losses_pct, lang)}.")


def table_formatters(lang: str) -> dict[str, dict]:
    """Number formats of the roof table (decimals per column, the language's separators).

    Parameters
    ----------
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    dict of str to dict
        Column -> Tabulator formatter (:data:`TABLE_DIGITS`).
    """
    return number_formatters(None, lang, TABLE_DIGITS)
