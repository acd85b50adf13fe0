"""The "Mon territoire" page's and report's labels (French first, English), declared by the
page class (``labels``) and by the report's document (:mod:`.document`)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "territoire": ("Mon territoire", "My territory"),
    "territory_search": ("Rechercher une commune, un EPCI, un EPT ou un département (nom ou code)",
                         "Search a commune, EPCI, EPT or department (name or code)"),
    "territory_matches": ("Territoires trouvés", "Territories found"),
    "territory_no_match": ("Aucun territoire ne correspond à", "No territory matches"),
    "territory_closest": ("les plus proches", "closest"),
    "territory_pick": ("Choisissez un territoire dans la recherche.",
                       "Pick a territory with the search box."),
    "theme_fibre": ("Fibre (FttH)", "Fibre (FttH)"),
    "theme_commuting": ("Déplacements domicile-travail", "Commuting"),
    "theme_telework": ("Télétravail et télécentres", "Telework and telecentres"),
    "theme_solar": ("Solaire", "Solar"),
    "col_figure": ("Indicateur", "Figure"),
    "col_value": ("Valeur", "Value"),
    "col_region": ("Île-de-France", "Île-de-France"),
    "col_median": ("Médiane des comparables", "Median of comparables"),
    "col_source": ("Source (millésime)", "Source (vintage)"),
    "comparables": ("Territoires comparables", "Comparable territories"),
    "missing_theme": ("Données manquantes pour ce thème : jeu(x) de données",
                      "Data missing for this theme: dataset(s)"),
    "top_destinations": ("Principales destinations des actifs résidents (hors du territoire)",
                         "Top destinations of its residents in work (outside the territory)"),
    "top_origins": ("Principales origines des actifs qui y travaillent (hors du territoire)",
                    "Top origins of the workers working there (outside the territory)"),
    "col_commune": ("Commune", "Commune"),
    "col_workers": ("Actifs", "Workers"),
    "col_share": ("Part (%)", "Share (%)"),
    "flows_map": ("Carte : le territoire (rouge), ses destinations (bleu) et origines (orange)",
                  "Map: the territory (red), its destinations (blue) and origins (orange)"),
    "flows_source": ("INSEE, RP 2014, MOBPRO ; contours IGN ADMIN EXPRESS 2018 recousus au COG 2026",
                     "INSEE, RP 2014, MOBPRO; IGN ADMIN EXPRESS 2018 outlines on the COG 2026"),
    "report_title": ("Portrait de territoire", "Territory profile"),
    "report_made": ("Rapport produit par smartidf-analysis le", "Report made by smartidf-analysis on"),
    "region_note": (
        "Île-de-France : total régional pour un effectif, même rapport sur l'ensemble des "
        "territoires du niveau pour un taux. Comparables : même niveau, même département et "
        "même classe de densité (la région entière s'ils sont moins de 3).",
        "Île-de-France: the region's total for a count, the same ratio over all the level's "
        "territories for a rate. Comparables: same level, same department and density class "
        "(the whole region when fewer than 3)."),
    "level_commune": ("Commune", "Commune"),
    "level_epci": ("EPCI", "EPCI"),
    "level_ept": ("EPT", "EPT"),
    "level_department": ("Département", "Department"),
    "download_pdf": ("Rapport imprimable (HTML)", "Printable report (HTML)"),
    "synthetic_roofs": ("Parc de toits SYNTHÉTIQUE (modèle), pas un relevé.",
                        "SYNTHETIC roof stock (model), not a survey."),
    "fibre_target": ("échéance", "target"),
    "series_territory_observed": ("Territoire : observé (ARCEP, fichier communal)",
                                  "Territory: observed (ARCEP commune file)"),
    "series_territory_projected": ("Territoire : projection (rythme central, fourchette lent–rapide)",
                                   "Territory: projection (central pace, slow–fast range)"),
    "series_department": ("Département : Baromètre des résultats (Etalab, DITP) jusqu'à 2024",
                          "Department: Baromètre des résultats (Etalab, DITP) to 2024"),
    "fibre_chart": ("Taux de locaux raccordables au FttH (%), observé, projeté à l'échéance du plan "
                    "(fin 2021 ; Seine-et-Marne fin 2023) et série du département. Sources : ARCEP "
                    "(2017T3–2018T1) ; Baromètre des résultats de l'action publique (Etalab, DITP)",
                    "FttH connectable premises (%), observed, projected to the plan's target "
                    "(end 2021; Seine-et-Marne end 2023) and the department's series. Sources: "
                    "ARCEP (2017Q3–2018Q1); Baromètre des résultats de l'action publique (Etalab, DITP)"),
    "fibre_projection": ("Projection à l'échéance", "Projection at the target"),
    "fibre_full_by": ("Tous les locaux raccordables vers {} au rythme central (entre {} et {}).",
                      "Every premises connectable by {} at the central pace (between {} and {})."),
    "fibre_never_full": ("Pas de couverture complète à ce rythme : au moins une commune ne progresse pas.",
                         "No full coverage at that pace: at least one commune does not progress."),
    "fibre_communes": ("Communes", "Communes"),
    "fibre_caveat": ("Prudence :", "Caveat:"),
    "verdict_covered": ("déjà couvert", "already covered"),
    "verdict_on_track": ("en bonne voie (même au rythme lent)", "on track (even at the slow pace)"),
    "verdict_uncertain": ("incertain (l'échéance tombe dans la fourchette)",
                          "uncertain (the target falls within the range)"),
    "verdict_off_track": ("en retard (même au rythme rapide)", "off track (even at the fast pace)"),
    "verdict_no_progress": ("sans progression observée", "no progress observed"),
    "verdict_no_data": ("sans données", "no data"),
    "nearest_sites": ("Sites les plus proches (distance à vol d'oiseau depuis la commune la plus "
                      "proche du territoire)", "Nearest sites (crow-fly distance from the "
                      "territory's nearest commune)"),
    "no_sites": ("Aucun site.", "No site."),
    "no_existing_sites": (
        "Aucun site existant (tiers-lieu, coworking) importé : `smartidf data import-sites`.",
        "No existing site (third place, coworking) imported: `smartidf data import-sites`."),
    "site_existing": ("existant", "existing"),
    "site_proposed": ("proposé", "proposed"),
    "col_kind": ("Type", "Kind"),
    "col_site": ("Site", "Site"),
    "col_lines": ("Lignes", "Lines"),
    "col_distance": ("Distance (km)", "Distance (km)"),
    "pooling_title": ("Mutualisation pour les employeurs : groupes d'usagers partant du territoire",
                      "Pooling for employers: groups of users leaving from the territory"),
    "no_pooling": ("Aucun groupe d'au moins 50 usagers vers les grands pôles d'emploi ne part du "
                   "territoire.", "No group of at least 50 users bound for the main job hubs "
                   "leaves from the territory."),
    "col_hub": ("Pôle d'emploi", "Job hub"),
    "col_teleworkers_here": ("Usagers du territoire", "Users from the territory"),
    "col_group_teleworkers": ("Usagers du groupe", "Users in the group"),
    "col_group_origins": ("Communes du groupe", "Communes in the group"),
    "col_seats": ("Postes", "Seats"),
    "pooling_note": (
        "Usagers de télécentres (modèle, scénario par défaut) travaillant dans La Défense et les "
        "10 communes d'emploi qui en comptent le plus, regroupés autour d'un site proposé (rayon "
        "5 km, au moins 50 usagers par groupe ; telecentres.employer_hub). INSEE RP 2014 MOBPRO ; "
        "IDFM gares 2025.",
        "Telecentre users (model, default scenario) working in La Défense and the 10 job "
        "communes with most of them, grouped around a proposed site (5 km radius, at least 50 "
        "users per group; telecentres.employer_hub). INSEE RP 2014 MOBPRO; IDFM stations 2025."),
    "download_trajectory": ("CSV — trajectoire fibre", "CSV — fibre trajectory"),
    "download_sites": ("CSV — sites proches", "CSV — nearest sites"),
    "download_pooling": ("CSV — mutualisation", "CSV — pooling"),
}
