"""The outlines of a :class:`~smartidf_analysis.plots.polygon_map.PolygonMap`, packed: one
geometry set's ``multi_polygons`` nesting as five flat arrays (:class:`PackedPolygons`),
unpacked in the browser by :data:`UNPACK_JS`, made once per geometry set
(:func:`packed_polygons`, cached by content: every session of a page shares them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from bokeh.models import CustomJSExpr

from .maps import mercator_paths


def _multipolygon(path: dict) -> list:
    """mercator_paths item -> Bokeh multi_polygons nesting for one geometry."""
    x, y, holes = path["x"], path["y"], path["holes"]
    breaks = np.flatnonzero(np.isnan(x))
    starts = np.r_[0, breaks + 1]
    stops = np.r_[breaks, len(x)]
    xs, ys = [], []
    for part, (a, b) in enumerate(zip(starts, stops, strict=True)):
        rings_x, rings_y = [x[a:b]], [y[a:b]]
        for hole in holes[part] if part < len(holes) else []:
            rings_x.append(hole[:, 0])
            rings_y.append(hole[:, 1])
        xs.append(rings_x)
        ys.append(rings_y)
    return [xs, ys]


@dataclass(frozen=True)
class PackedPolygons:
    """One geometry set's ``multi_polygons`` nesting (commune -> polygons -> rings) as a few
    flat arrays, sent to the browser as one buffer each: ``x``, ``y`` [m, Web Mercator] every
    ring's vertices one after the other; ``ring_sizes`` vertices per ring; ``polygon_rings``
    rings per polygon (exterior first, then holes); ``shape_polygons`` polygons per shape.

    Why: Bokeh sends each NumPy array of a data source as a binary buffer of its own, two
    websocket frames each. The nested per-ring arrays of 1,285 communes were 2,573 buffers per
    map, 76 ms of server CPU to encode plus the frames, at every page opened; packed, they
    are five arrays, unpacked in the browser by :data:`UNPACK_JS`.

    Parameters
    ----------
    x, y : ndarray
        Vertices of every ring, one ring after the other [m, EPSG:3857].
    ring_sizes : ndarray
        Vertices per ring.
    polygon_rings : ndarray
        Rings per polygon.
    shape_polygons : ndarray
        Polygons per shape.
    """

    x: np.ndarray
    y: np.ndarray
    ring_sizes: np.ndarray
    polygon_rings: np.ndarray
    shape_polygons: np.ndarray

    @classmethod
    def from_nesting(cls, xs: list, ys: list) -> PackedPolygons:
        """Pack nested outlines (shape > polygon > ring coordinates, x and y apart) into flat arrays.

        Parameters
        ----------
        xs, ys : list
            Bokeh ``multi_polygons`` nesting of x and of y coordinates [m].

        Returns
        -------
        PackedPolygons
            The flat arrays.
        """
        rings_x = [ring for shape in xs for polygon in shape for ring in polygon]
        rings_y = [ring for shape in ys for polygon in shape for ring in polygon]
        empty = np.zeros(0)
        return cls(
            x=np.concatenate(rings_x) if rings_x else empty,
            y=np.concatenate(rings_y) if rings_y else empty,
            ring_sizes=np.array([len(r) for r in rings_x], dtype=np.int32),
            polygon_rings=np.array([len(p) for shape in xs for p in shape], dtype=np.int32),
            shape_polygons=np.array([len(shape) for shape in xs], dtype=np.int32))

    def expression(self, axis: str) -> CustomJSExpr:
        """The ``xs`` (``axis="x"``) or ``ys`` nesting, rebuilt in the browser (a new model
        per map: Bokeh models belong to one document; the arrays are shared).

        Parameters
        ----------
        axis : {"x", "y"}
            Which coordinates.

        Returns
        -------
        bokeh.models.CustomJSExpr
            The expression running :data:`UNPACK_JS`.
        """
        return CustomJSExpr(code=UNPACK_JS, args={
            "coords": self.x if axis == "x" else self.y, "ring_sizes": self.ring_sizes,
            "polygon_rings": self.polygon_rings, "shape_polygons": self.shape_polygons})


#: JavaScript of :meth:`PackedPolygons.expression`: shape -> polygons -> rings, each ring a
#: view on ``coords`` (``Float64Array`` with an offset: ``subarray`` of Bokeh's ndarray type
#: would ignore the offset).
UNPACK_JS = """
const shapes = new Array(shape_polygons.length)
let polygon = 0, ring = 0, start = 0
for (let s = 0; s < shape_polygons.length; s++) {
  const polygons = new Array(shape_polygons[s])
  for (let p = 0; p < polygons.length; p++, polygon++) {
    const rings = new Array(polygon_rings[polygon])
    for (let r = 0; r < rings.length; r++, ring++) {
      rings[r] = new Float64Array(coords.buffer, coords.byteOffset + 8 * start, ring_sizes[ring])
      start += ring_sizes[ring]
    }
    polygons[p] = rings
  }
  shapes[s] = polygons
}
return shapes
"""

def packed_polygons(codes: Sequence[str], wkbs: Sequence[bytes], tolerance: float = 0.0
                    ) -> PackedPolygons:
    """The packed outlines of WKB geometries (WGS84), projected to Web Mercator and simplified
    by ``tolerance`` [deg]; made once per geometry set (6 % of the server's CPU per broadband
    page opened before) and shared by every map of it.

    Parameters
    ----------
    codes : sequence of str
        One id per geometry (part of the cache key).
    wkbs : sequence of bytes
        WKB geometries, WGS84.
    tolerance : float
        Simplification tolerance [deg]; 0 keeps the geometries.

    Returns
    -------
    PackedPolygons
        The outlines, in ``codes`` order.
    """
    return _packed(tuple(str(c) for c in codes), tuple(bytes(w) for w in wkbs), float(tolerance))


# pure and keyed on the geometries themselves (codes and WKB bytes), not on a build: a
# rebuild with other geometries is another key, one with the same geometries shares the entry
@lru_cache(maxsize=16)
def _packed(codes: tuple[str, ...], wkbs: tuple[bytes, ...], tolerance: float) -> PackedPolygons:
    polys = [_multipolygon(p) for p in mercator_paths(codes, wkbs, tolerance)]
    return PackedPolygons.from_nesting([p[0] for p in polys], [p[1] for p in polys])
