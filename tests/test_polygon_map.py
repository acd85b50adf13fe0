"""PolygonMap's geometry packed into a few flat arrays (one websocket buffer each)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from bokeh.core.serialization import Serializer
from shapely import wkb
from shapely.geometry import MultiPolygon, Polygon

from smartidf_analysis.plots.maps import mercator_paths
from smartidf_analysis.plots.packed import PackedPolygons, _multipolygon
from smartidf_analysis.plots.polygon_map import PolygonMap


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


def _nesting(frame: pd.DataFrame) -> tuple[list, list]:
    """The ``multi_polygons`` nesting (xs, ys) of ``frame``'s outlines, before packing."""
    paths = mercator_paths(frame["commune_code"].tolist(), frame["geometry_wkb"].tolist(), 0.0)
    nested = [_multipolygon(p) for p in paths]
    return [n[0] for n in nested], [n[1] for n in nested]


def test_packed_geometry_is_the_nesting_in_five_buffers():
    pmap = PolygonMap(_geometry(), tolerance=0.0)
    packed = pmap.geometry
    nesting_x, nesting_y = _nesting(_geometry())
    assert packed.shape_polygons.tolist() == [1, 1, 2]  # islands: two polygons
    assert packed.polygon_rings.tolist() == [1, 2, 1, 1]  # the second one has a hole
    for coords, nesting in ((packed.x, nesting_x), (packed.y, nesting_y)):
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


def test_group_bounds_cover_each_groups_vertices():
    frame = _geometry()
    pmap = PolygonMap(frame, tolerance=0.0)
    nesting_x, nesting_y = _nesting(frame)
    groups = {"75056": "A", "93066": "B", "78646": "B"}
    bounds = pmap.group_bounds(groups.get, ["A", "B", "all", "none"], aspect=1.0, pad=0.5)
    assert set(bounds) == {"A", "B", "all"}  # a group without polygons has no bounds
    for group in ("A", "B", "all"):
        codes = [c for c in pmap.codes if group in ("all", groups[c])]
        xs = np.concatenate([np.concatenate([np.concatenate(p) for p in nesting_x[i]])
                             for i, c in enumerate(pmap.codes) if c in codes])
        ys = np.concatenate([np.concatenate([np.concatenate(p) for p in nesting_y[i]])
                             for i, c in enumerate(pmap.codes) if c in codes])
        x0, x1, y0, y1 = bounds[group]
        # pad 0.5 and aspect 1: the square around the group's extent, centred on it
        eps = 1e-6  # [m] rounding of the centre +- half-width
        assert x0 <= xs.min() + eps and x1 >= xs.max() - eps
        assert y0 <= ys.min() + eps and y1 >= ys.max() - eps
        assert (x0 + x1) / 2 == pytest.approx((xs.min() + xs.max()) / 2)
        assert x1 - x0 == pytest.approx(y1 - y0)
        assert x1 - x0 == pytest.approx(max(np.ptp(xs), np.ptp(ys)))
