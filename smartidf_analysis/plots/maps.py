"""Geometry and captions shared by every map (no Panel here): commune outlines projected to
Web Mercator (EPSG:3857) without tiles or cartopy, so maps render offline
(:func:`mercator_paths`, packed for the browser by :mod:`.packed`), and the source caption
every page, notebook and report puts under a figure (:func:`source_caption`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

_TO_MERCATOR = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)


def _ring_xy(ring) -> tuple[np.ndarray, np.ndarray]:
    coords = np.asarray(ring.coords)
    return _TO_MERCATOR.transform(coords[:, 0], coords[:, 1])


def _paths(geom) -> dict:
    """One geometry as polygon data: x/y with NaN between parts, plus holes."""
    parts = list(geom.geoms) if hasattr(geom, "geoms") else [geom]
    xs, ys, holes = [], [], []
    for i, part in enumerate(parts):
        x, y = _ring_xy(part.exterior)
        if i:
            xs.append([np.nan])
            ys.append([np.nan])
        xs.append(x)
        ys.append(y)
        holes.append([np.column_stack(_ring_xy(r)) for r in part.interiors])
    return {"x": np.concatenate(xs), "y": np.concatenate(ys), "holes": holes}


def mercator_paths(codes: Sequence[str], wkbs: Sequence[bytes], tolerance: float = 0.0) -> tuple:
    """Projected polygon data for each WKB geometry (WGS84).

    Parameters
    ----------
    codes : sequence of str
        One id per geometry.
    wkbs : sequence of bytes
        WKB geometries, WGS84.
    tolerance : float
        Simplification tolerance [deg] (0.0005 ≈ 50 m); 0 keeps the geometries.

    Returns
    -------
    tuple of dict
        Per geometry: ``x``, ``y`` [m, EPSG:3857] with NaN between parts, and ``holes``.
    """
    if len(codes) != len(wkbs):
        raise ValueError(f"{len(codes)} codes for {len(wkbs)} geometries")
    geoms = shapely.from_wkb(np.array([bytes(w) for w in wkbs], dtype=object))
    if tolerance:
        geoms = shapely.simplify(geoms, tolerance, preserve_topology=True)
    return tuple(_paths(g) for g in geoms)


def source_caption(rows: pd.DataFrame, lang: str = "en") -> str:
    """'Source: producer, title (vintage); …' from provenance rows (one per dataset; a
    dataset cited twice is named once): the caption every page, notebook and report puts
    under a figure. French (``lang="fr"``): 'Source : …'. Empty when there is no row.

    Parameters
    ----------
    rows : DataFrame
        ``producer``, ``title``, ``vintage``.
    lang : {"en", "fr"}
        Language of the prefix.

    Returns
    -------
    str
        The caption.
    """
    parts = [f"{r.producer}, {r.title} ({r.vintage})" for r in rows.itertuples()]
    if not parts:
        return ""
    return ("Source : " if lang == "fr" else "Source: ") + "; ".join(dict.fromkeys(parts))
