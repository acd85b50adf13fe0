"""Geometry of the synthetic demo region (helpers of :mod:`smartidf_analysis.data.synthetic.region`).

The region is a wobbly ellipse (semi-axes 70 km east-west and 55 km north-south, centred
15 km east of 48.85N 2.35E, about 12,000 km²) cut into three rings: a Paris-like core
(about 100 km²), an inner ring to about 15 km (departments 92, 93, 94) and an outer ring
(77, 78, 91, 95), each ring split into angular sectors. Communes are Voronoi cells of random
seeds (denser towards the centre) clipped to their department; Paris is 20 small cells
numbered along a snail. All construction happens in Lambert-93 [m] (EPSG:2154).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

TO_L93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
TO_WGS84 = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
CX, CY = TO_L93.transform(2.35, 48.85)  # centre of the core [m, Lambert-93]

# code, name, ring (0 core, 1 inner, 2 outer), sector from/to [deg CCW from east], communes,
# commune-name prefix, population 2023 order of magnitude [inhabitants]
DEPARTMENTS = (
    ("75", "Paris", 0, 0, 360, 1, "Paris-Synthèse", 2_087_000),
    ("77", "Seine-et-Marne", 2, -65, 50, 35, "Synthèse-en-Brie", 1_446_000),
    ("78", "Yvelines", 2, 140, 235, 28, "Synthèse-en-Yvelines", 1_455_000),
    ("91", "Essonne", 2, 235, 295, 25, "Synthèse-sur-Essonne", 1_324_000),
    ("92", "Hauts-de-Seine", 1, 115, 265, 12, "Synthèse-sur-Seine", 1_647_000),
    ("93", "Seine-Saint-Denis", 1, 15, 115, 12, "Synthèse-sous-Bois", 1_682_000),
    ("94", "Val-de-Marne", 1, -95, 15, 12, "Synthèse-sur-Marne", 1_426_000),
    ("95", "Val-d'Oise", 2, 50, 140, 24, "Synthèse-sur-Oise", 1_270_000),
)


def to_wgs84(geoms: np.ndarray) -> np.ndarray:
    """Lambert-93 shapely geometries -> WGS84 (lon, lat) geometries.

    Parameters
    ----------
    geoms : numpy.ndarray
        Shapely geometries [m, Lambert-93].

    Returns
    -------
    numpy.ndarray
        The same geometries in WGS84 [deg].
    """
    return shapely.transform(geoms, lambda c: np.column_stack(TO_WGS84.transform(c[:, 0], c[:, 1])))


def lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lambert-93 x, y [m] -> lon, lat [deg].

    Parameters
    ----------
    x : numpy.ndarray
        Easting [m, Lambert-93].
    y : numpy.ndarray
        Northing [m, Lambert-93].

    Returns
    -------
    lon : numpy.ndarray
        Longitude [deg].
    lat : numpy.ndarray
        Latitude [deg].
    """
    lon, lat = TO_WGS84.transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon), np.asarray(lat)


def _blob(rng, rx: float, ry: float, dx: float = 0.0, amp: float = 0.06, n: int = 256):
    """A closed wobbly ellipse (semi-axes rx, ry [m]) around the core shifted by dx [m]."""
    t = np.linspace(0.0, 2 * np.pi, n, endpoint=False)
    k = np.arange(2, 6)[:, None]
    a = amp * rng.uniform(0.3, 1.0, (4, 1)) / (k / 2)
    r = 1 + (a * np.sin(k * t + rng.uniform(0, 2 * np.pi, (4, 1)))).sum(0)
    return shapely.Polygon(np.column_stack([CX + dx + rx * r * np.cos(t), CY + ry * r * np.sin(t)]))


def _wedge(a0: float, a1: float, radius: float = 400_000.0):
    t = np.radians(np.linspace(a0, a1, int(abs(a1 - a0)) + 2))
    ring = np.column_stack([CX + radius * np.cos(t), CY + radius * np.sin(t)])
    return shapely.Polygon(np.vstack([[CX, CY], ring]))


def _seeds(rng, poly, n: int, scale_m: float) -> np.ndarray:
    """n seed points in poly, denser near the centre (weight exp(-r/scale_m)), spaced apart."""
    x0, y0, x1, y1 = poly.bounds
    cand = rng.uniform((x0, y0), (x1, y1), (6000, 2))
    r = np.hypot(cand[:, 0] - CX, cand[:, 1] - CY)
    w = np.exp(-r / scale_m)
    keep = shapely.contains_xy(poly, cand[:, 0], cand[:, 1]) & (rng.uniform(size=len(cand)) < w / w.max())
    cand, w = cand[keep], w[keep]
    spacing = np.sqrt(poly.area / n / np.mean(1 / w)) * 0.55 / np.sqrt(w)  # local spacing [m]
    chosen: list[int] = []
    for i in range(len(cand)):
        if not chosen or np.min(np.hypot(*(cand[chosen] - cand[i]).T)) > spacing[i]:
            chosen.append(i)
        if len(chosen) == n:
            break
    if len(chosen) < n:  # relax the spacing rather than fail
        rest = [i for i in range(len(cand)) if i not in set(chosen)]
        chosen += rest[: n - len(chosen)]
    return cand[chosen]


def _cells(poly, pts: np.ndarray) -> np.ndarray:
    """Voronoi cells of pts (in input order) clipped to poly."""
    if len(pts) == 1:
        return np.array([poly], dtype=object)
    box = poly.envelope.buffer(1000)
    vor = shapely.voronoi_polygons(shapely.MultiPoint(pts), extend_to=box, ordered=True)
    return shapely.intersection(np.asarray(shapely.get_parts(vor)), poly)


def region(rng) -> dict:
    """Department polygons [Lambert-93] and the region outline.

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``geo`` stream.

    Returns
    -------
    dict of str to shapely.Polygon
        Department code -> polygon [m, Lambert-93].
    """
    outline = _blob(rng, 70_000, 55_000, dx=15_000, amp=0.07)
    core = _blob(rng, 6_300, 5_000, amp=0.05)
    inner = _blob(rng, 15_500, 14_000, amp=0.06)
    rings = {0: core, 1: inner.difference(core), 2: outline.difference(inner)}
    return {
        d[0]: (rings[0] if d[2] == 0 else rings[d[2]].intersection(_wedge(d[3], d[4])))
        for d in DEPARTMENTS
    }


def communes(rng) -> pd.DataFrame:
    """One row per commune (COM) and Paris arrondissement (ARM), geometry in Lambert-93.

    Columns: commune_code, commune_name, kind, parent_code, department_code, ring, geometry.

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``geo`` stream.

    Returns
    -------
    pandas.DataFrame
        The columns above (``ring``: 0 core, 1 inner, 2 outer).
    """
    depts = region(rng)
    rows: list[dict] = []
    for code, _name, ring, _a0, _a1, n, prefix, _pop in DEPARTMENTS:
        poly = depts[code]
        if ring == 0:
            k = np.arange(20)
            r = 4_600 * np.sqrt((k + 0.5) / 20) + rng.uniform(-200, 200, 20)
            t = 2.0 - 2.39996 * k  # golden-angle snail, clockwise like Paris
            pts = np.column_stack([CX + 1.25 * r * np.cos(t), CY + r * np.sin(t)])
            cells = _cells(poly, pts)
            for i, g in enumerate(cells):
                suffix = "1er" if i == 0 else f"{i + 1}e"
                rows.append(dict(commune_code=f"751{i + 1:02d}", commune_name=f"{prefix} {suffix}",
                                 kind="ARM", parent_code="75056", department_code="75", ring=0, geometry=g))
            rows.append(dict(commune_code="75056", commune_name=prefix, kind="COM", parent_code=None,
                             department_code="75", ring=0, geometry=shapely.union_all(cells)))
            continue
        pts = _seeds(rng, poly, n, 12_000 if ring == 1 else 25_000)
        cells = _cells(poly, pts)
        # one Lloyd step for rounder cells
        cells = _cells(poly, shapely.get_coordinates(shapely.centroid(cells)))
        order = np.argsort(np.hypot(*(shapely.get_coordinates(shapely.centroid(cells)) - (CX, CY)).T),
                           kind="stable")
        numbers = np.cumsum(rng.integers(1, 6, n))
        for num, i in zip(numbers, order, strict=True):
            rows.append(dict(commune_code=f"{code}{num:03d}", commune_name=f"{prefix} {num:03d}",
                             kind="COM", parent_code=None, department_code=code, ring=ring,
                             geometry=cells[i]))
    return pd.DataFrame(rows)


def rail_lines(rng, outline) -> list[tuple[str, str, str, np.ndarray]]:
    """Synthetic lines (line, mode, operator, station points [m]) clipped to the region.

    Metro lines cross the core, RER lines cross the whole region, TRAIN lines run radially
    from Paris, tram lines run tangentially in the inner ring.

    Parameters
    ----------
    rng : numpy.random.Generator
        The ``stations`` stream.
    outline : shapely.Geometry
        The region [m, Lambert-93]; stations outside it are dropped.

    Returns
    -------
    list of (str, str, str, numpy.ndarray)
        Line name, mode, operator and station points (k, 2) [m, Lambert-93].
    """
    def chord(angle, half, n, offset=0.0):
        t = np.linspace(-half, half, n)
        a = np.radians(angle)
        c, s = np.cos(a), np.sin(a)
        return np.column_stack([CX + t * c - offset * s, CY + t * s + offset * c])

    lines = []
    for i in range(9):
        lines.append((f"METRO {i + 1}", "METRO", "RATP",
                      chord(i * 20 + rng.uniform(-8, 8), 9_000, 14, rng.uniform(-2_500, 2_500))))
    for i, letter in enumerate("ABCDE"):
        lines.append((f"RER {letter}", "RER", "RATP" if letter in "AB" else "SNCF",
                      chord(i * 36 + rng.uniform(-10, 10), 60_000, 24, rng.uniform(-1_500, 1_500))))
    for i, letter in enumerate("HJLNPRU"):
        a = np.radians(i * 51 + 25 + rng.uniform(-10, 10))
        t = np.linspace(7_000, 65_000, 9)
        lines.append((f"TRAIN {letter}", "TRAIN", "SNCF",
                      np.column_stack([CX + t * np.cos(a), CY + t * np.sin(a)])))
    for i in range(3):
        a0 = np.radians(i * 120 + rng.uniform(0, 60))
        a = a0 + np.linspace(0, 1.2, 9)
        r = 9_000 + 1_500 * i
        pts = np.column_stack([CX + r * np.cos(a), CY + r * np.sin(a)])
        lines.append((f"T{i + 1}", "TRAMWAY", "RATP", pts))
    return [(n, m, o, p[shapely.contains_xy(outline, p[:, 0], p[:, 1])]) for n, m, o, p in lines]


def locate(geoms: np.ndarray, codes: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Code of the polygon containing each point (nearest polygon for points on no polygon).

    Parameters
    ----------
    geoms : numpy.ndarray
        Polygons.
    codes : numpy.ndarray
        Their codes.
    x : numpy.ndarray
        Point x, in the polygons' coordinates.
    y : numpy.ndarray
        Point y, in the polygons' coordinates.

    Returns
    -------
    numpy.ndarray
        Object array of codes, one per point.
    """
    out = np.full(len(x), "", dtype=object)
    pts = shapely.points(x, y)
    tree = shapely.STRtree(geoms)
    idx_pt, idx_geom = tree.query(pts, predicate="intersects")
    first = np.unique(idx_pt, return_index=True)
    out[first[0]] = codes[idx_geom[first[1]]]
    missing = np.flatnonzero(out == "")
    if len(missing):
        out[missing] = codes[tree.query_nearest(pts[missing], all_matches=False)[1]]
    return out


def rectangles(rng, x: np.ndarray, y: np.ndarray, area_m2: np.ndarray) -> np.ndarray:
    """Rotated rectangles (aspect 1-3) of the given areas centred on x, y [m].

    Parameters
    ----------
    rng : numpy.random.Generator
        Random stream (aspect and rotation).
    x : numpy.ndarray
        Centre easting [m, Lambert-93].
    y : numpy.ndarray
        Centre northing [m, Lambert-93].
    area_m2 : numpy.ndarray
        Areas [m²].

    Returns
    -------
    numpy.ndarray
        Shapely polygons [m, Lambert-93].
    """
    aspect = rng.uniform(1, 3, len(x))
    w, h = np.sqrt(area_m2 / aspect), np.sqrt(area_m2 * aspect)
    ang = rng.uniform(0, np.pi, len(x))
    corners = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [-1, -1]]) / 2
    px = corners[:, 0] * w[:, None]
    py = corners[:, 1] * h[:, None]
    c, s = np.cos(ang)[:, None], np.sin(ang)[:, None]
    xs, ys = x[:, None] + px * c - py * s, y[:, None] + px * s + py * c
    return shapely.polygons(np.stack([xs, ys], axis=-1))
