"""The figures of a territory profile: key -> theme, unit, kind, French and English labels
and the tables their sources are read from (:data:`FIGURES`).

``kind``: ``"count"`` (summed over communes; the region value is the region's total),
``"ratio"`` (the same ratio over the level's sums) or ``"other"`` (a rank, a distance, a
projection at a territory's own target...: no region value, no comparable median unless the
theme module gives one). Labels may hold ``{target}`` (the fibre target quarter), ``{hub}``
(the dominant commuting hub), ``{proposed}`` / ``{existing}`` (the nearest telecentre sites):
:func:`~smartidf_analysis.reporting.territory.figures.territory_profile` fills them per
territory.
"""

from __future__ import annotations

FLOWS = ("commuting_flows",)
FIBRE = ("fibre_deployment", "premises")
ROOFS = ("irradiance_hourly",)
SITES = ("commuting_flows", "stations")
#: key -> (theme, unit, kind, French label, English label, tables of its sources).
FIGURES: dict[str, tuple[str, str, str, str, str, tuple[str, ...]]] = {
    "fibre_rate": ("fibre", "%", "ratio", "Locaux raccordables à la fibre (FttH)",
                   "Premises connectable to fibre (FttH)", FIBRE),
    "fibre_connectable": ("fibre", "locaux", "count", "Locaux raccordables",
                          "Connectable premises", ("fibre_deployment",)),
    "fibre_to_connect": ("fibre", "locaux", "count", "Locaux restant à raccorder",
                         "Premises still to connect", FIBRE),
    "fibre_pace": ("fibre", "locaux/trim.", "count",
                   "Rythme : locaux rendus raccordables par trimestre (tendance des trimestres publiés)",
                   "Pace: premises made connectable per quarter (trend of the published quarters)",
                   ("fibre_deployment",)),
    "fibre_quarters_to_full": ("fibre", "trimestres", "ratio",
                               "Trimestres pour tout raccorder à ce rythme",
                               "Quarters to connect every premises at that pace", FIBRE),
    "fibre_projected_target": ("fibre", "%", "ratio",
                               "Taux projeté à l'échéance du plan ({target}), rythme central",
                               "Projected rate at the plan's target ({target}), central pace",
                               FIBRE),
    "fibre_projected_target_slow": ("fibre", "%", "ratio",
                                    "Taux projeté à l'échéance ({target}), rythme lent",
                                    "Projected rate at the target ({target}), slow pace", FIBRE),
    "fibre_projected_target_fast": ("fibre", "%", "ratio",
                                    "Taux projeté à l'échéance ({target}), rythme rapide",
                                    "Projected rate at the target ({target}), fast pace", FIBRE),
    "fibre_rank_in_department": ("fibre", "rang", "other", "Rang dans le département (taux FttH)",
                                 "Rank in its department (FttH rate)", ("fibre_deployment",)),
    "fibre_department_rate_latest": ("fibre", "%", "other",
                                     "Taux FttH du département, dernier trimestre publié",
                                     "Department's FttH rate, latest published quarter",
                                     ("fibre_department_series",)),
    "residents_in_work": ("commuting", "actifs", "count", "Actifs occupés résidents",
                          "Residents in work", FLOWS),
    "jobs": ("commuting", "emplois", "count", "Actifs qui y travaillent",
             "Workers working here", FLOWS),
    "share_leaving": ("commuting", "%", "ratio", "Part des actifs travaillant hors du territoire",
                      "Share of residents in work working outside", FLOWS),
    "self_containment": ("commuting", "%", "ratio",
                         "Autocontenance : part des emplois tenus par des résidents",
                         "Self-containment: share of its jobs held by residents", FLOWS),
    "share_public_transport": ("commuting", "%", "ratio", "Part des transports en commun",
                               "Public transport share", FLOWS),
    "share_car": ("commuting", "%", "ratio", "Part de la voiture (et deux-roues motorisés)",
                  "Car (and motorbike) share", FLOWS),
    "share_non_motorised": ("commuting", "%", "ratio", "Part de la marche et du vélo",
                            "Walking and cycling share", FLOWS),
    "share_home": ("commuting", "%", "ratio", "Part travaillant à domicile (sans transport)",
                   "Share working at home (no transport)", FLOWS),
    "hub_basin_communes": ("commuting", "communes", "other",
                           "Pôle dominant : {hub} — communes de son bassin (flux dominants)",
                           "Dominant hub: {hub} — communes of its basin (dominant flows)", FLOWS),
    "hub_share_of_residents": ("commuting", "%", "other",
                               "Part des actifs résidents vivant dans le bassin de {hub}",
                               "Share of its residents in work living in {hub}'s basin", FLOWS),
    "telecentre_daily_users": ("telework", "usagers/jour", "count",
                               "Usagers de télécentres par jour (modèle)",
                               "Telecentre users per day (model)", FLOWS),
    "telecentre_users_per_1000": ("telework", "‰ actifs", "ratio",
                                  "Usagers par jour pour 1 000 actifs",
                                  "Daily users per 1,000 residents in work", FLOWS),
    "weekly_km_saved": ("telework", "km/semaine", "count",
                        "Km de trajets évités par semaine (réseau proposé)",
                        "Km of commuting avoided per week (proposed network)", SITES),
    "weekly_hours_saved": ("telework", "h/semaine", "count",
                           "Heures de trajet gagnées par semaine (réseau proposé)",
                           "Hours of commuting saved per week (proposed network)", SITES),
    "weekly_co2_saved": ("telework", "kg CO₂e/semaine", "count",
                         "CO₂ évité par semaine (réseau proposé)",
                         "CO₂ avoided per week (proposed network)", SITES),
    "nearest_proposed_km": ("telework", "km", "other",
                            "Site proposé le plus proche : {proposed} (distance)",
                            "Nearest proposed site: {proposed} (distance)", SITES),
    "nearest_existing_km": ("telework", "km", "other",
                            "Site existant le plus proche : {existing} (distance)",
                            "Nearest existing site: {existing} (distance)", ("stations",)),
    "proposed_sites_inside": ("telework", "sites", "count", "Sites proposés dans le territoire",
                              "Proposed sites in the territory", SITES),
    "pooling_teleworkers": ("telework", "télétravailleurs", "count",
                            "Usagers regroupables pour les employeurs des grands pôles d'emploi",
                            "Users employers of the main job hubs could pool", SITES),
    "irradiation": ("solar", "kWh/m²/an", "ratio", "Irradiation horizontale (champ PVGIS)",
                    "Horizontal irradiation (PVGIS field)", ()),
    "roofs": ("solar", "toits", "count", "Toits", "Roofs", ROOFS),
    "roofs_red": ("solar", "toits", "count", "Toits classe rouge (≥ 900 kWh/m²/an)",
                  "Red-class roofs (≥ 900 kWh/m²/yr)", ROOFS),
    "roofs_yellow": ("solar", "toits", "count", "Toits classe jaune (700 à 900 kWh/m²/an)",
                     "Yellow-class roofs (700–900 kWh/m²/yr)", ROOFS),
    "roofs_blue": ("solar", "toits", "count", "Toits classe bleue (< 700 kWh/m²/an)",
                   "Blue-class roofs (< 700 kWh/m²/yr)", ROOFS),
    "peak_power_mwp": ("solar", "MWc", "count", "Puissance crête sur les toits",
                       "Peak power on the roofs", ROOFS),
    "annual_gwh": ("solar", "GWh/an", "count", "Production potentielle des toits",
                   "Potential production of the roofs", ROOFS),
    "annual_gwh_red": ("solar", "GWh/an", "count", "… dont toits classe rouge",
                       "… of which red-class roofs", ROOFS),
    "annual_gwh_yellow": ("solar", "GWh/an", "count", "… dont toits classe jaune",
                          "… of which yellow-class roofs", ROOFS),
    "annual_gwh_blue": ("solar", "GWh/an", "count", "… dont toits classe bleue",
                        "… of which blue-class roofs", ROOFS),
    "kwh_per_inhabitant": ("solar", "kWh/hab./an", "ratio", "Production potentielle par habitant",
                           "Potential production per inhabitant", ROOFS),
}
#: fewer comparables than this in the department: the comparables are taken in the region
MIN_COMPARABLES = 3
THEMES = ("fibre", "commuting", "telework", "solar")
PROFILE_COLUMNS = ["theme", "figure", "label_fr", "label_en", "value", "unit", "region_value",
                   "comparable_median", "comparables_fr", "comparables_en", "source", "vintage",
                   "missing"]
#: figures shown for communes only (a commune is its own hub's basin share: 100 %)
COMMUNE_ONLY = ("fibre_rank_in_department",)
NOT_FOR_COMMUNES = ("hub_share_of_residents",)

#: the English of each unit of :data:`FIGURES` (the figures and the CSV keep the French one)
UNITS_EN = {"%": "%", "GWh/an": "GWh/yr", "MWc": "MWp", "actifs": "workers",
            "communes": "communes", "emplois": "jobs", "h/semaine": "h/week",
            "kWh/hab./an": "kWh/inhab./yr", "kWh/m²/an": "kWh/m²/yr",
            "kg CO₂e/semaine": "kg CO₂e/week", "km": "km", "km/semaine": "km/week",
            "locaux": "premises", "locaux/trim.": "premises/quarter", "rang": "rank",
            "sites": "sites", "toits": "roofs", "trimestres": "quarters",
            "télétravailleurs": "teleworkers", "usagers/jour": "users/day",
            "‰ actifs": "‰ of workers"}
