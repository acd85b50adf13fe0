"""Solar tables of the database: building extracts, the Saint-Denis cadastre, the map units of
the synthetic stock, imported roofs and the provenance of the solar inputs.

Named queries (``sql/solar_*.sql``) and whitelisted reads of
:mod:`smartidf_analysis.data.db`; every function returns a new frame.
"""

from __future__ import annotations

import pandas as pd

from smartidf_analysis import config
from smartidf_analysis.data import db

#: Roof sets the page and the notebook know: id -> provenance dataset id.
ROOF_SETS = {
    "saint_denis_buildings": "dfg_saint_denis_buildings",
    "paris13_volumes": "apur_volumes_paris13",
    "saint_denis_cadastre": "dfg_saint_denis_solar_roofs",
    "synthetic_stock": None,
}
IMPORTED_SET = "imported_buildings"  # roofs of `smartidf data import-buildings` (imported_roofs)
BUILDING_SOURCES = ("apur_volumes_paris13", "dfg_saint_denis_buildings")
SOLAR_TABLES = ("irradiance_hourly", "buildings", "solar_cadastre_roofs", "communes", "premises",
                "imported_roofs")


def buildings(source: str) -> pd.DataFrame:
    """The ``buildings`` of one source extract (see :data:`BUILDING_SOURCES`) with polygons.

    Parameters
    ----------
    source : str
        One of :data:`BUILDING_SOURCES`.

    Returns
    -------
    DataFrame
        ``building_id``, ``source``, ``commune_code``, ``footprint_m2`` [m2], ``floors``,
        ``height_m`` [m], ``roof_material``, ``usage``, ``lon``, ``lat`` [deg], ``geometry_wkb``.

    Raises
    ------
    ValueError
        For a source not in :data:`BUILDING_SOURCES`.
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    if source not in BUILDING_SOURCES:
        raise ValueError(f"unknown building source {source!r}; known: {BUILDING_SOURCES}")
    return db.query("solar_buildings", source=source)


def cadastre() -> pd.DataFrame:
    """The ``solar_cadastre_roofs`` table (Saint-Denis school sites) with polygons.

    Returns
    -------
    DataFrame
        ``roof_id``, ``usable_area_m2`` [m2], ``solar_class``, ``production_kwh`` [kWh/yr],
        ``mean_irradiation_kwh_m2`` [kWh/m2/yr], ``roof_shape``, ``lon``, ``lat`` [deg],
        ``geometry_wkb``.

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    return db.query("solar_cadastre_roofs")


def stock_communes() -> pd.DataFrame:
    """Map units with centroid, area and dwellings for the synthetic stock (``sql/solar_stock_communes``).

    Returns
    -------
    DataFrame
        One row per commune (arrondissement in Paris): ``commune_code``, ``commune_name``,
        ``kind``, ``department_code``, ``population``, ``area_km2`` [km2], ``centroid_lon``,
        ``centroid_lat`` [deg], ``dwellings`` (ARCEP 2018T1) and ``dwellings_method``.

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    return db.query("solar_stock_communes")


def commune_geometries() -> pd.DataFrame:
    """Map units (arrondissements for Paris) with ``geometry_wkb`` for choropleths.

    Returns
    -------
    DataFrame
        The ``communes_map`` query's rows that have a polygon (``commune_code``,
        ``geometry_wkb`` WGS84, ...).

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    frame = db.query("communes_map", paris_as_one=False)
    return frame[frame["geometry_wkb"].notna()].reset_index(drop=True)


def unplaced_dwellings() -> pd.DataFrame:
    """ARCEP dwellings whose code has no current commune: reported, never silently dropped.

    Returns
    -------
    DataFrame
        ``commune_code``, ``commune_code_2018``, ``commune_name``, ``department_code``,
        ``dwellings``.

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    return db.query("solar_unplaced_dwellings")


def provenance() -> pd.DataFrame:
    """Provenance rows (producer, title, vintage, licence) of the solar inputs.

    Returns
    -------
    DataFrame
        ``dataset_id``, ``table_name``, ``title``, ``producer``, ``vintage``, ``licence``,
        ``synthetic``, one row per dataset feeding :data:`SOLAR_TABLES`.

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    return db.query("provenance_for_tables", tables=list(SOLAR_TABLES))


def imported_roofs(columns: list[str] | None = None) -> pd.DataFrame:
    """Roofs of ``smartidf data import-buildings`` (``imported_roofs``; empty when none).

    Parameters
    ----------
    columns : list of str, optional
        Columns to read; default all.

    Returns
    -------
    DataFrame
        The ``imported_roofs`` rows (see
        :func:`~smartidf_analysis.solar.buildings_import.roofs_table`).

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    if not db.table_exists("imported_roofs"):
        return pd.DataFrame(columns=columns or list(db.EXTRA_TABLES["imported_roofs"]))
    return db.read_table("imported_roofs", columns)


def write_imported_roofs(import_id: str, roofs: pd.DataFrame, provenance_row: dict) -> None:
    """Replace import ``import_id``'s roofs and provenance row, atomically (``db.write_import``).

    Parameters
    ----------
    import_id : str
        The import's id (rows with it are replaced).
    roofs : DataFrame
        The ``imported_roofs`` rows (:func:`~smartidf_analysis.solar.buildings_import.roofs_table`).
    provenance_row : dict
        The import's ``provenance`` row.

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database has not been built.
    """
    db.write_import(config.db_path(), "imported_roofs", "import_id", import_id, roofs, provenance_row)


def regional_roof_set() -> str:
    """``"imported_buildings"`` when buildings were imported, else ``"synthetic_stock"``.

    Returns
    -------
    str
        The roof set id.
    """
    has = db.table_exists("imported_roofs") and db.query("imported_roofs_count")["roofs"].iloc[0] > 0
    return IMPORTED_SET if has else "synthetic_stock"
