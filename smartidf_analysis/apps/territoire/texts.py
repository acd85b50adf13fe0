"""The "Mon territoire" page's and report's labels (French first, English), registered in
:mod:`smartidf_analysis.apps.i18n`."""

from __future__ import annotations

from smartidf_analysis.apps.i18n import register

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
}
register(LABELS)
