"""French and English labels of the broadband page (declared by
:class:`~smartidf_analysis.apps.broadband.page.BroadbandPage`)."""

from __future__ import annotations

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
