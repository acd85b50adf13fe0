"""Broadband page display helpers: French/English labels (registered with :mod:`.i18n`),
quarter labels, number formats and reader-friendly versions of the tables (the CSV
downloads keep the package's raw tables)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from smartidf_analysis import broadband as bb

from ..i18n import fmt_number, register, tr


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


LABELS: dict[str, tuple[str, str]] = {
    "bb_value": ("Valeur", "Value"),
    "bb_ind_rate": ("Taux de couverture FttH", "FttH coverage rate"),
    "bb_ind_class": ("Classe de couverture ARCEP", "ARCEP coverage class"),
    "bb_ind_premises": ("Locaux raccordables", "Connectable premises"),
    "bb_ind_growth": ("Progression sur le trimestre (points)", "Quarter-on-quarter growth (points)"),
    "bb_quarter": ("Trimestre", "Quarter"),
    "bb_department": ("Département", "Department"),
    "bb_all_departments": ("Toute la région", "Whole region"),
    "bb_commune": ("Commune à inspecter", "Commune to inspect"),
    "bb_pick_commune": ("Choisir une commune (ou cliquer sur la carte)",
                        "Pick a commune (or click the map)"),
    "bb_threshold": ("Seuil des lacunes (taux de couverture)", "Gap threshold (coverage rate)"),
    "bb_rank_by": ("Classer les lacunes par", "Rank gaps by"),
    "bb_rank_premises": ("locaux non couverts", "premises left uncovered"),
    "bb_rank_population": ("population non couverte", "population left uncovered"),
    "bb_no_data": ("pas de données", "no data"),
    "bb_with_value": ("renseignées", "with a value"),
    "bb_grey": ("en gris, jamais comptées comme 0 %", "grey, never counted as 0 %"),
    "bb_above_note": ("{n} communes dépassent 100 % (en rose) : artefact connu du dénominateur "
                      "ARCEP, conservé tel quel. ",
                      "{n} communes exceed 100 % (pink): a known artefact of ARCEP's "
                      "denominator, kept as is. "),
    "bb_off_map": ("{n} anciennes communes 2018 sans code actuel ne sont pas dessinées (zones "
                   "blanches ; liste ci-dessous).",
                   "{n} 2018 communes with no current code cannot be drawn (white areas; "
                   "listed below)."),
    "bb_paris_note": ("Paris est une seule commune : l'ARCEP ne compte les locaux que pour Paris "
                      "entier, le taux par arrondissement n'est pas calculable.",
                      "Paris is one commune: ARCEP counts premises for Paris as a whole only, "
                      "so no arrondissement rate can be computed."),
    "bb_first_quarter": ("premier trimestre observé", "first observed quarter"),
    "bb_merged_class": ("communes fusionnées depuis 2018 : classes ARCEP non combinables",
                        "communes merged since 2018: ARCEP classes cannot be combined"),
    "bb_reason_arrondissement": ("arrondissement : l'ARCEP ne compte les locaux que pour Paris "
                                 "entier", "arrondissement: ARCEP counts premises for Paris "
                                 "as a whole only"),
    "bb_reason_no_denominator": ("pas de nombre de locaux ARCEP pour ce code",
                                 "no ARCEP premises count for this code"),
    "bb_reason_zero_premises": ("zéro local dans le décompte ARCEP : taux non défini",
                                "zero premises in ARCEP's count: rate undefined"),
    "bb_reason_no_fibre_row": ("code absent du fichier FttH de l'ARCEP",
                               "code absent from ARCEP's FttH file"),
    "bb_reason_missing_quarter": ("trimestre manquant dans le fichier ARCEP",
                                  "quarter missing from ARCEP's file"),
    "bb_tab_map": ("Carte par commune", "Map by commune"),
    "bb_no_data_title": ("Communes sans taux ou hors carte, avec la raison",
                         "Communes without a rate or off the map, with the reason"),
    "bb_headline": (
        "### Île-de-France, {quarter} : {rate} des locaux raccordables à la fibre "
        "({connectable} sur {total})\n\nObjectif annoncé par les opérateurs : {goal} des "
        "foyers d'ici 2020 (zones très denses et zones d'engagement privé, {share} des locaux) ; "
        "il manque {gap} points à l'échelle régionale. Ces zones privées sont couvertes à "
        "{private}.",
        "### Île-de-France, {quarter}: {rate} of premises connectable to fibre ({connectable} "
        "of {total})\n\nOperators' announced goal: {goal} of households by 2020 (very dense and "
        "private-commitment areas, {share} of premises); the region is {gap} points short. "
        "These private areas are {private} covered."),
    "bb_series_heading": ("Trajectoire des départements jusqu'en 2024",
                          "Department trajectories to 2024"),
    "bb_series_title": ("Taux de déploiement FttH (%), fin 2017 – mi-2024",
                        "FttH deployment rate (%), end 2017 – mid 2024"),
    "bb_series_caption": (
        "Lignes : Baromètre des résultats (Etalab, arrondi à l'unité, jusqu'au T3 2022 ; DITP, "
        "deux décimales, à partir du T2 2022 — préféré sur le recouvrement). Points : taux "
        "calculés sur le fichier communal ARCEP (T3 2017 – T1 2018). Croix : projection au "
        "rythme 2017-18 des communes, fin 2021, fin 2023, mi-2024. Région avant 2022 : moyenne "
        "des départements Etalab pondérée par les locaux 2018 (estimation). Pointillés : "
        "objectifs fin 2021 (fin 2023 pour la Seine-et-Marne). Tableau : erreur de la "
        "projection (points), positive si trop optimiste.",
        "Lines: Baromètre des résultats (Etalab, whole percent, to Q3 2022; DITP, two "
        "decimals, from Q2 2022 — preferred on the overlap). Dots: rates computed from ARCEP's "
        "commune file (Q3 2017 – Q1 2018). Crosses: the communes' 2017-18 pace projected to "
        "end 2021, end 2023, mid 2024. Region before 2022: Etalab departments weighted by 2018 "
        "premises (estimate). Dashed: targets end 2021 (end 2023 for Seine-et-Marne). Table: "
        "projection error (points), positive when too optimistic."),
    "bb_inspector_title": ("Inspecteur de commune", "Commune inspector"),
    "bb_observed": ("observé", "observed"),
    "bb_projected": ("projection", "projection"),
    "bb_premises_unit": ("locaux", "premises"),
    "bb_verdict_line": (
        "\n**Projection : {verdict}** (objectif {target}) — couverture complète vers {full_by} "
        "au rythme moyen, entre {earliest} et {latest} selon le trimestre le plus rapide ou le "
        "plus lent.",
        "\n**Projection: {verdict}** (target {target}) — full coverage around {full_by} at the "
        "mean pace, between {earliest} and {latest} at the faster or slower quarter."),
    "bb_never": ("jamais", "never"),
    "bb_verdict_no_data": ("pas de données", "no data"),
    "bb_verdict_covered": ("déjà couverte", "already covered"),
    "bb_verdict_on_track": ("objectif atteint même au rythme le plus lent",
                            "target met even at the slower pace"),
    "bb_verdict_uncertain": ("incertain : l'objectif tombe dans la fourchette",
                             "uncertain: the target falls inside the range"),
    "bb_verdict_off_track": ("objectif manqué même au rythme le plus rapide",
                             "target missed even at the faster pace"),
    "bb_verdict_no_progress": ("aucun déploiement observé : pas d'extrapolation possible",
                               "no deployment observed: nothing to extrapolate"),
    "bb_caveat": (
        "Rythme observé sur trois trimestres ARCEP seulement (deux progressions) ; une droite "
        "sur 15 trimestres ignore la forme en S des déploiements et les révisions du nombre de "
        "locaux (dénominateur fixé au T1 2018).",
        "Pace observed over three ARCEP quarters only (two increments); a straight line over 15 "
        "quarters ignores the S-shape of deployments and the revisions of the premises count "
        "(denominator fixed at Q1 2018)."),
    "bb_gap_title": ("Communes en retard", "Communes lagging behind"),
    "bb_gap_caption": (
        "{n} communes sous {threshold} au {quarter}, classées par {rank} ; {premises} locaux "
        "restent à raccorder. Taux et progression en % et points.",
        "{n} communes below {threshold} in {quarter}, ranked by {rank}; {premises} premises "
        "left to connect. Rate and growth in % and points."),
    "bb_col_rank": ("Rang", "Rank"),
    "bb_col_commune_code": ("Code", "Code"),
    "bb_col_commune_name": ("Commune", "Commune"),
    "bb_col_department_code": ("Dép.", "Dept"),
    "bb_col_quarter": ("Trimestre", "Quarter"),
    "bb_col_coverage_rate": ("Taux (%)", "Rate (%)"),
    "bb_col_connectable_premises": ("Locaux raccordables", "Connectable premises"),
    "bb_col_premises_total": ("Locaux (ARCEP 2018)", "Premises (ARCEP 2018)"),
    "bb_col_uncovered_premises": ("Locaux non couverts", "Premises uncovered"),
    "bb_col_population": ("Population 2023", "Population 2023"),
    "bb_col_uncovered_population": ("Population non couverte", "Population uncovered"),
    "bb_col_growth_points": ("Progression (points)", "Growth (points)"),
    "bb_col_zone": ("Zone", "Zone"),
    "bb_col_zone_code": ("Zone", "Zone"),
    "bb_col_zone_name": ("Nom", "Name"),
    "bb_col_communes": ("Communes", "Communes"),
    "bb_col_share_of_premises": ("Part des locaux (%)", "Share of premises (%)"),
    "bb_col_reason": ("Raison", "Reason"),
    "bb_col_projected_pct": ("Projeté (%)", "Projected (%)"),
    "bb_col_projected_pct_slow": ("Projeté, rythme lent (%)", "Projected, slow pace (%)"),
    "bb_col_projected_pct_fast": ("Projeté, rythme rapide (%)", "Projected, fast pace (%)"),
    "bb_col_actual_pct": ("Réel, Baromètre (%)", "Actual, Baromètre (%)"),
    "bb_col_error_points": ("Erreur (points)", "Error (points)"),
    "bb_col_trend_pct": ("Tendance départementale (%)", "Department trend (%)"),
    "bb_col_trend_error_points": ("Erreur tendance (points)", "Trend error (points)"),
    "bb_col_actual_source": ("Source du réel", "Actual from"),
    "bb_not_on_map": ("code 2018 sans correspondance dans le COG actuel (voir anomalies de "
                      "construction) : hors carte", "2018 code with no current COG mapping "
                      "(see build issues): not on the map"),
    "bb_zoning_title": ("Couverture par zone de déploiement ARCEP",
                        "Coverage by ARCEP deployment zone"),
    "bb_zone_very_dense": ("Zones très denses", "Very dense areas"),
    "bb_zone_l3313_commitment": ("Engagements L. 33-13 (AMII)", "L. 33-13 commitments (AMII)"),
    "bb_zone_private_intention": ("Intentions privées hors L. 33-13",
                                  "Private intentions outside L. 33-13"),
    "bb_zone_public_initiative": ("Réseaux d'initiative publique", "Public initiative networks"),
}


register(LABELS)


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
