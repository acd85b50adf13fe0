"""``smartidf data import-buildings PATH``: an IGN BD TOPO ``batiment`` layer -> modelled roofs
in the database (table ``imported_roofs``, one ``provenance`` row per import).

Steps: :func:`~smartidf_analysis.data.sources.bdtopo.read_bdtopo_buildings` (footprint [m2] in
Lambert-93, height [m], floors, roof-material code, WGS84 WKB); the commune of each building
from the file when it has one (``code_insee``), else the map unit (commune, or arrondissement
in Paris) of the database containing its centroid (:func:`assign_communes`); one roof per
building with today's rule (:func:`~smartidf_analysis.solar.stock.roofs_from_buildings`: flat
or pitched from the material code, else from floors or height); then
:func:`smartidf_analysis.solar.io.write_imported_roofs` replaces this file's rows in a copy of
the database and renames it into place, so a failed import leaves the previous database as it
was. Importing the same file (and layer) again replaces its rows; other files' rows stay (one
GeoPackage per department). No shading model is applied to imported roofs
(``shading_factor`` 0). A ``smartidf data build`` writes a new database: import again after it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from smartidf_analysis import __version__
from smartidf_analysis.data.catalog import LO
from smartidf_analysis.data.sources.bdtopo import read_bdtopo_buildings
from smartidf_analysis.solar import io
from smartidf_analysis.solar.stock import roofs_from_buildings


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote.

    Parameters
    ----------
    import_id : str
        ``bdtopo:<file name>:<layer>``, the ``provenance`` dataset id of the import.
    rows_read : int
        Features read from the layer.
    roofs : int
        Roofs written (one per building).
    duplicates_dropped : int
        Features dropped because their building id repeated an earlier one.
    outside_region : int
        Buildings whose centroid is in no commune of the database (kept without a commune code).
    footprint_m2 : float
        Total footprint of the roofs written [m2].
    flat_roofs : int
        Roofs modelled as flat.
    """

    import_id: str
    rows_read: int
    roofs: int
    duplicates_dropped: int
    outside_region: int  # buildings whose centroid is in no commune of the database
    footprint_m2: float
    flat_roofs: int

    @property
    def message(self) -> str:
        """One line saying what was imported: roofs, features read, duplicates dropped, flat roofs, footprint
        [km²], features outside the region."""
        return (f"imported {self.roofs:,} roofs from {self.import_id} ({self.rows_read:,} features; "
                f"{self.duplicates_dropped:,} repeated building ids dropped; {self.flat_roofs:,} flat; "
                f"total footprint {self.footprint_m2 / 1e6:,.3f} km2; {self.outside_region:,} outside "
                "the region's communes, kept without a commune code)")


def assign_communes(lon, lat, units: pd.DataFrame) -> np.ndarray:
    """The ``commune_code`` of the unit of ``units`` (``commune_code``, ``geometry_wkb`` WGS84)
    containing each point [deg]; None outside them all (the first unit wins on a shared edge).

    Parameters
    ----------
    lon, lat : array_like
        WGS84 longitude and latitude of the points [deg].
    units : DataFrame
        ``commune_code`` and ``geometry_wkb`` (WGS84 polygons), e.g.
        :func:`smartidf_analysis.solar.io.commune_geometries`.

    Returns
    -------
    ndarray of object
        One commune code (or None) per point.
    """
    import shapely

    polygons = shapely.from_wkb([bytes(b) for b in units["geometry_wkb"]])  # DuckDB gives bytearray
    points = shapely.points(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    tree = shapely.STRtree(polygons)
    point_idx, unit_idx = tree.query(points, predicate="within")
    out = np.full(len(points), None, dtype=object)
    first = np.unique(point_idx, return_index=True)[1]
    out[point_idx[first]] = units["commune_code"].to_numpy(dtype=object)[unit_idx[first]]
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def roofs_table(buildings: pd.DataFrame, import_id: str, **assumptions) -> pd.DataFrame:
    """``imported_roofs`` rows of a buildings frame (:func:`read_bdtopo_buildings`'s, with
    ``commune_code``): the roofs of :func:`roofs_from_buildings` plus the building's footprint,
    height, floors, material, usage and polygon.

    Parameters
    ----------
    buildings : DataFrame
        :func:`read_bdtopo_buildings`'s ``buildings`` with a ``commune_code`` per row.
    import_id : str
        The import's id, written to ``source`` and ``import_id``.
    **assumptions
        Keyword arguments of :func:`roofs_from_buildings` (tilts [deg], usable fractions [-]...).

    Returns
    -------
    DataFrame
        The columns of :func:`roofs_from_buildings` plus ``footprint_m2`` [m2], ``height_m`` [m],
        ``floors``, ``roof_material``, ``usage``, ``geometry_wkb`` and ``import_id``.
    """
    roofs = roofs_from_buildings(buildings.assign(source=import_id), **assumptions)
    for column in ("footprint_m2", "height_m", "floors", "roof_material", "usage", "geometry_wkb"):
        roofs[column] = buildings[column].to_numpy()
    roofs["import_id"] = import_id
    return roofs


def import_buildings(path: str | Path, layer: str | None = None, **assumptions) -> ImportResult:
    """Import a BD TOPO ``batiment`` layer into the database (see the module docstring).

    Parameters
    ----------
    path : str or Path
        The BD TOPO GeoPackage.
    layer : str, optional
        Its buildings layer; default: the one :func:`read_bdtopo_buildings` finds.
    **assumptions
        Keyword arguments of :func:`roofs_from_buildings` (tilts [deg], usable fractions [-]...).

    Returns
    -------
    ImportResult
        What was written (counts, footprint [m2]).

    Raises
    ------
    smartidf_analysis.errors.SourceFormatError
        On a bad file (file, layer, column, feature); the database is then unchanged.
    smartidf_analysis.data.db.DatabaseMissingError
        Without a database.
    """
    read = read_bdtopo_buildings(path, layer)
    buildings = read.buildings
    unknown = pd.isna(buildings["commune_code"]).to_numpy()
    if unknown.any():
        codes = buildings["commune_code"].to_numpy(dtype=object).copy()
        codes[unknown] = assign_communes(buildings["lon"].to_numpy()[unknown],
                                         buildings["lat"].to_numpy()[unknown], io.commune_geometries())
        buildings = buildings.assign(commune_code=codes)
    import_id = f"bdtopo:{read.path.name}:{read.layer}"
    roofs = roofs_table(buildings, import_id, **assumptions)
    provenance = {
        "dataset_id": import_id, "table_name": "imported_roofs",
        "title": f"BD TOPO bâtiments (layer {read.layer}), imported", "producer": "IGN BD TOPO",
        "file_name": read.path.name, "sha256": _sha256(read.path), "rows": len(roofs),
        "vintage": f"last modification {read.vintage}", "licence": LO,
        "built_at": datetime.now(UTC).replace(tzinfo=None, microsecond=0),
        "package_version": __version__, "synthetic": False, "origin": "import",
        "url": str(read.path.resolve()),
    }
    io.write_imported_roofs(import_id, roofs, provenance)
    return ImportResult(import_id, read.rows_read, len(roofs), read.duplicates_dropped,
                        int(pd.isna(roofs["commune_code"]).sum()), float(roofs["footprint_m2"].sum()),
                        int((roofs["roof_shape"] == "flat").sum()))
