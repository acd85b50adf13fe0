"""French / English labels of the buildings page (declared by the page class, ``labels``)."""

from __future__ import annotations

LABELS = {
    "bld_title": ("Bâtiments en 2,5D : potentiel solaire par toiture",
                  "Buildings in 2.5D: solar potential per roof"),
    "bld_intro": ("Bâtiments extrudés selon leur hauteur (BD TOPO ; 6 m quand elle est inconnue), "
                  "colorés par classe solaire : rouge = favorable, jaune = moyen, bleu = peu "
                  "favorable. Cliquez sur un bâtiment pour voir sa production mois par mois "
                  "(modules de 20 %, pertes 14 %, champ d'irradiation PVGIS).",
                  "Buildings extruded by their height (BD TOPO; 6 m when unknown), coloured by "
                  "solar class: red = good, yellow = medium, blue = poor. Click a building to see "
                  "its month-by-month production (20 % modules, 14 % losses, PVGIS irradiation "
                  "field)."),
    "bld_set": ("Bâtiments", "Buildings"),
    "bld_set_imported_buildings": ("Bâtiments BD TOPO importés", "Imported BD TOPO buildings"),
    "bld_set_saint_denis_buildings": ("Saint-Denis, bâtiments BD TOPO (écoles)",
                                      "Saint-Denis, BD TOPO buildings (schools)"),
    "bld_set_paris13_volumes": ("Paris 13e, volumes bâtis APUR (extrait)",
                                "Paris 13e, APUR building volumes (extract)"),
    "bld_commune": ("Commune (code INSEE)", "Commune (INSEE code)"),
    "bld_tab_3d": ("Vue 2,5D", "2.5D view"),
    "bld_tab_2d": ("Carte régionale (raster)", "Regional map (raster)"),
    "bld_raster_imported": ("Toitures BD TOPO importées, par classe",
                            "Imported BD TOPO roofs, by class"),
    "bld_raster_synthetic": ("Parc SYNTHÉTIQUE régional (2,5 millions de toits), par classe",
                             "SYNTHETIC regional stock (2.5 million roofs), by class"),
    "bld_synthetic_stock": ("Aucun bâtiment importé : cette carte montre le parc SYNTHÉTIQUE "
                            "(`smartidf data import-buildings` importe la BD TOPO d'un département).",
                            "No buildings imported: this map shows the SYNTHETIC stock "
                            "(`smartidf data import-buildings` imports a department's BD TOPO)."),
    "bld_caption": ("{n} bâtiments, {gwh} GWh/an au total.", "{n} buildings, {gwh} GWh/yr in total."),
    "bld_click": ("Cliquez sur un bâtiment pour afficher sa production mensuelle.",
                  "Click a building to show its monthly production."),
    "bld_roof": ("Bâtiment", "Building"),
    "bld_roof_line": ("**{kwh} kWh/an**, classe {cls} ; hauteur {height} m ; surface utile {area} m².",
                      "**{kwh} kWh/yr**, class {cls}; height {height} m; usable area {area} m²."),
    "bld_month": ("Mois", "Month"),
    "bld_class_red": ("rouge (favorable)", "red (good)"),
    "bld_class_yellow": ("jaune (moyen)", "yellow (medium)"),
    "bld_class_blue": ("bleu (peu favorable)", "blue (poor)"),
    "bld_tooltip": ("<b>{roof_id}</b><br>{annual_kwh} kWh/an · {kwh_m2} kWh/m²<br>hauteur {height_m} m",
                    "<b>{roof_id}</b><br>{annual_kwh} kWh/yr · {kwh_m2} kWh/m²<br>height {height_m} m"),
    "bld_csv": ("Télécharger les bâtiments (CSV)", "Download the buildings (CSV)"),
    "bld_sources": ("Sources", "Sources"),
}
