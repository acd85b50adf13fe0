"""Commute distances: crow-fly between commune centroids in Lambert-93 (EPSG:2154) [km].

The distance of a flow inside one commune is estimated from its area A [km²] as the mean
distance between two points drawn uniformly in a disc of the same area,
``128 / (45 π) · √(A / π) ≈ 0.511 √A`` (the classical mean distance 128 r / 45 π between
two random points of a disc of radius r, e.g. Santaló 1976, *Integral Geometry and Geometric
Probability*; checked by simulation in the tests).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

INTRA_DISTANCE_FACTOR = 128 / (45 * math.pi)  # mean distance in a disc, in radii


def intra_commune_distance_km(area_km2) -> np.ndarray:
    """Mean crow-fly distance [km] of a commute inside a commune of area ``area_km2`` [km²]:
    the mean distance between two uniform points in a disc of that area, 0.9054 · radius.

    Parameters
    ----------
    area_km2 : array_like of float
        Commune areas [km²].

    Returns
    -------
    numpy.ndarray
        Mean distances [km].
    """
    area = np.asarray(area_km2, dtype=float)
    return INTRA_DISTANCE_FACTOR * np.sqrt(area / math.pi)


def add_distances(flows: pd.DataFrame, communes: pd.DataFrame) -> pd.DataFrame:
    """``flows`` with ``distance_km``: crow-fly between Lambert-93 centroids [km], or the
    area-based estimate (:func:`intra_commune_distance_km`) when home = work.

    Codes absent from ``communes`` (unmatched 2014 codes) get ``NaN``.

    Parameters
    ----------
    flows : pandas.DataFrame
        ``home_code``, ``work_code`` and any other columns.
    communes : pandas.DataFrame
        ``commune_code``, ``centroid_x_l93``, ``centroid_y_l93`` [m, Lambert-93] and
        ``area_km2`` [km²].

    Returns
    -------
    pandas.DataFrame
        A copy of ``flows`` with ``distance_km`` [km].
    """
    coords = communes.drop_duplicates("commune_code").set_index("commune_code")[
        ["centroid_x_l93", "centroid_y_l93", "area_km2"]]
    home = coords.reindex(flows["home_code"].to_numpy()).to_numpy(dtype=float)
    work = coords.reindex(flows["work_code"].to_numpy()).to_numpy(dtype=float)
    crow = np.hypot(home[:, 0] - work[:, 0], home[:, 1] - work[:, 1]) / 1000.0
    same = (flows["home_code"].to_numpy() == flows["work_code"].to_numpy())
    out = flows.copy()
    out["distance_km"] = np.where(same, intra_commune_distance_km(home[:, 2]), crow)
    return out
