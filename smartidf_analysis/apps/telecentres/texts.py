"""French and English labels of the Telecentres page (declared by the page class, ``labels``)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "tc_n_sites": ("Nombre de télécentres (p)", "Number of telecentres (p)"),
    "tc_radius": ("Rayon de desserte (km)", "Catchment radius (km)"),
    "tc_threshold": ("Distance domicile-travail minimale (km)", "Minimum home-to-work distance (km)"),
    "tc_factor": ("Part télétravaillable (× parts INSEE 2021)",
                  "Teleworkable share (× INSEE 2021 shares)"),
    "tc_days": ("Jours par semaine en télécentre", "Days per week at a telecentre"),
    "tc_model": ("Modèle de localisation", "Location model"),
    "tc_mclp": ("Couverture maximale", "Maximal covering"),
    "tc_pmedian": ("p-médiane", "p-median"),
    "tc_method": ("Résolution", "Solver"),
    "tc_greedy": ("Heuristique gloutonne (rapide)", "Greedy heuristic (fast)"),
    "tc_milp": ("Optimum exact (MILP HiGHS, quelques secondes)",
                "Exact optimum (MILP HiGHS, a few seconds)"),
    "tc_kpi_users": ("usagers par jour", "users per day"),
    "tc_kpi_teleworkers": ("télétravailleurs en télécentre", "telecentre teleworkers"),
    "tc_kpi_seats": ("postes de travail", "workstations"),
    "tc_kpi_km": ("km évités par an", "km avoided per year"),
    "tc_kpi_co2": ("t CO₂e évitées par an", "t CO₂e avoided per year"),
    "tc_kpi_hours": ("heures de trajet gagnées par an", "commuting hours saved per year"),
    "tc_kpi_served": ("de la demande desservie", "of the demand served"),
    "tc_map_title": ("Télécentres choisis (taille : usagers servis par jour)",
                     "Chosen telecentres (size: users served per day)"),
    "tc_sites_title": ("Sites choisis", "Chosen sites"),
    "tc_compare_title": ("Comparaison de scénarios", "Scenario comparison"),
    "tc_gpe_title": ("Avec les gares du Grand Paris Express", "With the Grand Paris Express stations"),
    "tc_gpe_button": ("Comparer le scénario courant avec et sans les gares du Grand Paris Express",
                      "Compare the current scenario with and without the Grand Paris Express "
                      "stations"),
    "tc_gpe_intro": (
        "Les gares prévues du Grand Paris Express (plan 2016) s'ajoutent aux gares actuelles "
        "comme sites candidats, avec la même règle de fibre ; le même nombre de sites est "
        "choisi dans les deux réseaux.",
        "The planned Grand Paris Express stations (2016 plan) are added to today's stations "
        "as candidate sites, under the same fibre rule; the same number of sites is chosen in "
        "both networks."),
    "tc_gpe_now": ("Gares actuelles", "Today's stations"),
    "tc_gpe_plus": ("Gares actuelles + Grand Paris Express", "Today's stations + Grand Paris Express"),
    "tc_col_network": ("Réseau", "Network"),
    "tc_col_planned": ("Gares GPE choisies", "GPE stations chosen"),
    "tc_col_hours_person": ("Heures gagnées / télétravailleur / an",
                            "Hours saved / teleworker / year"),
    "tc_add": ("Ajouter le scénario courant au comparatif", "Add the current scenario"),
    "tc_download_sites": ("Sites (CSV)", "Sites (CSV)"),
    "tc_download_compare": ("Comparatif (CSV)", "Comparison (CSV)"),
    "tc_reference": ("Référence (paramètres par défaut)", "Reference (default parameters)"),
    "tc_current": ("Scénario courant", "Current scenario"),
    "tc_saved": ("Scénario", "Scenario"),
    "tc_sites_among": ("sites parmi", "sites among"),
    "tc_candidates": ("gares candidates", "candidate stations"),
    "tc_candidate_rule": ("RER, Transilien, tramway, VAL ; communes couvertes en fibre à 50 % "
                          "ou plus (ARCEP, 2018T1)",
                          "RER, Transilien, tram, VAL; communes with 50 % fibre coverage or "
                          "more (ARCEP, 2018Q1)"),
    "tc_gap": ("écart d'optimalité", "optimality gap"),
    "tc_heuristic": ("heuristique, sans borne", "heuristic, no bound"),
    "tc_vintages": ("Millésimes différents : flux domicile-travail 2014, gares 2025, fibre "
                    "2018, validations 2024-2025.",
                    "Vintages differ: commuting flows 2014, stations 2025, fibre 2018, "
                    "validations 2024-25."),
    "tc_seams": ("Non localisables", "Cannot be placed"),
    "tc_workers_no_distance": ("actifs sans distance (codes 2014 sans équivalent COG)",
                               "workers without a distance (2014 codes with no COG code)"),
    "tc_stations_outside": ("gares hors Île-de-France", "stations outside Île-de-France"),
    "tc_assumptions": (
        "**Hypothèses** : part télétravaillable par CSP d'après Insee Focus n° 263 (2021 : "
        "cadres 55 %, professions intermédiaires 22 %, employés ~10 %, ouvriers 0,5 %) ; 25 % "
        "des télétravailleurs choisiraient un télécentre plutôt que le domicile ; occupation "
        "des postes 80 % ; 45 semaines travaillées ; distances à vol d'oiseau × 1,2 ; facteurs "
        "d'émission ADEME (voiture 218 g, RER/Transilien 9,8 g CO₂e/km).",
        "**Assumptions**: teleworkable share by socio-professional group from Insee Focus "
        "no. 263 (2021: managers 55 %, intermediate 22 %, employees ~10 %, blue-collar "
        "0.5 %); 25 % of teleworkers would choose a telecentre over home; 80 % seat "
        "occupancy; 45 working weeks; crow-fly distances × 1.2; ADEME emission factors "
        "(car 218 g, RER/Transilien 9.8 g CO₂e/km)."),
    "tc_err_p_too_large": ("Réglage impossible : {p} télécentres demandés mais seulement "
                           "{candidates} gares candidates.",
                           "Impossible setting: {p} telecentres asked but only {candidates} "
                           "candidate stations."),
    "tc_clamped": ("Cette région ne compte que {candidates} gares candidates, moins que les "
                   "{asked} télécentres du scénario par défaut : p est ramené à {p} par défaut, "
                   "et le scénario de référence retient toutes les gares candidates.",
                   "This region has only {candidates} candidate stations, fewer than the "
                   "default scenario's {asked} telecentres: p defaults to {p}, and the "
                   "reference scenario takes every candidate station."),
    "tc_err_p_invalid": ("Le nombre de télécentres doit être un entier ≥ 1.",
                         "The number of telecentres must be a whole number ≥ 1."),
    "tc_err_radius": ("Réglage impossible : le rayon de desserte doit être supérieur à 0 km.",
                      "Impossible setting: the catchment radius must be above 0 km."),
    "tc_err_zero_demand": ("Demande nulle avec ces réglages : rien à desservir.",
                           "Zero demand with these settings: nothing to serve."),
    "tc_err_no_candidates": ("Aucune gare ne passe les filtres (modes, fibre).",
                             "No station passes the filters (modes, fibre)."),
    "tc_err_nothing_in_reach": ("Aucune demande à moins de {radius} km d'une gare candidate.",
                                "No demand within {radius} km of a candidate station."),
    "tc_err_invalid": ("Réglage invalide : {message}", "Invalid setting: {message}"),
    "tc_col_rank": ("Rang", "Rank"),
    "tc_col_station": ("Gare", "Station"),
    "tc_col_commune": ("Commune", "Commune"),
    "tc_col_lines": ("Lignes", "Lines"),
    "tc_col_users": ("Usagers/jour", "Users/day"),
    "tc_col_seats": ("Postes", "Seats"),
    "tc_col_communes": ("Communes servies", "Communes served"),
    "tc_col_distance": ("Distance moyenne (km)", "Mean distance (km)"),
    "tc_col_fibre": ("Fibre 2018 (%)", "Fibre 2018 (%)"),
    "tc_col_scenario": ("Scénario", "Scenario"),
    "tc_col_radius": ("Rayon (km)", "Radius (km)"),
    "tc_col_threshold": ("Seuil (km)", "Threshold (km)"),
    "tc_col_factor": ("Télétravaillable (×)", "Teleworkable (×)"),
    "tc_col_days": ("Jours/sem.", "Days/week"),
    "tc_col_teleworkers": ("Télétravailleurs", "Teleworkers"),
    "tc_col_km": ("km évités/an", "km avoided/yr"),
    "tc_col_co2": ("t CO₂e évitées/an", "t CO₂e avoided/yr"),
    "tc_col_hours": ("Heures gagnées/an", "Hours saved/yr"),
    "tc_col_served": ("Demande desservie (%)", "Demand served (%)"),
    "tc_col_gap": ("Écart d'optimalité", "Optimality gap"),
    "tc_col_status": ("Statut", "Status"),
}
