"""IGN BD TOPO ``batiment`` layer (a department's GeoPackage, or an extract of the same schema)
-> building footprints for ``smartidf data import-buildings``.

IGN distributes BD TOPO per department as a GeoPackage whose layer ``batiment`` holds one
polygon per building (``MultiPolygon Z``, Lambert-93 EPSG:2154) with, among others, ``cleabs``
(the building's id, ``BATIMENT...``), ``hauteur`` [m], ``nombre_d_etages``,
``materiaux_de_la_toiture`` (a code, e.g. ``01`` terrace, ``10`` tiles), ``usage_1`` and
``date_modification`` (IGN, "BD TOPO Version 3.x, descriptif de contenu", theme Bati).
The Saint-Denis extract of the mirror (layer ``bdtopo_batiment``, EPSG:4326) carries the same
fields, some suffixed by a spatial join (``cleabs_left__bat``, ``date_modification_left__bat``)
and the commune code ``code_insee__bat``: each field is looked up under the names of
:data:`FIELD_NAMES` in order.

Footprint area [m2] and centroid are computed in Lambert-93; geometries are stored as 2-D WKB
in WGS84. A building id met twice (the extract's join repeats a building met in two school
zones) keeps its first row; the count is returned, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from smartidf_analysis.errors import SourceFormatError

from ._common import check_not_empty

#: Layer names tried, in order, when none is given.
BUILDING_LAYERS = ("batiment", "bdtopo_batiment")
#: canonical field -> names in the file, tried in order (IGN's own first).
FIELD_NAMES = {
    "building_id": ("cleabs", "cleabs_left__bat"),
    "height_m": ("hauteur",),
    "floors": ("nombre_d_etages",),
    "roof_material": ("materiaux_de_la_toiture",),
    "usage": ("usage_1",),
    "commune_code": ("code_insee", "code_insee__bat"),
    "date_modification": ("date_modification", "date_modification_left__bat"),
}
REQUIRED = ("building_id", "height_m", "floors", "roof_material", "usage")
LAMBERT93 = 2154


@dataclass(frozen=True)
class BuildingsFile:
    """What :func:`read_bdtopo_buildings` read: the frame and how it was read.

    Parameters
    ----------
    buildings : pandas.DataFrame
        ``building_id``, ``commune_code``, ``footprint_m2`` [m², Lambert-93], ``floors``,
        ``height_m`` [m], ``roof_material``, ``usage``, ``lon``, ``lat`` [deg, WGS84] (the
        Lambert-93 centroid), ``geometry_wkb`` (2-D, WGS84); indexed by the feature number.
    path : pathlib.Path
        The file read.
    layer : str
        The layer read.
    rows_read : int
        Features in the layer.
    duplicates_dropped : int
        Features dropped as repeats of a building id.
    vintage : str
        The last ``date_modification`` (YYYY-MM-DD), or ``"unknown"``.
    """

    #: building_id, commune_code, footprint_m2, floors, height_m, roof_material, usage, lon, lat,
    #: geometry_wkb (index: feature number in the layer)
    buildings: pd.DataFrame
    path: Path
    layer: str
    rows_read: int
    duplicates_dropped: int
    vintage: str  # last date_modification (YYYY-MM-DD) or "unknown"


def building_layer(path: str | Path, layer: str | None = None) -> str:
    """The layer to read: ``layer`` when given (checked), else the first of
    :data:`BUILDING_LAYERS` in the file; :class:`SourceFormatError` listing the layers otherwise.

    Parameters
    ----------
    path : str or pathlib.Path
        A GeoPackage or other vector file.
    layer : str, optional
        The layer asked for.

    Returns
    -------
    str
        The layer's name.

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or unreadable, or has no such layer.
    """
    import pyogrio

    path = check_not_empty(path)
    try:
        layers = [str(name) for name, _ in pyogrio.list_layers(path)]
    except Exception as exc:  # pyogrio.errors.DataSourceError: not a vector file
        raise SourceFormatError(path, f"not a GeoPackage or vector file GDAL can read ({exc})") from None
    wanted = (layer,) if layer else BUILDING_LAYERS
    for name in wanted:
        if name in layers:
            return name
    raise SourceFormatError(path, f"no layer {' or '.join(map(repr, wanted))}; layers in the file: "
                            f"{', '.join(layers) or '(none)'} (pass --layer NAME)")


def _columns(path: Path, layer: str, fields: list[str]) -> dict[str, str | None]:
    found = {}
    for canonical, names in FIELD_NAMES.items():
        found[canonical] = next((n for n in names if n in fields), None)
        if found[canonical] is None and canonical in REQUIRED:
            raise SourceFormatError(path, f"layer {layer!r}: missing column "
                                    f"{' or '.join(map(repr, names))}", column=names[0])
    return found


def _numbers(path: Path, layer: str, frame: pd.DataFrame, column: str) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna() & (frame[column].astype(str).str.strip() != "")
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise SourceFormatError(path, f"layer {layer!r}, feature {row + 1}: not a number: "
                                f"{frame[column].iloc[row]!r}", line=row + 1, column=column)
    values = values.to_numpy(dtype=float, na_value=np.nan)
    negative = values < 0
    if negative.any():
        row = int(np.flatnonzero(negative)[0])
        raise SourceFormatError(path, f"layer {layer!r}, feature {row + 1}: negative value "
                                f"{values[row]}", line=row + 1, column=column)
    return values


def _texts(frame: pd.DataFrame, column: str | None) -> np.ndarray:
    if column is None:
        return np.full(len(frame), None, dtype=object)
    values = frame[column].astype(object).to_numpy()
    missing = pd.isna(values)
    out = np.empty(len(values), dtype=object)
    for i in np.flatnonzero(~missing):  # strings: strip; empty -> None
        out[i] = str(values[i]).strip() or None
    return out


def read_bdtopo_buildings(path: str | Path, layer: str | None = None) -> BuildingsFile:
    """A BD TOPO ``batiment`` layer -> one row per building (see the module docstring).

    Errors (:class:`SourceFormatError`) name the file, the layer, the column and, for a bad
    value or geometry, the feature number (1-based, the row in the layer).

    Parameters
    ----------
    path : str or pathlib.Path
        A GeoPackage (or other vector file) with a BD TOPO ``batiment`` layer.
    layer : str, optional
        The layer; default the first of :data:`BUILDING_LAYERS` in the file.

    Returns
    -------
    BuildingsFile
        The buildings and how they were read.

    Raises
    ------
    SourceFormatError
        For a missing layer, column or CRS, no features, a feature without a polygon, an
        empty building id, or a height or floor count that is not a number >= 0.
    """
    import pyogrio
    import shapely
    from pyproj import CRS, Transformer

    path = check_not_empty(path)
    layer = building_layer(path, layer)
    info = pyogrio.read_info(path, layer=layer)
    names = _columns(path, layer, [str(f) for f in info["fields"]])
    if info["crs"] is None:
        raise SourceFormatError(path, f"layer {layer!r} has no coordinate reference system")
    wanted = [c for c in names.values() if c is not None]
    meta, table = pyogrio.read_arrow(path, layer=layer, columns=wanted)
    frame = table.drop_columns([meta["geometry_name"] or "wkb_geometry"]).to_pandas()
    geometry = shapely.from_wkb(np.asarray(table[meta["geometry_name"] or "wkb_geometry"]))
    rows_read = len(frame)
    if rows_read == 0:
        raise SourceFormatError(path, f"layer {layer!r} has no features")
    bad = shapely.is_missing(geometry) | shapely.is_empty(geometry)
    kinds = shapely.get_type_id(geometry)
    bad |= ~np.isin(kinds, (3, 6))  # Polygon, MultiPolygon
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        found = "none" if geometry[row] is None else shapely.get_type_id(geometry[row])
        raise SourceFormatError(path, f"layer {layer!r}, feature {row + 1}: no polygon geometry "
                                f"(geometry type id {found})", line=row + 1, column="geometry")
    ids = pd.Series(_texts(frame, names["building_id"]))
    if ids.isna().any():
        row = int(ids.isna().to_numpy().nonzero()[0][0])
        raise SourceFormatError(path, f"layer {layer!r}, feature {row + 1}: empty building id",
                                line=row + 1, column=names["building_id"])
    height = _numbers(path, layer, frame, names["height_m"])
    floors = _numbers(path, layer, frame, names["floors"])
    keep = ~ids.duplicated().to_numpy()
    crs = CRS.from_user_input(info["crs"])
    geometry = shapely.force_2d(geometry[keep])
    if crs.to_epsg() != LAMBERT93:
        to_l93 = Transformer.from_crs(crs, LAMBERT93, always_xy=True)
        l93 = shapely.transform(geometry, lambda xy: np.column_stack(to_l93.transform(xy[:, 0], xy[:, 1])))
    else:
        l93 = geometry
    to_wgs = Transformer.from_crs(LAMBERT93, 4326, always_xy=True)
    wgs = (geometry if crs.to_epsg() == 4326 else
           shapely.transform(l93, lambda xy: np.column_stack(to_wgs.transform(xy[:, 0], xy[:, 1]))))
    centroid = shapely.centroid(l93)
    lon, lat = to_wgs.transform(shapely.get_x(centroid), shapely.get_y(centroid))
    commune = _texts(frame, names["commune_code"])[keep]
    dates = _texts(frame, names["date_modification"])
    known = [d for d in dates if d]
    buildings = pd.DataFrame({
        "building_id": "bdtopo:" + ids[keep].astype(str).to_numpy(dtype=object),
        "commune_code": commune,
        "footprint_m2": shapely.area(l93),
        "floors": floors[keep],
        "height_m": height[keep],
        "roof_material": _texts(frame, names["roof_material"])[keep],
        "usage": _texts(frame, names["usage"])[keep],
        "lon": np.asarray(lon, dtype=float),
        "lat": np.asarray(lat, dtype=float),
        "geometry_wkb": shapely.to_wkb(wgs),
    }, index=pd.RangeIndex(1, rows_read + 1, name="line")[keep])
    return BuildingsFile(buildings, path, layer, rows_read, int((~keep).sum()),
                         max(known)[:10] if known else "unknown")
