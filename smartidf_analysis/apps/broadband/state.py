"""State of the broadband page (its values, synced to the URL), its sections, and what every
session shares per database build (:class:`BroadbandPageData`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import param

from smartidf_analysis import broadband as bb
from smartidf_analysis.broadband import indicators as bi

INDICATORS = bi.MAP_INDICATORS
MAP_ASPECT = 1.6  # width / height of the map on a usual screen, to fit a department in view
DEPARTMENTS = ("all", "75", "77", "78", "91", "92", "93", "94", "95")
#: the page's sections, one tab each below the headline (the tab titles' label keys)
SECTIONS = {"map": "bb_tab_map", "series": "bb_series_heading", "commune": "bb_inspector_title",
            "gaps": "bb_gap_title", "zoning": "bb_zoning_title"}
SOURCES = {"fibre": ["fibre_deployment", "premises"],  # tables whose provenance is cited
           "series": ["fibre_department_series", "fibre_deployment"]}


@dataclass(frozen=True)
class BroadbandPageData:
    """What every session of the page shares, for one database build.

    Parameters
    ----------
    data : BroadbandData
        The broadband tables (:func:`smartidf_analysis.broadband.io.load`).
    ind : Indicators
        Their indicators (:func:`~smartidf_analysis.broadband.indicators.compute_indicators`).
    geometry : DataFrame
        Map units with ``geometry_wkb``.
    bounds : dict of str to (float, float, float, float)
        Department -> map bounds ``(x0, x1, y0, y1)`` [m, EPSG:3857].
    by_quarter : dict of str to DataFrame
        Quarter -> coverage, in the map's commune order.
    """

    data: bb.BroadbandData
    ind: bi.Indicators
    geometry: pd.DataFrame
    bounds: dict[str, tuple[float, float, float, float]]  # Web Mercator [m] per department
    by_quarter: dict[str, pd.DataFrame]  # coverage per quarter, in the map's commune order


class BroadbandState(param.Parameterized):
    """Page state (synced to the URL)."""

    quarter = param.Selector(default="2018Q1", objects=["2017Q3", "2017Q4", "2018Q1"], doc="""
        ARCEP quarter shown on the map and in the gap list (``YYYYQn``).""")
    indicator = param.Selector(default="rate", objects=list(INDICATORS), doc="""
        Map indicator: FttH coverage rate [fraction of premises], ARCEP class, connectable
        premises [count] or growth since the previous quarter [rate points].""")
    department = param.Selector(default="all", objects=list(DEPARTMENTS), doc="""
        Department code the map zooms to and the series and gaps are limited to ("all":
        the region).""")
    commune = param.String(default="75056", doc="""
        INSEE code of the commune shown in the inspector (current COG).""")
    threshold = param.Number(default=0.8, bounds=(0.05, 1.0), step=0.05, doc="""
        Coverage rate [fraction of premises] below which a commune is in the gap list.""")
    rank_by = param.Selector(default="premises", objects=["premises", "population"], doc="""
        Gap list order: uncovered premises or uncovered population [count].""")
    section = param.Selector(default="map", objects=list(SECTIONS), doc="""
        Section shown below the headline: the map by commune, the department trajectories,
        the commune inspector, the lagging communes or the zoning breakdown. Only the shown
        section is drawn (Panel's dynamic tabs): opening the page draws the map alone.""")
