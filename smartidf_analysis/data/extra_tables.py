"""Columns (name -> DuckDB type) of the tables written beside the canonical ones of
:mod:`smartidf_analysis.data.schema`: the build's bookkeeping (``provenance``,
``missing_datasets``, ``build_issues``) and the user imports kept across rebuilds
(``existing_sites``, ``imported_roofs``).
"""

from __future__ import annotations

PROVENANCE_COLUMNS = {
    "dataset_id": "VARCHAR",
    "table_name": "VARCHAR",
    "title": "VARCHAR",
    "producer": "VARCHAR",
    "file_name": "VARCHAR",
    "sha256": "VARCHAR",
    "rows": "BIGINT",
    "vintage": "VARCHAR",
    "licence": "VARCHAR",
    "built_at": "TIMESTAMP",
    "package_version": "VARCHAR",
    "synthetic": "BOOLEAN",
    "origin": "VARCHAR",  # mirror | mirror (originals) | download cache | missing | synthetic
    "url": "VARCHAR",  # the public original's URL (or the official page)
}

#: sites that already exist (tiers-lieux, coworking spaces, telecentres), imported by
#: ``smartidf data import-sites`` (:mod:`smartidf_analysis.data.existing_sites`), kept across
#: rebuilds; one row per site, with the file, sha256 and line it came from
EXISTING_SITES_COLUMNS = {
    "site_id": "VARCHAR",  # "existing:" + 12 hex of sha256(name, rounded lon/lat)
    "name": "VARCHAR",
    "lon": "DOUBLE",
    "lat": "DOUBLE",
    "x_l93": "DOUBLE",
    "y_l93": "DOUBLE",
    "commune_code": "VARCHAR",  # the commune polygon holding the point (current COG)
    "seats": "INTEGER",  # NULL when the file does not say
    "opening_year": "SMALLINT",
    "source": "VARCHAR",  # the row's source column, else the file name
    "source_ref": "VARCHAR",  # the site's id in its source (OSM node/123, census id...)
    "file_name": "VARCHAR",
    "file_sha256": "VARCHAR",
    "file_line": "BIGINT",  # CSV line (header = 1) or GeoJSON feature number (1-based)
    "imported_at": "TIMESTAMP",
}

#: roofs imported by ``smartidf data import-buildings`` (one row per building of a BD TOPO
#: ``batiment`` layer; ``import_id`` names the file and layer, see ``provenance``)
IMPORTED_ROOFS_COLUMNS = {
    "import_id": "VARCHAR",
    "roof_id": "VARCHAR",
    "building_id": "VARCHAR",
    "commune_code": "VARCHAR",
    "roof_shape": "VARCHAR",  # flat | pitched (stock.roof_shape)
    "footprint_m2": "DOUBLE",
    "usable_area_m2": "DOUBLE",
    "tilt_deg": "DOUBLE",
    "azimuth_deg": "DOUBLE",
    "height_m": "DOUBLE",
    "floors": "DOUBLE",
    "roof_material": "VARCHAR",
    "usage": "VARCHAR",
    "lon": "DOUBLE",
    "lat": "DOUBLE",
    "shading_factor": "DOUBLE",
    "geometry_wkb": "BLOB",
}

#: one row per catalogue dataset a build could not get (its tables are left empty)
MISSING_DATASETS_COLUMNS = {
    "dataset_id": "VARCHAR",
    "title": "VARCHAR",
    "url": "VARCHAR",
    "error": "VARCHAR",
    "tables": "VARCHAR[]",
    "pages": "VARCHAR[]",
    "notebooks": "VARCHAR[]",
}

BUILD_ISSUES_COLUMNS = {
    "dataset_id": "VARCHAR",
    "code": "VARCHAR",
    "issue": "VARCHAR",
    "rows": "BIGINT",
    "measure": "VARCHAR",  # what 'affected' counts: workers, premises, km2, population...
    "affected": "DOUBLE",
}
