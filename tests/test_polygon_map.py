"""PolygonMap's geometry packed into a few flat arrays (one websocket buffer each)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from bokeh.core.serialization import Serializer
from shapely import wkb
from shapely.geometry import MultiPolygon, Polygon

from smartidf_analysis.plots.polygon_map import PackedPolygons, PolygonMap


def _unpack(packed: PackedPolygons, coords: np.ndarray) -> list:
    """The nesting rebuilt from the layout arrays, as UNPACK_JS does in the browser."""
    shapes, polygon, ring, start = [], 0, 0, 0
    for n_polygons in packed.shape_polygons:
        polygons = []
        for _ in range(n_polygons):
            rings = []
            for _ in range(packed.polygon_rings[polygon]):
                rings.append(coords[start:start + packed.ring_sizes[ring]])
                start += packed.ring_sizes[ring]
                ring += 1
            polygons.append(rings)
            polygon += 1
        shapes.append(polygons)
    assert start == len(coords)
    return shapes


def _geometry() -> pd.DataFrame:
    square = Polygon([(2.3, 48.8), (2.4, 48.8), (2.4, 48.9), (2.3, 48.9)])
    holed = Polygon([(2.5, 48.8), (2.7, 48.8), (2.7, 49.0), (2.5, 49.0)],
                    [[(2.55, 48.85), (2.6, 48.85), (2.6, 48.9), (2.55, 48.9)]])
    islands = MultiPolygon([Polygon([(1.9, 48.5), (2.0, 48.5), (2.0, 48.6)]),
                            Polygon([(2.1, 48.5), (2.2, 48.5), (2.2, 48.6)])])
    return pd.DataFrame({"commune_code": ["75056", "93066", "78646"],
                         "commune_name": ["Paris", "Saint-Denis", "Versailles"],
                         "geometry_wkb": [wkb.dumps(g) for g in (square, holed, islands)]})


def test_packed_geometry_is_the_nesting_in_five_buffers():
    pmap = PolygonMap(_geometry(), tolerance=0.0)
    packed = pmap.geometry
    assert packed.shape_polygons.tolist() == [1, 1, 2]  # islands: two polygons
    assert packed.polygon_rings.tolist() == [1, 2, 1, 1]  # the second one has a hole
    for coords, nesting in ((packed.x, packed.xs), (packed.y, packed.ys)):
        unpacked = _unpack(packed, coords)
        assert len(unpacked) == len(nesting) == 3
        for shape, expected in zip(unpacked, nesting, strict=True):
            for polygon, expected_polygon in zip(shape, expected, strict=True):
                for ring, expected_ring in zip(polygon, expected_polygon, strict=True):
                    np.testing.assert_array_equal(ring, expected_ring)
    # Web Mercator metres, not degrees
    assert 2e5 < packed.x.min() < packed.x.max() < 3.1e5
    # the map's data source holds no geometry; serialising the glyph sends the packed
    # arrays: 4 buffers per axis (coordinates and the three layout arrays)
    assert "xs" not in pmap.source.data
    serializer = Serializer(deferred=True)
    serializer.encode(pmap.renderer.glyph)
    assert len(serializer.buffers) == 8


def test_a_geometry_set_is_packed_once_for_every_map():
    frame = _geometry()
    first, second = PolygonMap(frame, tolerance=0.0), PolygonMap(frame, tolerance=0.0)
    assert first.geometry is second.geometry  # shared by the sessions of a page
    assert first.renderer.glyph.xs is not second.renderer.glyph.xs  # a model per document
