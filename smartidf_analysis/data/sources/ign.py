"""IGN ADMIN EXPRESS COG 2018 boundaries (via france-geojson) and Ville de Paris arrondissements.

* ``communes-ile-de-france.geojson``: 1,276 IDF communes on the COG 2018, WGS84, geometries
  simplified (about 1 m); Paris is one feature (75056).
* ``departements-ile-de-france.geojson`` (8 features) and ``region-ile-de-france.geojson``
  (a single ``Feature``, not a FeatureCollection).
* ``paris-arrondissements.geojson``: the 20 Paris arrondissements (Ville de Paris open data,
  2021), INSEE codes 75101-75120 in ``c_arinsee``.

Geometries are returned as 2-D WKB in WGS84 (EPSG:4326); the index is the feature number.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._common import finish, geometry_to_wkb, read_vector, to_wgs84, zfill_code


def _read(path: str | Path, code: str, name: str, width: int) -> pd.DataFrame:
    frame = to_wgs84(read_vector(path, required=[code, name]))
    return pd.DataFrame(
        {
            "code": zfill_code(frame[code], width),
            "name": frame[name].astype("str"),
            "geometry_wkb": geometry_to_wkb(frame.geometry),
        },
        index=frame.index,
    )


def read_communes_geojson(path: str | Path) -> pd.DataFrame:
    """IGN communes 2018 -> ``[commune_code, commune_name, geometry_wkb]`` (1,276 rows).

    Parameters
    ----------
    path : str or pathlib.Path
        The IGN communes GeoJSON.

    Returns
    -------
    pandas.DataFrame
        ``commune_code``, ``commune_name``, ``geometry_wkb`` (WGS84), indexed by the feature
        number.

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    out = _read(path, "code", "nom", 5)
    return out.rename(columns={"code": "commune_code", "name": "commune_name"})


def read_arrondissements_geojson(path: str | Path) -> pd.DataFrame:
    """Paris arrondissements -> ``[commune_code, commune_name, geometry_wkb]`` (20 rows).

    ``commune_code`` is ``c_arinsee`` (75101-75120), ``commune_name`` the official name
    ``l_aroff`` (e.g. "Louvre"); the build takes display names from the COG.

    Parameters
    ----------
    path : str or pathlib.Path
        The Paris arrondissements GeoJSON.

    Returns
    -------
    pandas.DataFrame
        ``commune_code``, ``commune_name``, ``geometry_wkb`` (WGS84), indexed by the feature
        number.

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    out = _read(path, "c_arinsee", "l_aroff", 5)
    return out.rename(columns={"code": "commune_code", "name": "commune_name"})


def read_region_geojson(path: str | Path) -> pd.DataFrame:
    """The IDF region outline -> ``[region_code, region_name, geometry_wkb]`` (1 row).

    Parameters
    ----------
    path : str or pathlib.Path
        The region GeoJSON.

    Returns
    -------
    pandas.DataFrame
        ``region_code``, ``region_name``, ``geometry_wkb`` (WGS84).

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    out = _read(path, "code", "nom", 2)
    return out.rename(columns={"code": "region_code", "name": "region_name"})


def read_departments_geojson(path: str | Path) -> pd.DataFrame:
    """IDF departments -> the ``departments`` table (8 rows).

    Parameters
    ----------
    path : str or pathlib.Path
        The departments GeoJSON.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``departments`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the feature number.

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    out = _read(path, "code", "nom", 2)
    out = out.rename(columns={"code": "department_code", "name": "department_name"})
    return finish(out, "departments")
