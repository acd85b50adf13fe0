"""The map builders the pages and the notebooks share (``smartidf_analysis.plots``): each
recolours one Bokeh PolygonMap from a table, aligned on the map's communes whatever the
table's order, with communes without a value grey ("no data"), never zero."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from smartidf_analysis.commuting.selections import FlowSelection
from smartidf_analysis.plots import broadband as pb
from smartidf_analysis.plots import commuting as cplots
from smartidf_analysis.plots import telecentres as tplots
from smartidf_analysis.plots.flow_lines import FLOW_COLOR, IN_COLOR
from smartidf_analysis.plots.polygon_map import NO_DATA_COLOR, outline_map

CODES = ["75056", "93066", "77288"]


def _communes() -> pd.DataFrame:
    return pd.DataFrame({
        "commune_code": CODES, "commune_name": ["Paris", "Saint-Denis", "Melun"],
        "geometry_wkb": [shapely.to_wkb(shapely.box(x, 48.5, x + 0.05, 48.55))
                         for x in (2.30, 2.36, 2.64)],
        "centroid_lon": [2.325, 2.385, 2.665], "centroid_lat": 48.525})


def test_coverage_map_aligns_one_quarter_on_its_communes_and_says_why_one_is_missing():
    coverage_map = pb.coverage_map(_communes())
    quarter = pd.DataFrame({"commune_code": ["77288", "75056"], "coverage_rate": [1.2, 0.5],
                            "no_data_reason": [None, None]})
    values, reasons = pb.show_coverage(coverage_map, quarter, "rate", pb.rate_scale(),
                                       title="2018Q1")
    np.testing.assert_array_equal(values[[0, 2]], [0.5, 1.2])
    assert np.isnan(values[1]) and reasons[1] == "no_fibre_row"
    texts = list(coverage_map.source.data["display"])
    assert texts == ["50.0%", "no data (no_fibre_row)", "120.0% (> 100 %)"]
    assert coverage_map.mapper.high_color == pb.ABOVE_100_COLOR  # above 100 %: its own colour
    assert coverage_map.mapper.nan_color == NO_DATA_COLOR
    assert coverage_map.figure.title.text == "2018Q1"


def test_coverage_scales_hold_across_quarters():
    """Four outliers in a hundred communes do not stretch the count and growth scales."""
    coverage = pd.DataFrame({"connectable_premises": [50.0] * 96 + [10_000.0] * 4,
                             "growth_points": [0.1, -0.1] * 48 + [5.0, -5.0] * 2})
    scales = pb.coverage_scales(coverage)
    assert scales["premises"].high == pytest.approx(50.0)
    assert (scales["growth"].low, scales["growth"].high) == pytest.approx((-0.1, 0.1))
    assert (scales["rate"].low, scales["rate"].high) == (0.0, 1.0)


def test_commuting_map_shares_and_distances_in_their_units_and_no_data_grey():
    commuting_map, lines = cplots.commuting_map(_communes())
    table = pd.DataFrame({"commune_code": ["93066", "75056"], "self_containment": [0.25, 0.5]})
    values = cplots.show_indicator(commuting_map, table, "self_containment", label="share")
    np.testing.assert_array_equal(values[:2], [0.5, 0.25])
    assert np.isnan(values[2])
    assert list(commuting_map.source.data["display"])[:2] == ["50.0 %", "25.0 %"]
    assert commuting_map.colorbar.major_label_overrides[1.0].startswith("100")  # shares 0-100 %
    distances = pd.DataFrame({"commune_code": CODES, "mean_distance_residents_km": [3.0, 8.5, 20.0]})
    cplots.show_indicator(commuting_map, distances, "mean_distance_residents_km", label="km")
    assert list(commuting_map.source.data["display"]) == ["3.0 km", "8.5 km", "20.0 km"]
    cplots.show_indicator(commuting_map, None, "value")  # no data at all: every commune grey
    assert np.isnan(np.asarray(commuting_map.source.data["value"], dtype=float)).all()
    assert len(lines.data["x0"]) == 0


def test_flow_lines_join_centroids_and_width_follows_workers():
    _, lines = cplots.commuting_map(_communes())
    flows = pd.DataFrame({"home_code": ["77288", "93066", "75056"],
                          "work_code": ["75056", "75056", "75056"],  # the last one stays home
                          "workers": [100.0, 400.0, 900.0], "direction": ["in", "in", "in"]})
    segments = cplots.show_flows(lines, flows, _communes(), fmt=lambda w: f"{w:.0f} w")
    assert len(segments) == 2 and list(lines.data["display"]) == ["100 w", "400 w"]
    assert lines.data["width"][1] == 10.0 and lines.data["width"][0] < lines.data["width"][1]
    assert set(lines.data["color"]) == {IN_COLOR}
    assert lines.data["x1"][0] == lines.data["x1"][1]  # both end at Paris's centroid
    cplots.show_flows(lines, pd.DataFrame(), _communes())
    assert len(lines.data["x0"]) == 0


def test_dominant_flows_and_their_centres_on_the_commuting_map():
    commuting_map, lines = cplots.commuting_map(_communes())
    renderers = len(commuting_map.figure.renderers)
    selection = FlowSelection(
        method="dominant",
        flows=pd.DataFrame({"home_code": ["77288", "93066"], "work_code": ["75056", "75056"],
                            "workers": [100.0, 400.0]}),
        workers_share=0.5, pairs_share=1 / 3, total_workers=1000.0, total_pairs=6,
        nodes=pd.DataFrame({"code": CODES, "role": ["dominant", "subordinate", "subordinate"],
                            "weight": [5000.0, 800.0, 300.0]}))
    centres = cplots.show_dominant_flows(commuting_map, lines, selection, _communes())
    assert centres["code"].tolist() == ["75056"] and centres["size"].iloc[0] == 24.0
    assert len(commuting_map.figure.renderers) == renderers + 1  # the centres' dots
    assert list(lines.data["color"]) == [FLOW_COLOR] * 2


def test_site_map_sizes_sites_by_demand_and_empties_without_a_result():
    site_map, source = tplots.site_map(_communes())
    sites = pd.DataFrame({"lon": [2.33, 2.66], "lat": [48.52, 48.53],
                          "daily_users": [100.0, 400.0], "station_name": ["A", "B"],
                          "lines": ["RER B", "R"], "seats": [30, 80], "communes_served": [2, 5],
                          "site_id": ["s1", "s2"]})
    points = tplots.show_sites(source, sites, fmt=lambda u: f"{u:.0f}/day")
    assert list(source.data["display"]) == ["100/day", "400/day"]
    assert source.data["size"][1] == 28.0 and source.data["size"][0] == pytest.approx(16.0)
    assert points["x"].iloc[0] < points["x"].iloc[1]
    assert not site_map.colorbar.visible and site_map.hover.renderers == []
    tplots.show_sites(source, pd.DataFrame())
    assert len(source.data["x"]) == 0


def test_demand_map_greys_communes_without_demand():
    frame = _communes().assign(users_per_1000_workers=[12.0, np.nan, 4.0])
    demand = tplots.demand_map(frame, "users_per_1000_workers", label="users", title="demand")
    values = np.asarray(demand.source.data["value"], dtype=float)
    assert np.isnan(values[1]) and demand.source.data["display"][1] == "no data"
    assert (demand.mapper.low, demand.mapper.high) == (4.0, 12.0)
    assert demand.figure.title.text == "demand"


def test_outline_map_is_a_base_map_without_values():
    outlines = outline_map(_communes(), height=300)
    assert np.isnan(np.asarray(outlines.source.data["value"], dtype=float)).all()
    assert outlines.figure.height == 300 and not outlines.colorbar.visible
