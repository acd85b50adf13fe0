"""French and English labels of the "Mon télécentre" page (declared by the page class, ``labels``)."""

from __future__ import annotations

LABELS: dict[str, tuple[str, str]] = {
    "fd_lines": ("Lignes", "Lines"),
    "fd_home": ("Commune de domicile", "Home commune"),
    "fd_work": ("Commune de travail", "Work commune"),
    "fd_search": ("Tapez un nom…", "Type a name…"),
    "fd_mode": ("Mode de transport", "Mode of transport"),
    "fd_mode_TC": ("Transports en commun", "Public transport"),
    "fd_mode_VP": ("Voiture", "Car"),
    "fd_mode_NM": ("Marche ou vélo", "Walking or cycling"),
    "fd_days": ("Jours par semaine en télécentre", "Days per week at a telecentre"),
    "fd_kpi_km": ("km économisés par semaine", "km saved per week"),
    "fd_kpi_hours": ("heures gagnées par semaine", "hours saved per week"),
    "fd_kpi_hours_year": ("heures gagnées par an", "hours saved per year"),
    "fd_kpi_co2": ("kg CO₂e évités par semaine", "kg CO₂e avoided per week"),
    "fd_kpi_share": ("du trajet hebdomadaire remplacé", "of the weekly commute replaced"),
    "fd_nearest": ("Télécentre le plus proche", "Nearest telecentre"),
    "fd_existing": ("existant", "existing"),
    "fd_proposed": ("proposé", "proposed"),
    "fd_commute": ("Trajet domicile-travail", "Commute"),
    "fd_one_way": ("aller simple", "one way"),
    "fd_not_worth": ("Le télécentre le plus proche est plus loin que le lieu de travail : "
                     "aucun gain.", "The nearest telecentre is farther than the workplace: "
                     "no saving."),
    "fd_unknown": ("Commune inconnue", "Unknown commune"),
    "fd_sites_title": ("Sites les plus proches du domicile", "Sites nearest to home"),
    "fd_download": ("Télécharger les sites (CSV)", "Download the sites (CSV)"),
    "fd_kind": ("Type", "Kind"),
    "fd_site": ("Site", "Site"),
    "fd_distance": ("Distance (km, réseau)", "Distance (km, network)"),
    "fd_time": ("Temps (min)", "Time (min)"),
    "fd_km_week": ("km/semaine économisés", "km/week saved"),
    "fd_hours_week": ("h/semaine gagnées", "h/week saved"),
    "fd_co2_week": ("kg CO₂e/semaine", "kg CO₂e/week"),
    "fd_share": ("Part du trajet (%)", "Share of commute (%)"),
    "fd_map_title": ("Domicile et travail (carrés), sites existants (bleu) et proposés (rouge)",
                     "Home and work (squares), existing (blue) and proposed (red) sites"),
    "fd_method": (
        "Distances à vol d'oiseau entre centres de communes × 1,2 (réseau) ; temps : accès fixe "
        "et vitesse par mode et tranche de distance (hypothèses recoupées avec l'EMP 2019 du "
        "SDES et l'EGT 2010) ; CO₂ : ADEME Base Carbone ; sites proposés : scénario par défaut "
        "({n_sites} sites, couverture maximale) ; 45 semaines travaillées par an.",
        "Crow-fly distances between commune centres × 1.2 (network); times: fixed access and "
        "speed by mode and distance band (assumptions checked against SDES EMP 2019 and EGT "
        "2010); CO₂: ADEME Base Carbone; proposed sites: the default scenario ({n_sites} "
        "sites, maximal covering); 45 working weeks a year."),
    "fd_clamped": (
        "Cette région compte moins de gares candidates que les {asked} sites du scénario par "
        "défaut : {placed} sites proposés (toutes ses gares candidates).",
        "This region has fewer candidate stations than the default scenario's {asked} sites: "
        "{placed} sites proposed (all its candidate stations)."),
    "fd_pool_title": ("Mutualiser un site entre employeurs", "Pooling a site between employers"),
    "fd_hub": ("Pôle d'emploi", "Job hub"),
    "fd_min_headcount": ("Effectif minimal par groupe (télétravailleurs)",
                         "Minimum head-count per group (teleworkers)"),
    "fd_hub_la_defense": ("La Défense (Puteaux + Courbevoie)", "La Défense (Puteaux + Courbevoie)"),
    "fd_hub_paris_centre": ("Paris Centre (1er–4e)", "Paris Centre (1st–4th)"),
    "fd_hub_roissy": ("Roissy (Roissy-en-France + Tremblay-en-France)",
                      "Roissy (Roissy-en-France + Tremblay-en-France)"),
    "fd_hub_saclay": ("Saclay (Orsay + Palaiseau + Gif-sur-Yvette)",
                      "Saclay (Orsay + Palaiseau + Gif-sur-Yvette)"),
    "fd_pool_download": ("Télécharger les groupes (CSV)", "Download the groups (CSV)"),
    "fd_cluster": ("Groupe", "Group"),
    "fd_origins": ("Communes d'origine", "Origin communes"),
    "fd_teleworkers": ("Télétravailleurs", "Teleworkers"),
    "fd_seats": ("Postes", "Seats"),
    "fd_share_hub": ("Part du pôle (%)", "Share of the hub (%)"),
    "fd_pool_caption": (
        "Salariés du pôle résidant en Île-de-France qui utiliseraient un télécentre (modèle de "
        "demande par défaut), regroupés autour de la gare candidate qui en réunit le plus dans "
        "un rayon de 5 km.",
        "The hub's employees living in Île-de-France who would use a telecentre (default "
        "demand model), grouped around the candidate station gathering most of them within "
        "5 km."),
    "fd_melun": (
        "**Exemple : deux entreprises de 25 salariés venant de Melun.** Le recensement compte "
        "{workers} actifs de Melun travaillant à La Défense ; {users} utiliseraient un "
        "télécentre selon le modèle. Le groupe autour de {site} réunit {cluster} "
        "télétravailleurs de {origins} communes. 50 salariés à {days} jours par semaine y "
        "occuperaient {seats} postes.",
        "**Example: two firms with 25 staff from Melun.** The census counts {workers} Melun "
        "residents working at La Défense; {users} would use a telecentre in the model. The "
        "group around {site} gathers {cluster} teleworkers from {origins} communes. 50 staff "
        "at {days} days a week would take {seats} seats there."),
}
