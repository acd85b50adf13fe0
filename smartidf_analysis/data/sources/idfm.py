"""Île-de-France Mobilités stations and validations, and the Grand Paris Express stations.

* ``read_stations``: "Emplacement des gares IDF" (network as run in 2025), one row per
  station and line; ``;``-separated, UTF-8 with BOM; ``geo_point_2d`` is "lat, lon" [deg,
  WGS84], ``x``/``y`` are Lambert-93 [m].
* ``read_validations``: "Validations sur le réseau ferré: nombre de validations par jour",
  one Parquet file per quarter (2024T3 to 2025T2), per day, stop and ticket category.
  Dtypes differ between files (all strings with "3 165" thousands separators in 2024T3,
  floats in 2025T2; the zone id is ``ida`` in 2025T1): everything is cast on read.
* ``read_gpe_stations``: Société du Grand Paris 2016 station points (69) joined to IGN
  GEOFLA communes; shapefile in Lambert-93 (EPSG:2154, per the .prj), Latin-1 dbf. The
  ``x``/``y`` attributes are Lambert CC49 and are not used.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from pyproj import Transformer

from smartidf_analysis.errors import SourceFormatError

from ._common import (
    check_columns,
    check_not_empty,
    clean_text,
    finish,
    read_csv,
    read_vector,
    to_number,
    zfill_code,
)

_TO_L93 = Transformer.from_crs(4326, 2154, always_xy=True)


def read_stations(path: str | Path) -> pd.DataFrame:
    """IDFM stations -> ``stations`` (``commune_code`` None: the build joins on polygons).

    ``station_id`` = ``id_gares``, ``line`` = ``res_com`` (e.g. "RER B"), ``operator`` =
    ``exploitant``, ``zdc_id`` = ``id_ref_zdc`` (joins the validations' zone id).
    ``x_l93``/``y_l93`` are projected from ``geo_point_2d``: the file's own ``x``/``y``
    disagree with it by more than 50 m on 10 rows (lines 18, 49, 102, 275, 328, 473, 547,
    589, 595, 886; line 589 Porte Maillot has y = 130,834 m).

    Parameters
    ----------
    path : str or pathlib.Path
        The IDFM stations CSV.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``stations`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the source line.
        ``lon``/``lat`` [deg, WGS84], ``x_l93``/``y_l93`` [m, Lambert-93].

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    raw = read_csv(
        path, sep=";",
        required=["geo_point_2d", "id_gares", "nom_gares", "res_com", "mode", "exploitant",
                  "id_ref_zdc"],
    )
    point = raw["geo_point_2d"].str.split(",", n=1, expand=True).reindex(columns=[0, 1])
    out = pd.DataFrame(
        {
            "station_id": clean_text(raw["id_gares"]),
            "station_name": clean_text(raw["nom_gares"]),
            "line": clean_text(raw["res_com"]),
            "mode": clean_text(raw["mode"]),
            "operator": clean_text(raw["exploitant"]),
            "zdc_id": clean_text(raw["id_ref_zdc"]),
            "lon": to_number(path, raw, "geo_point_2d", values=point[1]),
            "lat": to_number(path, raw, "geo_point_2d", values=point[0]),
            "commune_code": None,
        }
    )
    bad = out["lon"].isna() | out["lat"].isna()
    if bad.any():
        where = int(bad.idxmax())
        raise SourceFormatError(path, "missing 'lat, lon' point", line=where, column="geo_point_2d")
    out["x_l93"], out["y_l93"] = _TO_L93.transform(out["lon"].to_numpy(), out["lat"].to_numpy())
    return finish(out, "stations")


def read_validations(path: str | Path) -> pd.DataFrame:
    """One quarter of daily validations -> ``station_validations``.

    ``day`` is the date (``datetime64``, midnight), ``zdc_id`` the correspondence zone
    (``id_zdc``, or ``ida`` in 2025T1) as text, ``validations`` an integer count; the
    ``NON DEFINI`` ticket category is kept. The index is the Parquet row number (from 1).

    Parameters
    ----------
    path : str or pathlib.Path
        One quarter's Parquet file.

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``station_validations`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the Parquet row number.
        ``validations`` [validations/day].

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    import pyarrow.parquet as pq

    path = check_not_empty(path)
    try:
        raw = pq.read_table(path).to_pandas()
    except Exception as exc:  # pyarrow.ArrowInvalid and friends
        raise SourceFormatError(path, f"not a readable Parquet file ({exc})") from None
    if "id_zdc" not in raw.columns and "ida" in raw.columns:
        raw = raw.rename(columns={"ida": "id_zdc"})
    check_columns(path, list(raw.columns),
                  ["jour", "libelle_arret", "id_zdc", "categorie_titre", "nb_vald"])
    raw.index = pd.RangeIndex(1, len(raw) + 1, name="line")
    day = pd.to_datetime(raw["jour"], errors="coerce")
    if day.isna().any():
        where = int(day.isna().idxmax())
        raise SourceFormatError(path, f"not a date: {raw['jour'][where]!r}", line=where,
                                column="jour")
    zone = raw["id_zdc"]
    if pd.api.types.is_numeric_dtype(zone.dtype):
        zone = to_number(path, raw, "id_zdc", integer=True).astype("str")
    else:
        zone = zfill_code(clean_text(zone), 1)
    out = pd.DataFrame(
        {
            "day": day.dt.normalize(),
            "zdc_id": zone,
            "stop_name": clean_text(raw["libelle_arret"]),
            "ticket_category": clean_text(raw["categorie_titre"]),
            "validations": to_number(path, raw, "nb_vald", integer=True),
        }
    )
    return finish(out, "station_validations")


def read_gpe_stations(path: str | Path) -> pd.DataFrame:
    """Grand Paris Express stations (SGP 2016) -> ``gpe_stations``.

    ``commune_code`` = GEOFLA ``INSEE_COM`` (the build maps it to the current COG),
    ``interconnection`` = ``CONNEX == "Interconnexion"``, ``x_l93``/``y_l93`` from the point
    geometry [m, EPSG:2154], ``lon``/``lat`` [deg, WGS84].

    Parameters
    ----------
    path : str or pathlib.Path
        The SGP shapefile (``.shp``; its ``.dbf`` and ``.prj`` beside it).

    Returns
    -------
    pandas.DataFrame
        The rows of the canonical ``gpe_stations`` table (columns, types and units in
        :data:`~smartidf_analysis.data.schema.TABLES`), indexed by the feature number.

    Raises
    ------
    SourceFormatError
        When the file is missing, empty or lacks a column, or a value is malformed
        (naming the line and column).
    """
    frame = read_vector(
        path, encoding="latin1", required=["CODE", "LIBELLE", "CONNEX", "LIGNE", "INSEE_COM"]
    )
    if frame.crs is None:
        raise SourceFormatError(path, "no CRS (.prj missing); expected Lambert-93 EPSG:2154")
    l93 = frame.geometry.to_crs(2154)
    wgs = frame.geometry.to_crs(4326)
    out = pd.DataFrame(
        {
            "station_code": clean_text(frame["CODE"]),
            "station_name": clean_text(frame["LIBELLE"]),
            "lines": clean_text(frame["LIGNE"]),
            "interconnection": frame["CONNEX"].str.strip() == "Interconnexion",
            "commune_code": zfill_code(frame["INSEE_COM"]),
            "lon": wgs.x,
            "lat": wgs.y,
            "x_l93": l93.x,
            "y_l93": l93.y,
        },
        index=frame.index,
    )
    return finish(out, "gpe_stations")
