"""Canonical tables of the smartidf DuckDB database.

Every reader in :mod:`smartidf_analysis.data.sources` returns DataFrames with exactly these
columns (extra columns are an error), :mod:`smartidf_analysis.data.synthetic.region` produces the same
tables, and :mod:`smartidf_analysis.data.build` validates against this module before writing.

Conventions (see DESIGN.md): snake_case English names, commune codes as 5-character
strings on the current INSEE COG, quarters as ``"2018Q1"``, units in the column name where
ambiguous. ``*_wkb`` columns hold WKB geometries in WGS84 (EPSG:4326).

The columns of the other tables (provenance, build issues, missing datasets, the imports) are
in :mod:`smartidf_analysis.data.extra_tables` (importable from here).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from smartidf_analysis.data.extra_tables import (  # noqa: F401 - moved there, re-exported
    BUILD_ISSUES_COLUMNS,
    EXISTING_SITES_COLUMNS,
    IMPORTED_ROOFS_COLUMNS,
    MISSING_DATASETS_COLUMNS,
    PROVENANCE_COLUMNS,
)

#: Fixed-point sums of floating-point columns keep 9 decimals of each value (1e-9 worker,
#: kWh, ...): in DuckDB (:func:`smartidf_analysis.data.db.sum_sql`) and in pandas
#: (:func:`smartidf_analysis.commuting.matrices.sum_workers`), so both give the same bits.
SUM_SCALE = 9

@dataclass(frozen=True)
class Table:
    """One canonical table: its columns (name -> DuckDB type), key and description.

    Parameters
    ----------
    name : str
        The table's name.
    description : str
        What it holds (sources, units).
    columns : dict of str to str
        Column name -> DuckDB type.
    key : tuple of str
        The columns that identify a row (checked unique by the build).
    non_negative : tuple of str
        Columns that may not hold negative values.
    """

    name: str
    description: str
    columns: dict[str, str]
    key: tuple[str, ...] = ()
    non_negative: tuple[str, ...] = field(default=())


TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "communes",
            "Current COG communes of Île-de-France (kind COM) plus the 20 Paris arrondissements "
            "(kind ARM, parent 75056). Geometry from IGN ADMIN EXPRESS 2018 dissolved onto current "
            "codes (arrondissements from Ville de Paris). area_km2 computed in Lambert-93 (EPSG:2154). "
            "population = INSEE population municipale 2023 (Paris 75056 = sum of its arrondissements).",
            {
                "commune_code": "VARCHAR",
                "commune_name": "VARCHAR",
                "kind": "VARCHAR",  # COM | ARM
                "parent_code": "VARCHAR",  # 75056 for ARM rows, NULL otherwise
                "department_code": "VARCHAR",
                "epci_siren": "VARCHAR",
                "epci_name": "VARCHAR",
                "ept_code": "VARCHAR",  # NULL outside the Métropole du Grand Paris EPTs
                "ept_name": "VARCHAR",
                "population": "BIGINT",  # population municipale 2023
                "population_total": "BIGINT",  # population totale 2023
                "area_km2": "DOUBLE",
                "centroid_lon": "DOUBLE",
                "centroid_lat": "DOUBLE",
                "centroid_x_l93": "DOUBLE",
                "centroid_y_l93": "DOUBLE",
                "geometry_wkb": "BLOB",
            },
            key=("commune_code",),
            non_negative=("population", "population_total", "area_km2"),
        ),
        Table(
            "commune_code_map",
            "Every commune code met in a source vintage, mapped to the current COG code. "
            "method: identity | delegated (COMD row) | associated (COMA row) | arrondissement.",
            {
                "source_code": "VARCHAR",
                "commune_code": "VARCHAR",
                "method": "VARCHAR",
            },
            key=("source_code",),
        ),
        Table(
            "departments",
            "The 8 departments of Île-de-France (IGN ADMIN EXPRESS 2018 geometry).",
            {
                "department_code": "VARCHAR",
                "department_name": "VARCHAR",
                "geometry_wkb": "BLOB",
            },
            key=("department_code",),
        ),
        Table(
            "commuting_flows",
            "INSEE RP 2014 MOBPRO home-to-work flows inside IDF by mode and CSP. Paris as "
            "arrondissements. home_code/work_code are current COG codes (or the original code when "
            "unmatched, listed in build_issues); *_code_2014 keep the file's codes. workers is a sum "
            "of survey weights (IPONDI), hence decimals.",
            {
                "home_code": "VARCHAR",
                "work_code": "VARCHAR",
                "home_code_2014": "VARCHAR",
                "work_code_2014": "VARCHAR",
                "mode": "VARCHAR",  # DOMICILE | NM | TC | VP (INSEE codes)
                "csp": "TINYINT",  # 1..6
                "workers": "DOUBLE",
            },
            key=("home_code_2014", "work_code_2014", "mode", "csp"),
            non_negative=("workers",),
        ),
        Table(
            "fibre_deployment",
            "ARCEP FttH deployment per commune and quarter (2017Q3-2018Q1). geo_level COM rows come "
            "from the commune file (Paris as 75056), ARM rows from the Paris arrondissements file: "
            "never sum both levels. arcep_class is ARCEP's coverage class (0,5,10,25,50,80).",
            {
                "commune_code": "VARCHAR",
                "commune_code_2018": "VARCHAR",
                "geo_level": "VARCHAR",  # COM | ARM
                "quarter": "VARCHAR",
                "connectable_premises": "BIGINT",
                "arcep_class": "INTEGER",
            },
            key=("commune_code_2018", "quarter"),
            non_negative=("connectable_premises",),
        ),
        Table(
            "fibre_deployment_departments",
            "ARCEP FttH deployment per department and quarter (2017Q3-2018Q1), IDF departments.",
            {
                "department_code": "VARCHAR",
                "quarter": "VARCHAR",
                "connectable_premises": "BIGINT",
                "arcep_class": "INTEGER",
            },
            key=("department_code", "quarter"),
            non_negative=("connectable_premises",),
        ),
        Table(
            "fibre_department_series",
            "Department FttH deployment rate [%] end 2017 - mid 2024 from the Baromètre des "
            "résultats (Etalab file to 2022Q3, rounded to whole percent; DITP IND-306 from 2022Q2, "
            "two decimals). zone_code: department code, or R11 for the region.",
            {
                "zone_code": "VARCHAR",
                "quarter": "VARCHAR",
                "period_end": "DATE",
                "coverage_pct": "DOUBLE",
                "source": "VARCHAR",  # dataset id
            },
            key=("zone_code", "quarter", "source"),
            non_negative=("coverage_pct",),
        ),
        Table(
            "premises",
            "ARCEP commune information 2018T1: dwellings and establishments (the FttH rate "
            "denominator) and zoning flags.",
            {
                "commune_code": "VARCHAR",
                "commune_code_2018": "VARCHAR",
                "commune_name": "VARCHAR",
                "department_code": "VARCHAR",
                "epci_siren": "VARCHAR",
                "dwellings": "BIGINT",
                "establishments": "BIGINT",
                "very_dense_zone": "BOOLEAN",
                "l3313_commitment": "BOOLEAN",
                "private_intention": "BOOLEAN",
                "rural": "BOOLEAN",
                "mountain": "BOOLEAN",
                "infrastructure_operators": "VARCHAR",
            },
            key=("commune_code_2018",),
            non_negative=("dwellings", "establishments"),
        ),
        Table(
            "stations",
            "IDFM station locations, one row per station and line (network as run in 2025). "
            "commune_code from a point-in-polygon join with the communes (arrondissements in Paris).",
            {
                "station_id": "VARCHAR",
                "station_name": "VARCHAR",
                "line": "VARCHAR",
                "mode": "VARCHAR",
                "operator": "VARCHAR",
                "zdc_id": "VARCHAR",
                "lon": "DOUBLE",
                "lat": "DOUBLE",
                "x_l93": "DOUBLE",
                "y_l93": "DOUBLE",
                "commune_code": "VARCHAR",
            },
            key=("station_id", "line"),
        ),
        Table(
            "station_validations",
            "IDFM daily validations on the rail network, 2024-07-01 to 2025-06-30, per stop and "
            "ticket category.",
            {
                "day": "DATE",
                "zdc_id": "VARCHAR",
                "stop_name": "VARCHAR",
                "ticket_category": "VARCHAR",
                "validations": "BIGINT",
            },
            non_negative=("validations",),
        ),
        Table(
            "irradiance_hourly",
            "NSRDB typical meteorological year for central Paris (48.85N 2.34E), hourly, UTC "
            "timestamps at the middle of the hour.",
            {
                "time_utc": "TIMESTAMP",
                "ghi_w_m2": "DOUBLE",
                "dni_w_m2": "DOUBLE",
                "dhi_w_m2": "DOUBLE",
                "clearsky_ghi_w_m2": "DOUBLE",
                "clearsky_dni_w_m2": "DOUBLE",
                "clearsky_dhi_w_m2": "DOUBLE",
                "temp_air_c": "DOUBLE",
                "wind_speed_m_s": "DOUBLE",
                "albedo": "DOUBLE",
                "pressure_hpa": "DOUBLE",
                "solar_zenith_deg": "DOUBLE",
            },
            key=("time_utc",),
            non_negative=("ghi_w_m2", "dni_w_m2", "dhi_w_m2"),
        ),
        Table(
            "buildings",
            "Building footprints for the solar demos: Ville de Paris / APUR volumes bâtis (Paris 13e "
            "extract, floors only) and IGN BD TOPO buildings around Saint-Denis schools (heights).",
            {
                "building_id": "VARCHAR",
                "source": "VARCHAR",  # dataset id
                "commune_code": "VARCHAR",
                "footprint_m2": "DOUBLE",
                "floors": "DOUBLE",
                "height_m": "DOUBLE",
                "roof_material": "VARCHAR",
                "usage": "VARCHAR",
                "lon": "DOUBLE",
                "lat": "DOUBLE",
                "geometry_wkb": "BLOB",
            },
            key=("building_id",),
            non_negative=("footprint_m2",),
        ),
        Table(
            "solar_cadastre_roofs",
            "Per-roof solar potential carried by the Saint-Denis GeoPackage (Grand Paris solar "
            "cadastre layer potentielsolaire_toitures): usable area, class, production.",
            {
                "roof_id": "VARCHAR",
                "usable_area_m2": "DOUBLE",
                "solar_class": "VARCHAR",
                "production_kwh": "DOUBLE",
                "mean_irradiation_kwh_m2": "DOUBLE",
                "roof_shape": "VARCHAR",
                "lon": "DOUBLE",
                "lat": "DOUBLE",
                "geometry_wkb": "BLOB",
            },
            key=("roof_id",),
        ),
        Table(
            "incomes",
            "INSEE Filosofi median income per consumption unit [EUR] by commune: 2021 declared "
            "income (Q221) and 2012 disposable income (MED12) - not comparable directly.",
            {
                "commune_code": "VARCHAR",
                "year": "SMALLINT",
                "measure": "VARCHAR",  # declared | disposable
                "median_income_eur": "DOUBLE",
                "households": "DOUBLE",
            },
            key=("commune_code", "year"),
            non_negative=("median_income_eur",),
        ),
        Table(
            "gpe_stations",
            "Grand Paris Express stations (lines 14 ext., 15-18) as planned by the Société du Grand "
            "Paris in 2016, no opening dates; commune from IGN GEOFLA mapped to the current COG.",
            {
                "station_code": "VARCHAR",
                "station_name": "VARCHAR",
                "lines": "VARCHAR",
                "interconnection": "BOOLEAN",
                "commune_code": "VARCHAR",
                "lon": "DOUBLE",
                "lat": "DOUBLE",
                "x_l93": "DOUBLE",
                "y_l93": "DOUBLE",
            },
            key=("station_code",),
        ),
        Table(
            "commune_census_2021",
            "Third-party compilation (datas.fun) of the INSEE comparateur de territoires 2024 "
            "(census RP 2021), deduplicated on the commune code. employed_15_64_approx = active - "
            "unemployed aged 15-64 (an approximation: the file has no 'actifs occupés').",
            {
                "commune_code": "VARCHAR",
                "kind": "VARCHAR",
                "population_2021": "BIGINT",
                "population_2015": "BIGINT",
                "households_2021": "BIGINT",
                "active_15_64_2021": "BIGINT",
                "unemployed_15_64_2021": "BIGINT",
                "employed_15_64_approx": "BIGINT",
                "area_km2_insee": "DOUBLE",
            },
            key=("commune_code",),
        ),
    ]
}
