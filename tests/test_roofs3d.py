"""The 2.5D view's deck.gl specification (pure) and the buildings page driven in-process: a
pick on a building shows its monthly production, summing to its annual figure."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import shapely

from smartidf_analysis.plots import roofs3d
from smartidf_analysis.solar.roofs import CLASS_COLORS


def _roofs() -> pd.DataFrame:
    square = shapely.box(2.35, 48.90, 2.3502, 48.9001)
    two_parts = shapely.MultiPolygon([shapely.box(2.36, 48.91, 2.3601, 48.9101),  # small
                                      shapely.box(2.37, 48.92, 2.3704, 48.9203)])  # large
    return pd.DataFrame({
        "roof_id": ["a", "b", "c"],
        "geometry_wkb": [shapely.to_wkb(g) for g in (square, two_parts, square)],
        "height_m": [12.0, np.nan, 3.5],
        "solar_class": ["red", "blue", None],
        "annual_kwh": [1234.4, 50.6, np.nan],
        "irradiation_kwh_m2": [1300.2, 700.0, np.nan],
        "lon": [2.3501, 2.3702, 2.3501], "lat": [48.90005, 48.9201, 48.90005],
    })


def test_spec_extrudes_by_height_and_colours_by_class():
    roofs = _roofs()
    spec = roofs3d.deck_spec(roofs)
    json.dumps({k: v for k, v in spec.items() if k != "layers"})  # plain JSON around the data
    layer = spec["layers"][0]
    assert layer["@@type"] == "PolygonLayer" and layer["extruded"] and layer["pickable"]
    assert layer["id"] == roofs3d.LAYER_ID and spec["mapStyle"] is None
    data = layer["data"]
    assert list(data["roof_id"]) == ["a", "b", "c"]
    assert list(data["height_m"]) == [12.0, roofs3d.DEFAULT_HEIGHT_M, 3.5]
    assert data["color"][0] == [int(CLASS_COLORS["red"][i:i + 2], 16) for i in (1, 3, 5)]
    assert data["color"][1] == [int(CLASS_COLORS["blue"][i:i + 2], 16) for i in (1, 3, 5)]
    assert data["color"][2] == list(roofs3d.UNKNOWN_COLOR)
    ring = shapely.Polygon(data["polygon"][1])  # the larger part of the multipolygon
    assert ring.bounds == pytest.approx((2.37, 48.92, 2.3704, 48.9203), abs=1e-6)
    assert shapely.Polygon(data["polygon"][0]).area == pytest.approx(0.0002 * 0.0001, rel=1e-3)
    view = spec["initialViewState"]
    assert view["longitude"] == pytest.approx(roofs["lon"].mean())
    assert 10 < view["zoom"] < 19 and view["pitch"] > 0


def test_zoom_follows_the_extent():
    near = roofs3d.deck_spec(_roofs().iloc[[0]])["initialViewState"]["zoom"]
    far = roofs3d.deck_spec(_roofs())["initialViewState"]["zoom"]
    assert near > far


def test_a_click_maps_back_to_its_roof():
    roofs = _roofs()
    assert roofs3d.picked_roof({"index": 1, "layer": roofs3d.LAYER_ID}, roofs)["roof_id"] == "b"
    assert roofs3d.picked_roof({"index": -1, "layer": roofs3d.LAYER_ID}, roofs) is None  # ground
    assert roofs3d.picked_roof({"index": 1, "layer": "other"}, roofs) is None
    assert roofs3d.picked_roof({"index": 3, "layer": roofs3d.LAYER_ID}, roofs) is None
    assert roofs3d.picked_roof({}, roofs) is None
    assert roofs3d.picked_roof(None, roofs) is None
    with pytest.raises(ValueError, match="no roofs"):
        roofs3d.deck_spec(roofs.iloc[:0])


@pytest.mark.realdata
def test_page_pick_shows_the_monthly_production(solar_db):
    """Through what the page shows: the deck's buildings, its caption and the inspector."""
    import panel as pn
    from page_view import PageView

    from smartidf_analysis.apps.buildings import BuildingsPage
    from smartidf_analysis.apps.page import clear_cache

    pn.extension("deckgl")
    clear_cache()
    page = BuildingsPage(lang="en")
    view = PageView(page)
    deck = view.pane("buildings-deck")
    shown = deck.object["layers"][0]["data"]  # one row per building drawn
    assert len(shown) > 100 and "432 buildings" in view.text("deck-caption")
    assert "Click a building" in view.text("roof-none")
    index = int(shown["annual_kwh"].idxmax())
    deck.click_state = {"index": index, "layer": roofs3d.LAYER_ID, "coordinate": [2.36, 48.93]}
    roof = shown.iloc[index]
    assert page.state.roof_id == roof["roof_id"]
    table = view.text("roof-monthly")
    months = [float(line.split("|")[2].replace(",", "")) for line in table.splitlines()
              if line.startswith("| ") and line.split("|")[1].strip() in ("Jan", "Jul", "Dec", "Jun")]
    rows = [line for line in table.splitlines() if line.startswith("| ") and "kWh" not in line]
    total = sum(float(r.split("|")[2].replace(",", "")) for r in rows)
    # rounded months, and the deck's annual figure rounded to the kWh
    assert len(rows) == 12 and total == pytest.approx(roof["annual_kwh"], abs=12.5)
    assert months[2] > months[0]  # July above January (rows Jan, Jun, Jul, Dec in table order)
    deck.click_state = {"index": -1, "layer": roofs3d.LAYER_ID}  # the ground: selection kept
    assert page.state.roof_id == roof["roof_id"]
    page.state.roof_set = "paris13_volumes"
    assert "335 buildings" in view.text("deck-caption")
    assert len(view.pane("buildings-deck").object["layers"][0]["data"]) == 335
