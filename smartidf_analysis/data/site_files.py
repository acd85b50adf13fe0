"""Site files (tiers-lieux, coworking spaces, telecentres) read into the canonical columns of
:mod:`smartidf_analysis.data.existing_sites`: CSV or GeoJSON, column aliases, numbers and
coordinates, each problem reported with its line (or feature number) and column.

Accepted files
--------------
* **CSV** (UTF-8, with or without BOM; separator ``,`` ``;`` or tab, guessed from the
  header): one row per site, a header line naming the columns.
* **GeoJSON** FeatureCollection of ``Point`` features in WGS84 (RFC 7946; a legacy ``crs``
  member is accepted only when it names CRS84 / EPSG:4326), the attributes in
  ``properties``.

Columns (case, accents, spaces and ``-`` ignored; the first alias present wins; any other
header can be mapped with ``--column canonical=Header``):

================  =====================================================================
canonical         aliases
================  =====================================================================
``name``          name, nom, nom_du_tiers_lieu, nom_tiers_lieu, nom_du_lieu, titre, libelle
``lat``           lat, latitude, y_lat, ylat, @lat (or the point geometry)
``lon``           lon, lng, long, longitude, x_long, xlong, @lon (or the point geometry)
(both)            geo_point_2d, coordonnees, coordinates: "lat, lon" in one cell
                  (Opendatasoft exports)
``seats``         seats, capacity, capacite, nombre_de_postes, nb_postes, postes, places
``opening_year``  opening_year, start_date, annee_ouverture, date_ouverture,
                  annee_de_creation, date_de_creation, date_creation (the first 4-digit year)
``source``        source (default: the file name)
``source_ref``    source_ref, id, @id, osm_id, identifiant, id_tiers_lieu
================  =====================================================================

Mapping of the two usual exports:

* **France Tiers-Lieux census** (the association's open data on data.gouv.fr, "Recensement
  des tiers-lieux"): ``nom`` → name, ``latitude``/``longitude`` → lat/lon (or a
  ``geo_point_2d`` cell), ``nombre_de_postes`` → seats when present, ``annee_ouverture`` /
  ``date_ouverture`` → opening_year, ``id``/``identifiant`` → source_ref. Column headers
  vary between editions: check the file's header against the table above and map any
  other with ``--column``.
* **OpenStreetMap ``amenity=coworking_space``** (Overpass turbo "export → GeoJSON", or
  CSV ``[out:csv(::id, ::lat, ::lon, name, capacity, start_date)]``): ``name``, the point
  geometry or ``@lat``/``@lon``, ``capacity`` → seats, ``start_date`` → opening_year,
  ``@id``/``id`` (``node/123``) → source_ref; the source is "OpenStreetMap contributors
  (ODbL)" when the file says ``source`` nowhere.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from smartidf_analysis.errors import SmartidfError

#: the most rows a site file may hold (France holds about 3,500 tiers-lieux in 2023)
MAX_ROWS = 100_000
#: problems listed in an error message (all are counted)
MAX_REPORTED = 20
ALIASES = {
    "name": ("name", "nom", "nom_du_tiers_lieu", "nom_tiers_lieu", "nom_du_lieu", "titre",
             "libelle"),
    "lat": ("lat", "latitude", "y_lat", "ylat", "@lat"),
    "lon": ("lon", "lng", "long", "longitude", "x_long", "xlong", "@lon"),
    "latlon": ("geo_point_2d", "coordonnees", "coordinates"),
    "seats": ("seats", "capacity", "capacite", "nombre_de_postes", "nb_postes", "postes",
              "places"),
    "opening_year": ("opening_year", "start_date", "annee_ouverture", "date_ouverture",
                     "annee_de_creation", "date_de_creation", "date_creation"),
    "source": ("source",),
    "source_ref": ("source_ref", "id", "@id", "osm_id", "identifiant", "id_tiers_lieu"),
}
WGS84_NAMES = ("crs84", "epsg:4326", "epsg::4326", "4326")


class SiteImportError(SmartidfError):
    """A site file that cannot be imported; ``problems`` lists (line, column, message).

    Parameters
    ----------
    path : str or pathlib.Path
        The site file.
    message : str
        What is wrong overall.
    problems : list of (int or None, str or None, str), optional
        ``(line, column, message)`` of each bad row (line None: the whole file).
    """

    def __init__(self, path: str | Path, message: str,
                 problems: list[tuple[int | None, str | None, str]] | None = None):
        self.path = Path(path)
        self.problems = problems or []
        text = f"{self.path}: {message}"
        for line, column, problem in self.problems[:MAX_REPORTED]:
            where = f"line {line}" if line is not None else "file"
            text += f"\n  {where}" + (f", column {column!r}" if column else "") + f": {problem}"
        if len(self.problems) > MAX_REPORTED:
            text += f"\n  … and {len(self.problems) - MAX_REPORTED} more"
        super().__init__(text)


def _norm(header: str) -> str:
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _columns(headers: list[str], column_map: Mapping[str, str] | None) -> dict[str, str]:
    """canonical name -> the file's header, from ``column_map`` then the aliases."""
    by_norm = {_norm(h): h for h in headers}
    found = {}
    for canonical, header in (column_map or {}).items():
        if canonical not in ALIASES:
            raise ValueError(f"unknown canonical column {canonical!r}; use one of "
                             f"{sorted(ALIASES)}")
        if header not in headers:
            raise ValueError(f"--column {canonical}={header}: no such column; the file has "
                             f"{headers}")
        found[canonical] = header
    for canonical, aliases in ALIASES.items():
        if canonical not in found:
            hit = next((by_norm[a] for a in aliases if a in by_norm), None)
            if hit is not None:
                found[canonical] = hit
    return found


def _read_csv(path: Path, column_map) -> tuple[list[dict], list[int], dict[str, str]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[:exc.start].count(b"\n") + 1
        raise SiteImportError(path, f"not UTF-8 text (line {line}): save it as UTF-8") from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise SiteImportError(path, "the file is empty (no header line)") from None
    try:
        columns = _columns(headers, column_map)
    except ValueError as exc:
        raise SiteImportError(path, str(exc)) from None
    records, lines = [], []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        if len(records) >= MAX_ROWS:
            raise SiteImportError(path, f"more than {MAX_ROWS:,} sites (line {reader.line_num}):"
                                  " a site file holds at most that many; split it")
        if len(row) != len(headers):
            records.append({"__error__": f"{len(row)} fields where the header has "
                                         f"{len(headers)}"})
        else:
            records.append({c: row[headers.index(h)] for c, h in columns.items()})
        lines.append(reader.line_num)
    return records, lines, columns


def _read_geojson(path: Path, column_map) -> tuple[list[dict], list[int], dict[str, str]]:
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SiteImportError(path, f"not a GeoJSON (JSON) file: {exc}") from None
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise SiteImportError(path, "a GeoJSON FeatureCollection is expected")
    crs = ((data.get("crs") or {}).get("properties") or {}).get("name", "CRS84")
    if not str(crs).lower().replace("urn:ogc:def:crs:", "").replace("ogc:1.3:", "").endswith(
            WGS84_NAMES):
        raise SiteImportError(path, f"coordinates in {crs}: GeoJSON sites must be WGS84 "
                              "longitude/latitude (RFC 7946); reproject the file (e.g. "
                              "ogr2ogr -t_srs EPSG:4326)")
    features = data.get("features") or []
    if len(features) > MAX_ROWS:
        raise SiteImportError(path, f"{len(features):,} features: a site file holds at most "
                              f"{MAX_ROWS:,}; split it")
    headers = sorted({k for f in features if isinstance(f, dict)
                      for k in (f.get("properties") or {})})
    try:
        columns = _columns(headers, column_map)
    except ValueError as exc:
        raise SiteImportError(path, str(exc)) from None
    records = []
    for f in features:
        props = (f.get("properties") or {}) if isinstance(f, dict) else {}
        rec = {c: props.get(h) for c, h in columns.items()}
        geom = f.get("geometry") if isinstance(f, dict) else None
        if geom:
            if geom.get("type") != "Point":
                rec["__error__"] = f"a {geom.get('type')} geometry: only points are sites"
            else:
                coords = geom.get("coordinates") or []
                if len(coords) >= 2:
                    rec["lon"], rec["lat"] = coords[0], coords[1]
        if "@id" not in columns.values() and isinstance(f, dict) and f.get("id") is not None:
            rec.setdefault("source_ref", f.get("id"))
        records.append(rec)
    columns = {**columns, "lat": columns.get("lat", "geometry"),
               "lon": columns.get("lon", "geometry")}
    return records, list(range(1, len(records) + 1)), columns


def _number(value) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip().replace("\u202f", "").replace(" ", "")
    if re.fullmatch(r"[+-]?\d+,\d+", text):
        text = text.replace(",", ".")
    return float(text)  # ValueError on text


def parse_sites(path: str | Path, column_map: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The sites of a CSV or GeoJSON file, checked row by row (module docstring): columns
    ``name, lon, lat, seats, opening_year, source, source_ref, file_line``. Raises
    :class:`SiteImportError` listing every bad row (line and column).

    Parameters
    ----------
    path : str or pathlib.Path
        A CSV file, or a GeoJSON file (``.geojson`` or ``.json``).
    column_map : mapping of str to str, optional
        Canonical column -> the file's header, for headers not among the aliases.

    Returns
    -------
    pandas.DataFrame
        One row per site: ``name``, ``lon``, ``lat`` [deg, WGS84], ``seats`` [seats, Int64,
        NA when not given], ``opening_year`` (Int64), ``source``, ``source_ref`` and
        ``file_line`` (CSV line, header = 1, or GeoJSON feature number).

    Raises
    ------
    SiteImportError
        When the file is missing, lacks a required column, holds no site or has bad rows.
    """
    sites, problems = _parse(Path(path), column_map)
    if problems:
        raise SiteImportError(path, f"{len(problems)} bad row(s); nothing was imported",
                              problems)
    return sites


def _parse(path: Path, column_map) -> tuple[pd.DataFrame, list]:
    """(good rows, problems of the bad ones) of a site file."""
    if not path.is_file():
        raise SiteImportError(path, "no such file")
    geo = path.suffix.lower() in (".geojson", ".json")
    records, lines, columns = (_read_geojson if geo else _read_csv)(path, column_map)
    has_pair = "latlon" in columns and not ({"lat", "lon"} <= columns.keys())
    missing = [c for c in ("name",) if c not in columns]
    if not has_pair and not ({"lat", "lon"} <= columns.keys()):
        missing += [c for c in ("lat", "lon") if c not in columns]
    if missing:
        raise SiteImportError(path, f"no column for {missing}; accepted headers: "
                              + "; ".join(f"{c}: {', '.join(ALIASES[c])}" for c in missing)
                              + " (or map one with --column canonical=Header)")
    if not records:
        raise SiteImportError(path, "no site in the file")
    problems: list[tuple[int | None, str | None, str]] = []
    rows = []
    default_source = path.name
    for rec, line in zip(records, lines, strict=True):
        bad = len(problems)
        if "__error__" in rec:
            problems.append((line, None, rec["__error__"]))
            continue
        name = str(rec.get("name") or "").strip()
        if not name:
            problems.append((line, columns["name"], "no name"))
        try:
            if has_pair:
                lat, lon = (_number(v) for v in str(rec.get("latlon")).split(",", 1))
            else:
                lat, lon = _number(rec.get("lat")), _number(rec.get("lon"))
            if not (np.isfinite(lat) and np.isfinite(lon)):
                raise ValueError
        except (ValueError, TypeError):
            col = columns["latlon"] if has_pair else f"{columns['lat']}/{columns['lon']}"
            problems.append((line, col, f"coordinates {rec.get('lat', rec.get('latlon'))!r}, "
                             f"{rec.get('lon', '')!r} are not numbers"))
            continue
        if abs(lat) > 90 or abs(lon) > 180:
            problems.append((line, columns.get("lat", "geometry"),
                             f"({lat:g}, {lon:g}) are not degrees: projected metres (Lambert-93 "
                             "EPSG:2154?); give WGS84 latitude/longitude"))
            continue
        seats = opening = None
        if rec.get("seats") not in (None, ""):
            try:
                seats = _number(rec["seats"])
                if seats < 0 or seats != int(seats):
                    raise ValueError
                seats = int(seats)
            except (ValueError, TypeError):
                problems.append((line, columns["seats"], f"seats {rec['seats']!r} is not a "
                                 "whole number ≥ 0"))
        if rec.get("opening_year") not in (None, ""):
            year = re.search(r"(?<!\d)(\d{4})(?!\d)", str(rec["opening_year"]))
            if year is None or not 1900 <= int(year.group(1)) <= 2100:
                problems.append((line, columns["opening_year"],
                                 f"opening year {rec['opening_year']!r} is not a year 1900–2100"))
            else:
                opening = int(year.group(1))
        if len(problems) > bad:
            continue
        source = str(rec.get("source") or "").strip() or default_source
        ref = str(rec.get("source_ref") or "").strip()
        rows.append({"name": name, "lon": lon, "lat": lat, "seats": seats,
                     "opening_year": opening, "source": source, "source_ref": ref,
                     "file_line": line})
    out = pd.DataFrame(rows, columns=["name", "lon", "lat", "seats", "opening_year", "source",
                                      "source_ref", "file_line"])
    out["seats"] = out["seats"].astype("Int64")
    out["opening_year"] = out["opening_year"].astype("Int64")
    return out, problems
