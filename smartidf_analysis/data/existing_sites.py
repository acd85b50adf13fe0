"""Sites that already exist (tiers-lieux, coworking spaces, telecentres): read a user's CSV or
GeoJSON file, validate every row, store the sites with their provenance
(``smartidf data import-sites PATH``).

Over 400 lines: the column mapping of two export formats and one check per kind of bad row,
each reported with its line; split, the checks would lose the parser's line numbers.

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

Validation (every bad row is reported with its line, or feature number, and column; nothing
is stored unless every row is good): a name; numeric coordinates (decimal comma accepted;
text is refused); WGS84 degrees (values like 652000 / 6862000 are projected metres, e.g.
Lambert-93: refused, with the hint); the point inside an Île-de-France commune of the
database (the hint says when swapping lat and lon would put it inside); seats a whole number
≥ 0; opening year 1900–2100; no duplicate (same name within ~11 m, or the same
``source_ref``) in the file or among the sites already stored; at most
:data:`MAX_ROWS` rows (a larger file is refused before it is read whole).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from smartidf_analysis import __version__, config
from smartidf_analysis.data import db
from smartidf_analysis.data.schema import EXISTING_SITES_COLUMNS
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
#: the region's extent in WGS84 degrees (a first check before the commune polygons)
IDF_LON, IDF_LAT = (1.4, 3.6), (48.1, 49.25)
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


# ---------------------------------------------------------------------------- reading
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


# ------------------------------------------------------------------------- validation
def _key(frame: pd.DataFrame) -> pd.Series:
    """Duplicate key: the case-folded name and the point rounded to 1e-4° (~11 m)."""
    return (frame["name"].str.casefold().str.strip() + "|" + frame["lon"].round(4).astype(str)
            + "|" + frame["lat"].round(4).astype(str))


def validate_sites(sites: pd.DataFrame, communes: pd.DataFrame, stored: pd.DataFrame,
                   path: str | Path, problems: list | None = None) -> pd.DataFrame:
    """Place each parsed site in its commune (``communes``: ``commune_code, geometry_wkb``,
    WGS84) and refuse points outside the region and duplicates (in the file or among the
    ``stored`` sites). Adds ``commune_code, x_l93, y_l93, site_id``. Raises
    :class:`SiteImportError` with these problems and the parser's (``problems``).

    Parameters
    ----------
    sites : pandas.DataFrame
        :func:`parse_sites`.
    communes : pandas.DataFrame
        See above.
    stored : pandas.DataFrame
        The sites already in the database (``name``, ``lon``, ``lat``, ``source_ref``).
    path : str or pathlib.Path
        The site file (named in errors; ``.geojson``/``.json`` counts features, not lines).
    problems : list, optional
        The parser's problems, reported with these.

    Returns
    -------
    pandas.DataFrame
        A copy of ``sites`` with ``commune_code``, ``x_l93``, ``y_l93`` [m, Lambert-93] and
        ``site_id`` (``"existing:"`` and 12 hex digits).

    Raises
    ------
    SiteImportError
        When any site is outside the region or a duplicate, or ``problems`` is not empty.
    """
    import shapely
    from pyproj import Transformer

    unit = "feature" if Path(path).suffix.lower() in (".geojson", ".json") else "line"
    problems = list(problems or [])
    polygons = shapely.from_wkb([bytes(b) for b in communes["geometry_wkb"]])
    tree = shapely.STRtree(polygons)
    points = shapely.points(sites["lon"].to_numpy(float), sites["lat"].to_numpy(float))
    hit_point, hit_poly = tree.query(points, predicate="intersects")
    code = np.full(len(sites), None, dtype=object)
    codes = communes["commune_code"].to_numpy()
    for i, j in sorted(zip(hit_point, hit_poly, strict=True), reverse=True):
        code[i] = codes[j]  # the lowest commune code when on a border
    for i in np.flatnonzero(pd.isna(code)):
        r = sites.iloc[i]
        hint = ""
        if IDF_LON[0] <= r["lat"] <= IDF_LON[1] and IDF_LAT[0] <= r["lon"] <= IDF_LAT[1]:
            hint = " (latitude and longitude swapped?)"
        problems.append((int(r["file_line"]), "lat/lon", f"({r['lat']:g}, {r['lon']:g}) is "
                         f"outside Île-de-France{hint}"))
    key = _key(sites)
    first_line = {}
    for k, line in zip(key, sites["file_line"], strict=True):
        if k in first_line:
            problems.append((int(line), "name", f"duplicate of {unit} {first_line[k]} (same "
                             "name, same place)"))
        else:
            first_line[k] = int(line)
    refs = sites["source_ref"].where(sites["source_ref"] != "")
    dup_ref = refs.notna() & refs.duplicated()
    for line, ref in zip(sites.loc[dup_ref, "file_line"], refs[dup_ref], strict=True):
        problems.append((int(line), "source_ref", f"id {ref!r} appears twice in the file"))
    if len(stored):
        stored_keys = set(_key(stored))
        stored_refs = set(stored["source_ref"].dropna()) - {""}
        for k, ref, line in zip(key, refs, sites["file_line"], strict=True):
            if k in stored_keys or (pd.notna(ref) and ref in stored_refs):
                problems.append((int(line), "name", "already stored (imported before; use "
                                 "--replace to replace the stored sites)"))
    if problems:
        problems.sort(key=lambda p: p[0] or 0)
        raise SiteImportError(path, f"{len(problems)} problem(s); nothing was imported",
                              problems)
    out = sites.copy()
    out["commune_code"] = code
    to_l93 = Transformer.from_crs(4326, 2154, always_xy=True)
    out["x_l93"], out["y_l93"] = to_l93.transform(out["lon"].to_numpy(), out["lat"].to_numpy())
    out["site_id"] = ["existing:" + hashlib.sha256(k.encode()).hexdigest()[:12] for k in key]
    return out


# ------------------------------------------------------------------------------ import
def import_sites(path: str | Path, db_path: str | Path | None = None,
                 column_map: Mapping[str, str] | None = None, replace: bool = False,
                 licence: str = "as declared by the file's producer") -> pd.DataFrame:
    """Read, validate and store the sites of ``path`` in the ``existing_sites`` table of the
    database, with one ``provenance`` row (file name, sha256, rows, import time); atomic
    (:func:`smartidf_analysis.data.db.append_rows_atomic`). ``replace`` replaces every
    stored site. Returns the stored rows. Holds the database's write lock from reading the
    stored sites (for duplicates) to the rename (:func:`smartidf_analysis.data.db.write_lock`):
    two imports started together both land, the second checked against the first.

    Parameters
    ----------
    path : str or pathlib.Path
        The CSV or GeoJSON file.
    db_path : str or pathlib.Path, optional
        The database; default :func:`~smartidf_analysis.config.db_path`.
    column_map : mapping of str to str, optional
        Canonical column -> the file's header.
    replace : bool, default False
        See above.
    licence : str
        The licence recorded in the provenance row.

    Returns
    -------
    pandas.DataFrame
        The stored rows, with the columns of the ``existing_sites`` table
        (:data:`~smartidf_analysis.data.schema.EXISTING_SITES_COLUMNS`).

    Raises
    ------
    SiteImportError
        For a file or rows that cannot be imported (nothing is stored).
    DatabaseMissingError
        When there is no database yet.
    """
    path = Path(path)
    sites, problems = _parse(path, column_map)
    target = Path(db_path) if db_path is not None else config.db_path()
    db.connect(target).close()  # DatabaseMissingError when there is no database yet
    with db.write_lock(target):
        return _store(path, sites, problems, target, replace, licence)


def _store(path: Path, sites: pd.DataFrame, problems: list, target: Path,
           replace: bool, licence: str) -> pd.DataFrame:
    communes = db.query("communes_map", path=target, paris_as_one=False)
    stored, _ = db.import_rows(target, "existing_sites")
    sites = validate_sites(sites, communes, stored.iloc[:0] if replace else stored, path,
                           problems)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    sites = sites.assign(file_name=path.name, file_sha256=sha, imported_at=now)
    sites = sites[list(EXISTING_SITES_COLUMNS)]
    sources = sorted(set(sites["source"]))
    years = sites["opening_year"].dropna()
    provenance = pd.DataFrame([{
        "dataset_id": f"import:{path.name}", "table_name": "existing_sites",
        "title": f"Existing sites imported from {path.name}",
        "producer": "; ".join(sources)[:200], "file_name": path.name, "sha256": sha,
        "rows": len(sites), "vintage": str(int(years.max())) if len(years) else "",
        "licence": licence, "built_at": now, "package_version": __version__,
        "synthetic": False, "origin": "import", "url": str(path.resolve())}])
    db.append_rows_atomic(target, "existing_sites", sites, provenance, replace=replace)
    return sites
