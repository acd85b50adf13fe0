"""Harmonisation of source vintages onto the current INSEE COG.

* :func:`code_map` maps every code of a vintage to a current code: identity for current
  communes and Paris arrondissements, the parent commune for delegated (COMD) and
  associated (COMA) communes, as the COG lists them. Nothing else is guessed.
* :func:`assemble_communes` builds the ``communes`` table: COG names and kinds, 2018 IGN
  geometries dissolved onto current codes, Ville de Paris arrondissements, population,
  EPCI, EPT, centroids and Lambert-93 areas.
* :func:`remap` rewrites the code columns of a table and reports every unmatched code as a
  build issue (rows and workers/premises affected); rows are kept, so totals are preserved.
* :func:`locate_points` assigns points (stations) to communes by point-in-polygon.

The codes (:func:`code_map`, :func:`remap`...) are in :mod:`smartidf_analysis.data.cog_codes`,
the build issues they report into (:class:`Issues`) in
:mod:`smartidf_analysis.data.build_issues`; all are importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from smartidf_analysis.data.build_issues import (  # noqa: F401 - moved there, re-exported
    Issues,
)
from smartidf_analysis.data.cog_codes import (  # noqa: F401 - moved there, re-exported
    IDF_DEPARTMENTS,
    check_codes,
    code_map,
    remap,
    report_superseded,
)

#: 2018 communes merged since into a commune nouvelle WITHOUT keeping a delegated commune,
#: so the COG's communes table (A5) has no COMD/COMA row for them: old code -> (current
#: code, date of the merger), from the COG's "mouvements des communes" (event 32, creation
#: of a commune nouvelle; the file itself is not in the catalogue). Used for the outlines
#: only (:func:`assemble_communes`), each checked to touch its current commune.
MERGED_WITHOUT_DELEGATED = {
    "77028": ("77433", "2019-01-01"),  # Beautheil -> Beautheil-Saints
    "77149": ("77109", "2019-01-01"),  # Cucharmoy -> Chenoise-Cucharmoy
    "78503": ("78320", "2019-01-01"),  # Port-Villez -> Notre-Dame-de-la-Mer
    "91182": ("91228", "2019-01-01"),  # Courcouronnes -> Évry-Courcouronnes
    "95282": ("95169", "2024-01-01"),  # Gouzangrez -> Commeny
}
#: [deg] the largest gap between a merged 2018 polygon and its current commune (the
#: simplified IGN outlines do not always share vertices exactly): about 100 m
MERGE_TOUCH_DEG = 1e-3
PARIS = "75056"
_TO_L93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def _l93_metrics(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                              np.ndarray]:
    """Area [km²], centroid lon/lat and Lambert-93 x/y of WGS84 geometries."""
    projected = shapely.transform(geoms, lambda xy: np.column_stack(_TO_L93.transform(xy[:, 0],
                                                                                       xy[:, 1])))
    area = shapely.area(projected) / 1e6
    cent = shapely.centroid(projected)
    x, y = shapely.get_x(cent), shapely.get_y(cent)
    lon, lat = _TO_L93.transform(x, y, direction="INVERSE")
    return area, np.asarray(lon), np.asarray(lat), np.asarray(x), np.asarray(y)


#: plausible area of one commune or arrondissement [km²] (IDF: 0.7 to 172 km²)
AREA_RANGE_KM2 = (0.05, 1000.0)


def _polygonal(geom):
    """The polygonal part of a repaired geometry (make_valid may add lines or points)."""
    parts = shapely.get_parts(geom)
    polys = [p for p in parts if shapely.get_type_id(p) in (3, 6)]  # Polygon, MultiPolygon
    return shapely.union_all(polys) if polys else geom


def repair_geometries(frame: pd.DataFrame, dataset_id: str, issues: Issues) -> pd.DataFrame:
    """Repair invalid polygons (e.g. self-intersecting rings) with ``shapely.make_valid``,
    keeping their polygonal part; each repair is listed in ``build_issues`` with the reason
    and the area before and after [km²]. The frame has ``commune_code`` and ``geometry_wkb``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows with ``commune_code`` and ``geometry_wkb`` (WGS84).
    dataset_id : str
        The dataset named in the issues.
    issues : Issues
        Where repairs are recorded.

    Returns
    -------
    pandas.DataFrame
        ``frame`` itself when every geometry is valid, else a repaired copy.
    """
    geoms = shapely.from_wkb(frame["geometry_wkb"].to_numpy())
    invalid = ~shapely.is_valid(geoms)
    if not invalid.any():
        return frame
    frame = frame.copy()
    for i in np.flatnonzero(invalid):
        before = geoms[i]
        after = _polygonal(shapely.make_valid(before))
        areas = _l93_metrics(np.array([before, after], dtype=object))[0]
        code = frame["commune_code"].iloc[i]
        issues.add(dataset_id, str(code), f"invalid geometry ({shapely.is_valid_reason(before)}, "
                   f"feature {frame.index[i]}) repaired with shapely.make_valid: area "
                   f"{areas[0]:.6g} -> {areas[1]:.6g} km2", 1, "km2", float(areas[1]))
        frame.iloc[i, frame.columns.get_loc("geometry_wkb")] = shapely.to_wkb(after)
    return frame


def check_areas(communes: pd.DataFrame, issues: Issues) -> None:
    """List every commune whose area is outside :data:`AREA_RANGE_KM2` in ``build_issues``.

    Parameters
    ----------
    communes : pandas.DataFrame
        ``commune_code`` and ``area_km2`` [km²].
    issues : Issues
        Where odd areas are recorded.
    """
    low, high = AREA_RANGE_KM2
    area = communes["area_km2"]
    odd = communes[(area < low) | (area > high)]
    for code, value in zip(odd["commune_code"], odd["area_km2"], strict=True):
        issues.add("ign_communes_2018", str(code), f"implausible commune area {value:.6g} km2 "
                   f"(expected {low:g} to {high:g} km2): check the geometry", 1, "km2",
                   float(value))


def assemble_communes(cog: pd.DataFrame, geo2018: pd.DataFrame, arrondissements: pd.DataFrame,
                      population: pd.DataFrame, epci: pd.DataFrame, ept: pd.DataFrame,
                      mapping: pd.DataFrame, issues: Issues) -> pd.DataFrame:
    """The ``communes`` table (see schema.py) from the reference sources.

    Parameters
    ----------
    cog : pandas.DataFrame
        COG 2026 communes (``commune_code``, ``commune_name``, ``kind``, ``parent_code``,
        ``department_code``).
    geo2018 : pandas.DataFrame
        IGN 2018 outlines: ``commune_code``, ``geometry_wkb`` (WGS84).
    arrondissements : pandas.DataFrame
        Paris arrondissements: ``commune_code``, ``geometry_wkb`` (WGS84).
    population : pandas.DataFrame
        ``commune_code``, ``population`` and ``population_total`` [inhabitants, 2023].
    epci : pandas.DataFrame
        ``commune_code``, ``epci_siren``, ``epci_name``.
    ept : pandas.DataFrame
        ``commune_code``, ``ept_code``, ``ept_name``.
    mapping : pandas.DataFrame
        :func:`code_map`.
    issues : Issues
        Where the seams are recorded.

    Returns
    -------
    pandas.DataFrame
        The ``communes`` table: codes, names, kind, parent, department, EPCI, EPT,
        ``population``, ``population_total`` [inhabitants], ``area_km2`` [km², Lambert-93],
        ``centroid_lon``, ``centroid_lat`` [deg], ``centroid_x_l93``, ``centroid_y_l93`` [m],
        ``geometry_wkb``; sorted by ``commune_code``.
    """
    current = cog[cog["kind"].isin(["COM", "ARM"])].drop_duplicates("commune_code")
    current = current.set_index("commune_code")

    geo = remap(geo2018.assign(code_2018=geo2018["commune_code"]), {"commune_code": "code_2018"},
                mapping, Issues(), "ign_communes_2018")
    geo["geometry"] = shapely.from_wkb(geo["geometry_wkb"].to_numpy())
    area_old = _l93_metrics(geo["geometry"].to_numpy())[0]
    _dissolve_merged(geo, area_old, current, issues)
    for code, area in zip(geo["commune_code"], area_old, strict=True):
        if code not in current.index:
            issues.add("ign_communes_2018", code, "2018 commune absent from the current COG: its "
                       "area is left out of the communes table", 1, "km2", area)
    geo = geo[geo["commune_code"].isin(current.index)]
    dissolved = geo.groupby("commune_code")["geometry"].agg(lambda g: shapely.union_all(g.to_numpy()))
    merged = geo["commune_code"].value_counts()
    for code, n in merged[merged > 1].items():
        issues.add("ign_communes_2018", code, f"geometry dissolved from {n} 2018 communes "
                   "(delegated/associated)", int(n), "communes", n)
    arr = arrondissements.set_index("commune_code")["geometry_wkb"].map(shapely.from_wkb)
    geometry = pd.concat([dissolved, arr])
    out = current.reset_index()[["commune_code", "commune_name", "kind", "parent_code",
                                 "department_code"]].copy()
    out["parent_code"] = np.where(out["kind"] == "ARM", PARIS, None)
    missing = out.loc[~out["commune_code"].isin(geometry.index), "commune_code"]
    for code in missing:
        issues.add("insee_cog_2026", code, "current commune without a geometry", 1, "communes", 1)
    out = out.merge(epci[["commune_code", "epci_siren", "epci_name"]], on="commune_code", how="left")
    out = out.merge(ept[["commune_code", "ept_code", "ept_name"]], on="commune_code", how="left")
    # arrondissements inherit Paris's EPCI (Métropole du Grand Paris) and EPT (Paris)
    paris = out[out["commune_code"] == PARIS].iloc[0] if (out["commune_code"] == PARIS).any() else None
    if paris is not None:
        is_arm = out["kind"] == "ARM"
        for col in ("epci_siren", "epci_name", "ept_code", "ept_name"):
            out.loc[is_arm, col] = out.loc[is_arm, col].fillna(paris[col])
    pop = population.set_index("commune_code")
    out["population"] = out["commune_code"].map(pop["population"])
    out["population_total"] = out["commune_code"].map(pop["population_total"])
    is_arm = out["kind"] == "ARM"
    if paris is not None:
        out.loc[out["commune_code"] == PARIS, "population"] = out.loc[is_arm, "population"].sum()
        out.loc[out["commune_code"] == PARIS, "population_total"] = (
            out.loc[is_arm, "population_total"].sum())
    for code in out.loc[out["population"].isna(), "commune_code"]:
        issues.add("insee_population_2023", code, "commune without a legal population", 1,
                   "communes", 1)
    geoms = out["commune_code"].map(geometry).to_numpy()
    has = pd.notna(geoms)
    area = np.full(len(out), np.nan)
    lon, lat, x, y = (area.copy() for _ in range(4))
    area[has], lon[has], lat[has], x[has], y[has] = _l93_metrics(geoms[has])
    out["area_km2"], out["centroid_lon"], out["centroid_lat"] = area, lon, lat
    out["centroid_x_l93"], out["centroid_y_l93"] = x, y
    out["geometry_wkb"] = [shapely.to_wkb(g) if g is not None else None for g in geoms]
    return out.sort_values("commune_code", ignore_index=True)


def _dissolve_merged(geo: pd.DataFrame, area: np.ndarray, current: pd.DataFrame,
                     issues: Issues) -> None:
    """Give each 2018 polygon of :data:`MERGED_WITHOUT_DELEGATED` its current commune's code
    (in place), so the outlines have no hole, when that commune exists and the polygons
    touch (within :data:`MERGE_TOUCH_DEG`); listed in ``issues`` as repaired."""
    codes = geo["commune_code"].astype(str)
    for i in np.flatnonzero(codes.isin(list(MERGED_WITHOUT_DELEGATED)).to_numpy()):
        old = codes.iloc[i]
        new, date = MERGED_WITHOUT_DELEGATED[old]
        if old in current.index or new not in current.index:
            continue
        target = shapely.union_all(geo.loc[codes == new, "geometry"].to_numpy())
        gap = float(shapely.distance(geo["geometry"].iloc[i], target))
        if not gap <= MERGE_TOUCH_DEG:
            continue  # left out and listed below as before: the mapping does not fit
        geo.iloc[i, geo.columns.get_loc("commune_code")] = new
        issues.add("ign_communes_2018", old, f"repaired: 2018 polygon dissolved into {new} "
                   f"({current.at[new, 'commune_name']}), merged on {date} (COG mouvements, "
                   "no delegated commune)", 1, "km2", float(area[i]))


def locate_points(lon: Sequence[float], lat: Sequence[float], communes: pd.DataFrame) -> np.ndarray:
    """Commune code containing each point (arrondissement inside Paris), None outside all.

    Parameters
    ----------
    lon : sequence of float
        Longitudes [deg, WGS84].
    lat : sequence of float
        Latitudes [deg, WGS84].
    communes : pandas.DataFrame
        ``commune_code`` and ``geometry_wkb`` (WGS84).

    Returns
    -------
    numpy.ndarray
        Object array of commune codes (None outside every commune).
    """
    finest = communes[(communes["commune_code"] != PARIS) & communes["geometry_wkb"].notna()]
    polys = shapely.from_wkb(finest["geometry_wkb"].to_numpy())
    tree = shapely.STRtree(polys)
    points = shapely.points(np.asarray(lon, float), np.asarray(lat, float))
    point_idx, poly_idx = tree.query(points, predicate="intersects")
    result = np.full(len(points), None, dtype=object)
    codes = finest["commune_code"].to_numpy()
    result[point_idx] = codes[poly_idx]
    return result
