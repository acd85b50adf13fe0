"""The catalogue: one record per dataset, the single source of truth for provenance.

Each :class:`Dataset` names the official producer, vintage, licence and page, the file
name in the offline mirror and its sha256, the reader turning it into canonical tables
(``"module:function"`` in :mod:`smartidf_analysis.data.sources`) and ``downloads``: the public
original(s) the mirror's file was taken from, each a :class:`Download` (URL pinned to a
commit, sha256, size). Where the mirror holds a cut (COG, populations, ARCEP communes,
comparateur: cut to Île-de-France), a conversion (MOBPRO ``.Rds`` to CSV) or a rename (GPE
shapefile), the two checksums differ and the reader accepts both files; provenance records
which one a build used. ``TABLE_USES`` says which pages and notebooks read each table. The
record types (:mod:`~smartidf_analysis.data.records`) and ``TABLE_USES``
(:mod:`~smartidf_analysis.data.table_uses`) are importable from here.
Details and quirks of every file: ``shared/data/SOURCES.md``; the originals and their URLs:
``shared/upstream/MANIFEST.tsv``.
"""

from __future__ import annotations

from smartidf_analysis.data.records import (  # noqa: F401 - moved there, re-exported
    Dataset,
    Download,
)
from smartidf_analysis.data.table_uses import (  # noqa: F401 - moved there, re-exported
    TABLE_USES,
)

RAW = "https://raw.githubusercontent.com"
LO = "Licence Ouverte / Etalab 2.0"
ODBL = "ODbL 1.0"

_GEOJSON = f"{RAW}/gregoiredavid/france-geojson/5d34ee6d0140c29f785fdb047d9329f1aab58833/regions/ile-de-france"
_DECOUPAGE = f"{RAW}/datagouv/decoupage-administratif/98976e5f29e66b8449cf64eaf3e2be0b8d9e7d85/sources"
_HACKA = f"{RAW}/kro82-hacka/hackathon_mobilites_2025/a1d88718fe4cb4f0dd60f7451aa2feae1d26a2bc"
_FILO = f"{RAW}/axcvwy/prediction-electorale-rhone-2027/a3832b647ea89c1839b262aea6081edd47dd8a31/Data_Source"
_VALID = "validations-reseau-ferre-nombre-validations-par-jour"
_ARCEP = f"{RAW}/NJacq/laravel/94f93a44421d1b69ee5d1b39fc7b70475e11728d/storage/app/public"
_GPE = f"{RAW}/JuDelannoy/GrandParisExpress/d1658e05af4d4827f694c1f0527455c545e86872/DATA/DONNEES%20TRAITEES%20EN%20L93"

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "ign_communes_2018", "Communes d'Île-de-France (contours simplifiés)", "IGN ADMIN EXPRESS COG",
        "2018", LO, "https://france-geojson.gregoiredavid.fr/", "communes-ile-de-france.geojson",
        "31f429da716738dd7734eb92707848e9c979175004ec136a6a672a7c3e210889",
        "ign:read_communes_geojson", "reference",
        downloads=(Download(f"{_GEOJSON}/communes-ile-de-france.geojson", "31f429da716738dd7734eb92707848e9c979175004ec136a6a672a7c3e210889", 1238982),),
        notes="1,276 communes on the 2018 COG; geometries simplified (about 1 m).",
    ),
    Dataset(
        "ign_departements_2018", "Départements d'Île-de-France", "IGN ADMIN EXPRESS COG", "2018", LO,
        "https://france-geojson.gregoiredavid.fr/", "departements-ile-de-france.geojson",
        "b638f5d835318298053a386481884bd27acc2856917beacd02ee43cd7e1e8c80",
        "ign:read_departments_geojson", "departments",
        downloads=(Download(f"{_GEOJSON}/departements-ile-de-france.geojson", "b638f5d835318298053a386481884bd27acc2856917beacd02ee43cd7e1e8c80", 105416),),
    ),
    Dataset(
        "paris_arrondissements", "Arrondissements de Paris", "Ville de Paris", "2021", ODBL,
        "https://opendata.paris.fr/explore/dataset/arrondissements/", "paris-arrondissements.geojson",
        "b9f00fbceadcf69fdca86c45d246372da7202902a143c59e0225ec496038670a",
        "ign:read_arrondissements_geojson", "reference",
        downloads=(Download(f"{RAW}/mastersigat/data/ab6cc3daee63281e86263a62f1a72c89818d9331/arrondissements.geojson", "b9f00fbceadcf69fdca86c45d246372da7202902a143c59e0225ec496038670a", 207494),),
    ),
    Dataset(
        "insee_cog_2026", "Code officiel géographique: communes", "INSEE", "COG 2026", LO,
        "https://www.insee.fr/fr/information/2560452", "insee_cog_communes_idf.csv",
        "e355fed79f77b9687e4c7110ebaa1719fffa3293b2734d96ee9877ac28ffae8b",
        "insee:read_cog", "reference",
        downloads=(
            Download(f"{_DECOUPAGE}/communes.csv",
                     "fb8d44ed1d10056cea8fb62e9d09b260bee61d5cfb8f6c08e19a4a4a6f935a15", 2666007),
        ),
        notes="Cut to IDF for the mirror: get the national communes file from the INSEE page.",
    ),
    Dataset(
        "insee_population_2023", "Populations légales 2023", "INSEE", "2023 (geography 2025)", LO,
        "https://www.insee.fr/fr/statistiques/8680726?sommaire=8681011",
        "insee_populations_legales_2023_communes_idf.csv",
        "3a95ca72a70a1b992514b0b4f309077937898bfc698e28932f70a60660b11a0e",
        "insee:read_population", "reference",
        downloads=(
            Download(f"{_DECOUPAGE}/donnees_communes.csv",
                     "ccfe782e04ebde04a1706214157b288a0d055eb3ab913ff9f7bab5a3571f67ab", 2167955),
        ),
    ),
    Dataset(
        "insee_ept_2025", "Établissements publics territoriaux (EPT) au 01-01-2025", "INSEE", "2025", LO,
        "https://www.insee.fr/fr/information/2510634", "insee_ept_au_01-01-2025.xlsx",
        "e7c8f081d2a676861972f01455d9dc45d7079363e8649d230af1bf410eb6edd2",
        "insee:read_ept", "reference", downloads=(Download(f"{_DECOUPAGE}/ept.xlsx", "e7c8f081d2a676861972f01455d9dc45d7079363e8649d230af1bf410eb6edd2", 1178490),),
    ),
    Dataset(
        "dgcl_epci_2025", "EPCI à fiscalité propre et leurs communes membres", "DGCL", "2025", LO,
        "https://www.collectivites-locales.gouv.fr/institutions/liste-et-composition-des-epci-fiscalite-propre",
        "dgcl_epcicom_2025.xlsx", "40e9171b54af5f16ebc4baa72a08326134e99ec91010da45c89a44b83c547b09",
        "dgcl:read_epci", "reference", downloads=(Download(f"{_DECOUPAGE}/epcicom.xlsx", "40e9171b54af5f16ebc4baa72a08326134e99ec91010da45c89a44b83c547b09", 2888554),),
    ),
    Dataset(
        "arcep_ftth_communes", "Déploiement FttH par commune (T3 2017 - T1 2018)", "ARCEP",
        "2017T3-2018T1", LO, "https://www.data.gouv.fr/fr/datasets/r/ff53e607-b463-452c-a136-44d919c55e1a",
        "arcep_ftth_deploiement_communes_2017T3-2018T1_idf.csv",
        "e52fa58893167589b013dcd4dfee9e348c7994f1626563364daf249c2b94157f",
        "arcep:read_ftth_communes", "fibre_deployment",
        downloads=(
            Download(f"{_ARCEP}/ftthCommunes.csv",
                     "8260477fd2188e2d51da0a7a2f04aab7368383208ea833b02d7e7c0f10dc875d", 1971707),
        ),
    ),
    Dataset(
        "arcep_ftth_arrondissements", "Déploiement FttH par arrondissement (Paris, Lyon, Marseille)",
        "ARCEP", "2017T3-2018T1", LO,
        "https://www.data.gouv.fr/fr/datasets/r/ff53e607-b463-452c-a136-44d919c55e1a",
        "arcep_ftth_deploiement_arrondissements_PLM_2017T3-2018T1.csv",
        "4defdc2fd2cc8dccb4f07086e54a99c6036883e85f38201ce1186308e5abb8df",
        "arcep:read_ftth_arrondissements", "fibre_deployment",
        downloads=(
            Download(f"{_ARCEP}/ftthArrondissements.csv",
                     "4defdc2fd2cc8dccb4f07086e54a99c6036883e85f38201ce1186308e5abb8df", 3335),
        ),
    ),
    Dataset(
        "arcep_ftth_departements", "Déploiement FttH par département", "ARCEP", "2017T3-2018T1", LO,
        "https://www.data.gouv.fr/fr/datasets/r/ff53e607-b463-452c-a136-44d919c55e1a",
        "arcep_ftth_deploiement_departements_2017T3-2018T1.csv",
        "b6e53ebeccc1256300e0552fb0e4662c743303fccbe0e255490e5c7215ba6284",
        "arcep:read_ftth_departments", "fibre_deployment_departments",
        downloads=(
            Download(f"{_ARCEP}/ftthDepartements.csv",
                     "b6e53ebeccc1256300e0552fb0e4662c743303fccbe0e255490e5c7215ba6284", 6699),
        ),
    ),
    Dataset(
        "arcep_communes_info", "Informations à l'échelle de la commune (logements, établissements, zonage)",
        "ARCEP", "2018T1", LO, "https://www.data.gouv.fr/fr/datasets/r/ff53e607-b463-452c-a136-44d919c55e1a",
        "arcep_thd_informations_communes_2018T1_idf.csv",
        "cebe50a5a3fc4aa95c814258602f164acfb5ee4aad4453447b4c201969e6c1e0",
        "arcep:read_communes_info", "premises",
        downloads=(
            Download(f"{_ARCEP}/communes.csv",
                     "caf96969e285477b958dcffd5ad889078d627e4d0a1bc2753919c180146b4b1f", 3117171),
        ),
    ),
    Dataset(
        "etalab_barometre_territoires", "Baromètre des résultats: services publics et territoires",
        "Etalab / DINUM (figures ARCEP)", "2017Q4-2022Q3", LO,
        "https://www.data.gouv.fr/fr/datasets/barometre-des-resultats-de-laction-publique/",
        "etalab_barometre_services-publics-territoires_detail_departemental.csv",
        "7d3579295d6a6b858d745a399309508e17a7a218bf742f98e9ea6165fea1f499",
        "barometre:read_etalab_fibre", "fibre_department_series",
        downloads=(Download(f"{RAW}/etalab/barometre-resultats-donnees/825d445459e2c0528811d8d511259e8682981784/"
        "secteur-action-publique/services-publics-et-territoires/"
        "barometre-resultats-services-publics-et-territoires-detail-departemental.csv", "7d3579295d6a6b858d745a399309508e17a7a218bf742f98e9ea6165fea1f499", 2065658),),
    ),
    Dataset(
        "ditp_fibre_2022_2024", "Baromètre IND-306: taux de déploiement de la fibre", "DITP (figures ARCEP)",
        "2022Q2-2024Q2", LO, "https://www.data.gouv.fr/fr/datasets/barometre-des-resultats-de-laction-publique/",
        "ditp_barometre_IND-306_fibre_departements_2022-2024.csv",
        "2893168f374d1b073439913a2dbd1ff278e4e9dea06a5db1e9b291dc698f06c9",
        "barometre:read_ditp_fibre", "fibre_department_series",
        downloads=(Download(f"{RAW}/DITP-pilotage/barometre-resultats/8bab813aa2926e9293cd85d3ac8c35ed74604347/data/ind-306.csv", "2893168f374d1b073439913a2dbd1ff278e4e9dea06a5db1e9b291dc698f06c9", 44751),),
    ),
    Dataset(
        "insee_mobpro_2014", "Mobilités professionnelles: flux domicile-travail par mode et CSP", "INSEE (RP 2014), "
        "aggregated by UMR Géographie-cités", "RP 2014", LO, "https://www.insee.fr/fr/statistiques/2866308",
        "idf_mobpro2014_flows_mode_csp.csv.gz",
        "6d5cfa8c9c31651baa505be65242c0a3e41c52677b2ec3abc188fe74bba3b654",
        "insee:read_mobpro_flows", "commuting_flows",
        downloads=(
            Download(f"{RAW}/Geographie-cites/ameginatif/db62d35622f34c2b8b3dc2cc165a55abc179f537/data/tabflows2.Rds",
                     "3a2cb045b916500692f8f915aafd3828eaa500b5f7f2d4a73ac83c97e6456811", 4022128),
        ),
        notes="Flows inside IDF only; 5,323,745 workers; converted from the ameginatif .Rds.",
    ),
    Dataset(
        "idfm_stations", "Emplacement des gares IDF", "Île-de-France Mobilités", "2025", ODBL,
        "https://data.iledefrance-mobilites.fr/explore/dataset/emplacement-des-gares-idf/",
        "idfm_emplacement-des-gares-idf.csv",
        "ed974f583b82ba7ae0fd6f9aa41ddd92b1806aec60f7afb05d3615b0b6bb3e65",
        "idfm:read_stations", "stations",
        downloads=(Download(f"{_HACKA}/data/raw/emplacement-des-gares-idf.csv", "ed974f583b82ba7ae0fd6f9aa41ddd92b1806aec60f7afb05d3615b0b6bb3e65", 499202),),
    ),
    *(
        Dataset(
            f"idfm_validations_{q.lower()}", f"Validations sur le réseau ferré par jour ({q})",
            "Île-de-France Mobilités", q, ODBL,
            "https://data.iledefrance-mobilites.fr/explore/dataset/validations-reseau-ferre-nombre-validations-par-jour-1er-semestre/",
            f"idfm_validations_reseau_ferre_jour_{q}.parquet", sha, "idfm:read_validations",
            "station_validations", downloads=(Download(url, sha, size),),
        )
        for q, sha, url, size in (
            ("2024T3", "6e7fc56f38dbfb15e88f33c20c6d1ca14cce34861cf397d07d303be1fff0dc18",
             f"{_HACKA}/data/raw/{_VALID}-3eme-trimestre.parquet", 3755768),
            ("2024T4", "fc6d226dc845fcd1fa46f8dcbb93568e3aba07cc0bc937f90c0c0a2a4e7a0167",
             f"{_HACKA}/data/raw/{_VALID}-4eme-trimestre.parquet", 3801618),
            ("2025T1", "be4a265c5357e1266842f6dd36041edea3058a1444cf4c1fccb7522bfb1f3d45",
             f"{_HACKA}/scripts/data_validation/datasets/{_VALID}-1er-trimestre.parquet", 3514336),
            ("2025T2", "26bcb9277a945abe01380de90f8723879e307c6f16f2c17e54e3fa0f3120a1fd",
             f"{_HACKA}/data/raw/{_VALID}-2eme-trimestre.parquet", 3633626),
        )
    ),
    Dataset(
        "nsrdb_paris_tmy", "NSRDB typical meteorological year, Paris 48.85N 2.34E", "NREL NSRDB (nsrdb-msg v4.0.0)",
        "TMY (2017-2021)", "NREL NSRDB: free use with attribution", "https://nsrdb.nrel.gov/",
        "nsrdb_paris_48.85N_2.34E_hourly.csv",
        "d7161eff79cc4fbc0a996118c9cb20e6beda3bb053db805f22a2b199a016e1fd",
        "nsrdb:read_tmy", "irradiance_hourly",
        downloads=(Download(f"{RAW}/dataforgoodfr/13_potentiel_solaire/9c060e654b130103e19472e498fcceb7208cc0ff/sam_api/meteo.csv", "d7161eff79cc4fbc0a996118c9cb20e6beda3bb053db805f22a2b199a016e1fd", 904879),),
    ),
    Dataset(
        "apur_volumes_paris13", "Volumes bâtis (extrait Paris 13e)", "Ville de Paris / APUR", "2010", ODBL,
        "https://opendata.paris.fr/explore/dataset/volumesbatisparis/", "paris_volumesbatis_extrait_13e.geojson",
        "aafb013f6a7d0859e7466901e25e7b514e55ab21c2d96e2a6d16e28499c9d64c",
        "apur:read_building_volumes", "buildings",
        downloads=(Download(f"{RAW}/VincDub/OpenDataPython/4823c7e5f77ce7097ca99b13997517a16d0f9c38/DONNEES/volumesbatisparis.geojson", "aafb013f6a7d0859e7466901e25e7b514e55ab21c2d96e2a6d16e28499c9d64c", 346392),),
    ),
    Dataset(
        "dfg_saint_denis_buildings", "BD TOPO bâtiments autour des écoles de Saint-Denis",
        "IGN BD TOPO (compiled by Data For Good)", "BD TOPO 2024", LO,
        "https://github.com/dataforgoodfr/13_potentiel_solaire",
        "dfg_saint-denis_ecoles_bdtopo-batiments_cadastre-solaire.gpkg",
        "e61f6708a79859cd87cbef505c99bcc484c23ee7c0ea793ec5d45088c319c7d3",
        "apur:read_saint_denis_buildings", "buildings",
        downloads=(Download(f"{RAW}/dataforgoodfr/13_potentiel_solaire/8806bd331b8d34fed1c7ac1e376b4cec45a7dc92/algorithme/data/saint_denis_reference_data.gpkg", "e61f6708a79859cd87cbef505c99bcc484c23ee7c0ea793ec5d45088c319c7d3", 3338240),),
    ),
    Dataset(
        "dfg_saint_denis_solar_roofs", "Cadastre solaire: potentiel par toiture (écoles de Saint-Denis)",
        "APUR / Métropole du Grand Paris (compiled by Data For Good)", "cadastre solaire (c. 2020)", ODBL,
        "https://github.com/dataforgoodfr/13_potentiel_solaire",
        "dfg_saint-denis_ecoles_bdtopo-batiments_cadastre-solaire.gpkg",
        "e61f6708a79859cd87cbef505c99bcc484c23ee7c0ea793ec5d45088c319c7d3",
        "apur:read_saint_denis_solar_roofs", "solar_cadastre_roofs",
        downloads=(Download(f"{RAW}/dataforgoodfr/13_potentiel_solaire/8806bd331b8d34fed1c7ac1e376b4cec45a7dc92/algorithme/data/saint_denis_reference_data.gpkg", "e61f6708a79859cd87cbef505c99bcc484c23ee7c0ea793ec5d45088c319c7d3", 3338240),),
    ),
    Dataset(
        "insee_filosofi_2021", "Filosofi 2021: revenus déclarés par UC, communes", "INSEE", "2021", LO,
        "https://www.insee.fr/fr/statistiques/7756729", "insee_filosofi_2021_FILO2021_DEC_COM.csv",
        "db99f8f0ceedb080f9472dad7eb425f3a82e215fe48d617f89d9eb3c6f10ce8c",
        "insee:read_filosofi_2021", "incomes", downloads=(Download(f"{_FILO}/FILO2021_DEC_COM.csv", "db99f8f0ceedb080f9472dad7eb425f3a82e215fe48d617f89d9eb3c6f10ce8c", 3209330),),
    ),
    Dataset(
        "insee_filosofi_2012", "Filosofi 2012: base comparateur de territoires", "INSEE", "2012", LO,
        "https://www.insee.fr/fr/statistiques/1895078", "insee_filosofi_2012_base-cc-filosofi-2012.csv",
        "52a8e79c9b0d2955bcfc058a4077328efddb32e95fb11defa40aa223ef6c790c",
        "insee:read_filosofi_2012", "incomes", downloads=(Download(f"{_FILO}/base-cc-filosofi-2012.csv", "52a8e79c9b0d2955bcfc058a4077328efddb32e95fb11defa40aa223ef6c790c", 2591902),),
    ),
    Dataset(
        "ign_region_2018", "Région Île-de-France (contour)", "IGN ADMIN EXPRESS COG", "2018", LO,
        "https://france-geojson.gregoiredavid.fr/", "region-ile-de-france.geojson",
        "cadfa092aa1c5ec40acfab921aaaf273c5c8b242d3f7609354332c23eba8bf3e",
        "ign:read_region_geojson", "reference",
        downloads=(Download(f"{_GEOJSON}/region-ile-de-france.geojson", "cadfa092aa1c5ec40acfab921aaaf273c5c8b242d3f7609354332c23eba8bf3e", 47043),),
        notes="A single Feature, not a FeatureCollection. Used to check the communes' total area.",
    ),
    Dataset(
        "datasfun_comparateur_2024", "Communes: comparateur de territoires 2024 (compilation)",
        "INSEE and La Poste, compiled by rcarlier (datas.fun)", "COG 2024, RP 2021", LO,
        "https://www.insee.fr/fr/statistiques/2521169", "communes_comparateur2024_idf_datasfun.csv",
        "4422a3e5c45c2acf7dfc93240774ec685338422ed717d3c9e48899e71e11ed7b",
        "insee:read_comparateur_datasfun", "commune_census_2021",
        downloads=(
            Download(f"{RAW}/rcarlier/datas.fun/b9874080432e11b943e93aeae75ee372a024697b/France/communes.csv",
                     "2c2676845aa41545ea8b4420e6d3bebb818146d0f657ebb938cb4375751f1b65", 3593706),
        ),
        notes="Not an official format; one row per (commune, postal code); cut to IDF.",
    ),
    Dataset(
        "sgp_gpe_stations", "Gares du Grand Paris Express (localisation 2016)", "Société du Grand Paris; IGN GEOFLA",
        "2016", LO,
        "https://www.data.gouv.fr/fr/datasets/point-de-localisation-des-gares-de-la-ligne-15-sud-et-ligne-16/",
        "sgp_gpe_gares_localisation_2016_x_geofla.shp",
        "cef70efd2c1f8e7d494f0799cfb3e1e38067cdf97f8adf600ec97826c45119b9",
        "idfm:read_gpe_stations", "gpe_stations",
        downloads=(
            Download(f"{_GPE}/intersect_gpe_villes.shp",
                     "cef70efd2c1f8e7d494f0799cfb3e1e38067cdf97f8adf600ec97826c45119b9", 2032),
            Download(f"{_GPE}/intersect_gpe_villes.shx",
                     "508d4096b55a4c7cbfc749848972e027f9aaa320df81c73f3bb0cdeb49b8bd5b", 652),
            Download(f"{_GPE}/intersect_gpe_villes.dbf",
                     "ac07346d99606395a71eb7396df078e1981d2153ea146829a8768488c7360a51", 62790),
            Download(f"{_GPE}/intersect_gpe_villes.prj",
                     "a15332116d448924678fa444adeccf25a8b9c670ff74a51dc6a495524cb62de2", 432),
            Download(f"{_GPE}/intersect_gpe_villes.qpj",
                     "3d38d90134cae13bf6382cefe7e3b68a8f3a6fbf2c73e2426595042caf14da14", 683),
        ),
        extra_files={
            "sgp_gpe_gares_localisation_2016_x_geofla.shx": "508d4096b55a4c7cbfc749848972e027f9aaa320df81c73f3bb0cdeb49b8bd5b",
            "sgp_gpe_gares_localisation_2016_x_geofla.dbf": "ac07346d99606395a71eb7396df078e1981d2153ea146829a8768488c7360a51",
            "sgp_gpe_gares_localisation_2016_x_geofla.prj": "a15332116d448924678fa444adeccf25a8b9c670ff74a51dc6a495524cb62de2",
            "sgp_gpe_gares_localisation_2016_x_geofla.qpj": "3d38d90134cae13bf6382cefe7e3b68a8f3a6fbf2c73e2426595042caf14da14",
        },
        notes="Planned stations, no opening dates; the dbf is Latin-1 with no .cpg.",
    ),
)

#: Datasets that no build reads: only a refresh command fetches them (through
#: :func:`smartidf_analysis.data.fetch.fetch`, so the mirror, the download cache and
#: ``SMARTIDF_DOWNLOAD_MIRROR`` apply), never :func:`~smartidf_analysis.data.fetch.fetch_all`'s
#: default set nor ``smartidf data build``. The PVGIS field is shipped in the package
#: (:data:`smartidf_analysis.solar.field.FIELD_FILE`), so a fresh machine needs no download;
#: ``smartidf solar fit-field`` refits it from this file.
REFRESH_DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "solairesimple_pvgis_irradiation", "Irradiation solaire par commune (PVGIS)",
        "SolaireSimple, from EU JRC PVGIS (satellite-derived, 2005-2020)", "2025-10",
        "CC BY 4.0", "https://solairesimple.fr/",
        "solairesimple_pvgis_irradiation_communes_idf_2025-10_calibration.csv",
        "2506d9676701380b05498e846e14723c2955a63389e292a879937941aa9117b0",
        "pvgis:read_pvgis_communes", "refresh:solar_field",
        downloads=(Download(
            f"{RAW}/open-solar-france/open-solar-france/e0e0086ffe1d2394940d0e2d001c341ee7b74e49/"
            "data/irradiation-par-commune-10-2025.csv",
            "04146add30291f66d65f120c0ccb75b26be7a4723c7449d9f740644f7d3663c4", None),),
        notes="France, 11,769 rows (one per postcode); the mirror holds a calibration cut to IDF "
              "with a test sample of communes withheld (SOURCES.md H1). Size not recorded: the "
              "download is checked by sha256 alone.",
    ),
)

_BY_ID = {d.id: d for d in (*DATASETS, *REFRESH_DATASETS)}


def get(dataset_id: str) -> Dataset:
    """The catalogue record of ``dataset_id``; KeyError naming the known ids otherwise.

    Parameters
    ----------
    dataset_id : str
        A dataset id (of :data:`DATASETS` or :data:`REFRESH_DATASETS`).

    Returns
    -------
    Dataset
        The record.

    Raises
    ------
    KeyError
        For an unknown id.
    """
    try:
        return _BY_ID[dataset_id]
    except KeyError:
        raise KeyError(
            f"unknown dataset {dataset_id!r}; known: {', '.join(sorted(_BY_ID))}"
        ) from None


def ids() -> list[str]:
    """The ids of the datasets the build reads, in catalogue order (not :data:`REFRESH_DATASETS`).

    Returns
    -------
    list of str
        The dataset ids.
    """
    return [d.id for d in DATASETS]
