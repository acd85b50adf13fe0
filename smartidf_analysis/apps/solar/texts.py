"""French / English labels of the solar page (declared by the page class, ``labels``)."""

from __future__ import annotations

LABELS = {
    "sol_roof_set": ("Toitures", "Roofs"),
    "sol_set_saint_denis_buildings": ("Saint-Denis, bâtiments BD TOPO (écoles)",
                                      "Saint-Denis, BD TOPO buildings (schools)"),
    "sol_set_paris13_volumes": ("Paris 13e, volumes bâtis APUR (extrait)",
                                "Paris 13e, APUR building volumes (extract)"),
    "sol_set_saint_denis_cadastre": ("Saint-Denis, toitures du cadastre solaire",
                                     "Saint-Denis, solar cadastre roofs"),
    "sol_set_synthetic_stock": ("Parc SYNTHÉTIQUE régional (2,5 millions de toits)",
                                "SYNTHETIC regional stock (2.5 million roofs)"),
    "sol_efficiency": ("Rendement des modules", "Module efficiency"),
    "sol_losses": ("Pertes du système (%)", "System losses (%)"),
    "sol_usable": ("Part utilisable de la toiture", "Usable share of the roof"),
    "sol_indicator": ("Carte des communes", "Commune map"),
    "sol_ind_annual_gwh": ("Parc synthétique : GWh/an", "Synthetic stock: GWh/yr"),
    "sol_ind_peak_power_mwp": ("Parc synthétique : MWc", "Synthetic stock: MWp"),
    "sol_ind_yield_kwh_kwp": ("Toit sud 35° : kWh/kWc (modélisé)", "South 35° roof: kWh/kWp (modelled)"),
    "sol_roofs": ("toitures", "roofs"),
    "sol_per_year": ("GWh/an", "GWh/yr"),
    "sol_mwp": ("MWc", "MWp"),
    "sol_class_red": ("rouge", "red"), "sol_class_yellow": ("jaune", "yellow"),
    "sol_class_blue": ("bleu", "blue"),
    "sol_classes_note": ("classes d'irradiation du toit : bleu < 700, jaune 700–900, rouge ≥ 900 "
                         "kWh/m²/an (classes APUR du cadastre solaire du Grand Paris)",
                         "roof irradiation classes: blue < 700, yellow 700–900, red ≥ 900 "
                         "kWh/m²/yr (APUR classes of the Grand Paris solar cadastre)"),
    "sol_left_out": ("toitures écartées (données invalides)", "roofs left out (invalid data)"),
    "sol_map_title": ("Toitures par classe de potentiel", "Roofs by potential class"),
    "sol_commune_title": ("Potentiel par commune", "Potential by commune"),
    "sol_inspector": ("Toiture sélectionnée", "Selected roof"),
    "sol_pick": ("Cliquez sur une toiture de la carte ou une ligne du tableau.",
                 "Click a roof on the map or a row of the table."),
    "sol_monthly": ("Production mensuelle (kWh)", "Monthly production (kWh)"),
    "sol_table": ("Toitures (les 1 000 plus productives pour le parc synthétique)",
                  "Roofs (the 1,000 largest producers for the synthetic stock)"),
    "sol_download_roofs": ("Toitures (CSV)", "Roofs (CSV)"),
    "sol_download_communes": ("Communes (CSV)", "Communes (CSV)"),
    "sol_download_classes": ("Classes (CSV)", "Classes (CSV)"),
    "sol_synthetic_alert": (
        "Parc de toitures SYNTHÉTIQUE : 2,5 millions de toits tirés au hasard selon les logements "
        "de chaque commune (ARCEP 2018) pour illustrer l'échelle régionale ; aucune toiture réelle.",
        "SYNTHETIC roof stock: 2.5 million roofs drawn at random from each commune's dwellings "
        "(ARCEP 2018) to illustrate the regional scale; no real roof."),
    "sol_synthetic": ("SYNTHÉTIQUE", "SYNTHETIC"),
    "sol_imported_note": (
        "Bâtiments réels importés de la BD TOPO (`smartidf data import-buildings`), modules "
        "par kWc, forme de toit selon la règle du projet, sans modèle d'ombrage.",
        "Real buildings imported from BD TOPO (`smartidf data import-buildings`), per-kWp "
        "modules, roof shape by the project's rule, no shading model."),
    "sol_modelled": ("modélisé", "modelled"),
    "sol_unplaced": ("logements de codes sans commune actuelle, non placés",
                     "dwellings under codes without a current commune, not placed"),
    "sol_assumptions": (
        "**Hypothèses** : orientation inconnue → moyenne des orientations est–ouest du pan ; "
        "toits plats : 50 % de l'emprise ; toits en pente : 35°, un pan, 80 % ; ombrage par les "
        "bâtiments voisins plus hauts (hauteurs BD TOPO / étages × 3 m) ; année type NSRDB de "
        "Paris × champ PVGIS ; chaîne pvlib (Perez, Faiman, PVWatts).",
        "**Assumptions**: unknown orientation → the pan's mean over east-to-west orientations; "
        "flat roofs: 50 % of the footprint; pitched roofs: 35°, one pan, 80 %; shading by taller "
        "neighbours (BD TOPO heights / floors × 3 m); NSRDB typical year for Paris × PVGIS field; "
        "pvlib chain (Perez, Faiman, PVWatts)."),
    "sol_convention": ("Convention de production", "Production convention"),
    "sol_conv_shown": ("Convention affichée", "Convention shown"),
    "sol_conv_modules": ("modules actuels", "today's modules"),
    "sol_conv_cadastre": ("cadastre solaire régional", "regional solar cadastre"),
    "sol_conv_stock": ("modules par kWc sur les supports du parc synthétique (sans espacement des "
                       "rangées ni facteur du cadastre)",
                       "per-kWp modules on the synthetic stock's racks (no row spacing, no cadastre "
                       "factor)"),
    "sol_convention_help": (
        "*Cadastre* : production = surface utile × irradiation × k (0,091 toit plat à "
        "l'horizontale, 0,122 en pente), comme la carte officielle. *Modules actuels* : rendement "
        "ci-dessous, toits plats en rangées inclinées à 10° espacées sans ombrage mutuel au "
        "solstice d'hiver (taux de couverture 0,65), toits en pente en surimposition (plus chauds) ; pertes "
        "ci-dessous.",
        "*Cadastre*: production = usable area × irradiation × k (0.091 flat roof on the "
        "horizontal, 0.122 pitched), as the official map. *Today's modules*: the efficiency "
        "below, flat roofs as 10° rows spaced to avoid mutual shading at the winter solstice "
        "(ground coverage 0.65), pitched roofs flush-mounted (hotter); losses below."),
    "sol_field_note": ("forme horaire de l'année type NSRDB × champ d'irradiation ajusté aux "
                       "communes PVGIS (niveau PVGIS)",
                       "hourly shape of the NSRDB typical year × irradiation field fitted to the "
                       "PVGIS communes (PVGIS level)"),
    "sol_month": ("Mois", "Month"),
    "sol_potential": ("Potentiel", "Potential"),
    "sol_error": ("Calcul impossible avec ces paramètres ; le détail est dans le journal.",
                  "Could not compute with these parameters; details are in the log."),
}
