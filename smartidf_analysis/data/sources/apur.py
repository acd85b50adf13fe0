"""Building footprints and rooftop solar potential for the solar demos.

* ``read_building_volumes``: Ville de Paris / APUR "Volumes bâtis" (updated 2010), an
  extract of 335 volumes in Paris 13e, WGS84 GeoJSON. Floors only, no height in metres;
  ``m2`` is the footprint [m2].
* ``read_saint_denis_buildings``: IGN BD TOPO ``BATIMENT`` (late 2024) around the schools of
  Saint-Denis (93066), layer ``bdtopo_batiment`` of the Data For Good GeoPackage; height
  ``hauteur`` [m], ``nombre_d_etages``. The layer is a spatial join with school zones, so a
  building met in two zones appears twice: the first row is kept.
* ``read_saint_denis_solar_roofs``: Grand Paris solar cadastre (APUR / MGP, c. 2020), layer
  ``potentielsolaire_toitures``: usable area [m2], class, production [kWh/yr] and
  ``moyenne2``, the mean irradiation on the usable area [kWh/m2/yr] (production =
  surf_util x moyenne2 x a system yield of 0.091 or 0.122 in this layer). Duplicated
  roofs from the zone join are dropped as above.

Footprint areas and centroids are computed in Lambert-93 (EPSG:2154); geometries are 2-D
WKB in WGS84; the index is the feature number in the file or layer.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._common import clean_text, finish, geometry_to_wkb, read_vector, to_number, to_wgs84

SAINT_DENIS = "93066"
BUILDINGS_LAYER = "bdtopo_batiment"
ROOFS_LAYER = "potentielsolaire_toitures"


def _geo_columns(frame) -> dict[str, object]:
    """lon/lat of the Lambert-93 centroid, footprint [m2] and WGS84 WKB of a GeoDataFrame."""
    frame = to_wgs84(frame)
    l93 = frame.geometry.to_crs(2154)
    centroid = l93.centroid.to_crs(4326)
    return {
        "footprint_m2": l93.area,
        "lon": centroid.x,
        "lat": centroid.y,
        "geometry_wkb": geometry_to_wkb(frame.geometry),
    }


def read_building_volumes(path: str | Path) -> pd.DataFrame:
    """APUR volumes bâtis (Paris 13e extract) -> ``buildings``.

    ``building_id`` = "apur:" + objectid, ``commune_code`` = "751" + arrondissement number
    ``n_ar``, ``footprint_m2`` = ``m2`` (the producer's figure), ``floors`` = ``h_et_max``;
    height, roof material and usage are not in the file (NA).

    Parameters
    ----------
    path : str or pathlib.Path
        The APUR GeoJSON file.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``buildings`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the feature number.

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    frame = read_vector(path, required=["objectid", "n_ar", "m2", "h_et_max"])
    geo = _geo_columns(frame)
    n_ar = to_number(path, frame, "n_ar", integer=True)
    out = pd.DataFrame(
        {
            "building_id": "apur:" + to_number(path, frame, "objectid", integer=True).astype("str"),
            "source": "apur_volumes_paris13",
            "commune_code": "751" + n_ar.astype("str").str.zfill(2),
            "floors": to_number(path, frame, "h_et_max"),
            "height_m": float("nan"),
            "roof_material": None,
            "usage": None,
            "lon": geo["lon"],
            "lat": geo["lat"],
            "geometry_wkb": geo["geometry_wkb"],
        },
        index=frame.index,
    )
    out["footprint_m2"] = to_number(path, frame, "m2")
    return finish(out, "buildings")


def read_saint_denis_buildings(path: str | Path) -> pd.DataFrame:
    """BD TOPO buildings around Saint-Denis schools -> ``buildings`` (unique BD TOPO ids).

    ``building_id`` = "bdtopo:" + ``cleabs`` (BATIMENT...), ``roof_material`` = BD TOPO
    ``materiaux_de_la_toiture`` code, ``usage`` = ``usage_1``.

    Parameters
    ----------
    path : str or pathlib.Path
        The Data For Good GeoPackage (layer :data:`BUILDINGS_LAYER`).

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``buildings`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the feature number.

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    frame = read_vector(
        path, layer=BUILDINGS_LAYER,
        required=["cleabs_left__bat", "hauteur", "nombre_d_etages", "materiaux_de_la_toiture",
                  "usage_1"],
    )
    frame = frame[~frame["cleabs_left__bat"].duplicated()]
    geo = _geo_columns(frame)
    out = pd.DataFrame(
        {
            "building_id": "bdtopo:" + clean_text(frame["cleabs_left__bat"]),
            "source": "dfg_saint_denis_buildings",
            "commune_code": SAINT_DENIS,
            "floors": to_number(path, frame, "nombre_d_etages"),
            "height_m": to_number(path, frame, "hauteur"),
            "roof_material": clean_text(frame["materiaux_de_la_toiture"]),
            "usage": clean_text(frame["usage_1"]),
            **geo,
        },
        index=frame.index,
    )
    return finish(out, "buildings")


def read_saint_denis_solar_roofs(path: str | Path) -> pd.DataFrame:
    """Grand Paris solar cadastre roofs around Saint-Denis schools -> ``solar_cadastre_roofs``.

    ``roof_id`` = cadastre ``objectid``; ``solar_class`` = ``gisement``, ``roof_shape`` =
    ``forme``, ``mean_irradiation_kwh_m2`` = ``moyenne2`` (NA on "Non favorable" roofs).

    Parameters
    ----------
    path : str or pathlib.Path
        The Data For Good GeoPackage (layer :data:`ROOFS_LAYER`).

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``solar_cadastre_roofs`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the feature number.

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    frame = read_vector(
        path, layer=ROOFS_LAYER,
        required=["objectid", "surf_util", "gisement", "production", "moyenne2", "forme"],
    )
    frame = frame[~frame["objectid"].duplicated()]
    geo = _geo_columns(frame)
    out = pd.DataFrame(
        {
            "roof_id": to_number(path, frame, "objectid", integer=True).astype("str"),
            "usable_area_m2": to_number(path, frame, "surf_util"),
            "solar_class": clean_text(frame["gisement"]),
            "production_kwh": to_number(path, frame, "production"),
            "mean_irradiation_kwh_m2": to_number(path, frame, "moyenne2"),
            "roof_shape": clean_text(frame["forme"]),
            "lon": geo["lon"],
            "lat": geo["lat"],
            "geometry_wkb": geo["geometry_wkb"],
        },
        index=frame.index,
    )
    return finish(out, "solar_cadastre_roofs")
