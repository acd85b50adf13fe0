"""Sites that already exist (tiers-lieux, coworking spaces, telecentres): read a user's CSV or
GeoJSON file, validate every row, store the sites with their provenance
(``smartidf data import-sites PATH``).

The accepted files, their columns and the mapping of the two usual exports are described in
:mod:`smartidf_analysis.data.site_files` (:func:`parse_sites`, importable from here too).

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

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from smartidf_analysis import __version__, config
from smartidf_analysis.data import db
from smartidf_analysis.data.schema import EXISTING_SITES_COLUMNS
from smartidf_analysis.data.site_files import (  # noqa: F401 - moved there, re-exported
    ALIASES,
    MAX_REPORTED,
    MAX_ROWS,
    WGS84_NAMES,
    SiteImportError,
    _parse,
    parse_sites,
)

#: the region's extent in WGS84 degrees (a first check before the commune polygons)
IDF_LON, IDF_LAT = (1.4, 3.6), (48.1, 49.25)


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
