"""Bokeh polygon maps recoloured in place — every served choropleth uses them.

:class:`PolygonMap` is built **once** per geometry set (communes, arrondissements or roof
footprints, projected to Web Mercator by :func:`~smartidf_analysis.plots.maps.mercator_paths`);
a new indicator, quarter or parameter only replaces the value columns of its data source
and the colour scale. Served, that sends a few kilobytes of values to the browser instead
of ~1 MB of geometries, and costs milliseconds of server time instead of the 0.3–2 s a
HoloViews choropleth of 1,300 polygons takes to re-render (``benchmarks/load.py``,
``benchmarks/bench_broadband.py``). Missing values are grey ("no data"), never a colour of
the scale. No Panel here: notebooks show ``PolygonMap.figure`` directly.

Over 400 lines: the numpydoc sections of :class:`PolygonMap`'s methods and of the packed
geometry; the code itself is under 300 lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from bokeh.core.property.validation import without_property_validation
from bokeh.core.property.vectorization import expr
from bokeh.models import (
    ColorBar,
    ColumnDataSource,
    CustomJSExpr,
    FixedTicker,
    HoverTool,
    LinearColorMapper,
    TapTool,
)
from bokeh.palettes import Viridis256
from bokeh.plotting import figure

from .maps import mercator_paths

NO_DATA_COLOR = "#d9d9d9"


@dataclass(frozen=True)
class ColorScale:
    """A colour scale: palette from ``low`` to ``high``; values above ``high`` take
    ``high_color`` (default: the last colour); ``ticks`` labels fixed positions.

    Parameters
    ----------
    palette : sequence of str
        Colours, low to high.
    low, high : float
        Ends of the scale, in the units of the values coloured.
    high_color, low_color : str, optional
        Colours above ``high`` / below ``low``; default the last / first colour.
    ticks : dict of float to str
        Position -> label on the colour bar; empty: five evenly spaced ticks.
    """

    palette: Sequence[str]
    low: float
    high: float
    high_color: str | None = None
    low_color: str | None = None
    ticks: dict[float, str] = field(default_factory=dict)


def named_palette(name: str, n: int = 256) -> list[str]:
    """A colormap by its HoloViews / Matplotlib name (``YlOrRd``, ``RdBu_r``, ``magma_r``…)
    as ``n`` hex colours, low to high, as HoloViews would draw it.

    Parameters
    ----------
    name : str
        Colormap name.
    n : int
        Number of colours.

    Returns
    -------
    list of str
        Hex colours.
    """
    from holoviews.plotting.util import process_cmap

    return process_cmap(name, ncolors=n)


def decade_scale(values: np.ndarray, palette: Sequence[str],
                 label: Callable[[float], str]) -> tuple[np.ndarray, ColorScale]:
    """A logarithmic scale: log10 of the positive ``values`` (others NaN = no data) and a
    scale whose ticks are the decades, labelled ``label(10**d)``.

    Parameters
    ----------
    values : ndarray
        Values to colour.
    palette : sequence of str
        Colours, low to high.
    label : callable
        Number -> text, for the tick of each decade.

    Returns
    -------
    (ndarray, ColorScale)
        log10 of the values (NaN where not positive) and the scale (at least one decade).
    """
    values = np.asarray(values, dtype=float)
    logs = np.log10(np.where(values > 0, values, np.nan))
    if not np.isfinite(logs).any():
        return logs, ColorScale(palette, 0.0, 1.0)
    decades = np.arange(np.floor(np.nanmin(logs)), np.ceil(np.nanmax(logs)) + 1)
    if len(decades) < 2:
        decades = np.array([decades[0], decades[0] + 1])
    return logs, ColorScale(palette, float(decades[0]), float(decades[-1]),
                            ticks={float(d): label(10 ** d) for d in decades})


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

# id(mercator_paths result) -> (it, PackedPolygons): keyed on the content-keyed paths object
# (held, so its id is not reused), hence never another build's geometry
_POLYGONS: dict[int, tuple] = {}


def _bokeh_polygons(paths: tuple) -> PackedPolygons:
    """The ``multi_polygons`` geometry of a :func:`mercator_paths` result, made once per
    geometry set (the paths are cached by content, so every session of a page shares them;
    6 % of the server's CPU per broadband page opened before)."""
    hit = _POLYGONS.get(id(paths))
    if hit is None or hit[0] is not paths:
        polys = [_multipolygon(p) for p in paths]
        hit = (paths, PackedPolygons.from_nesting([p[0] for p in polys],
                                                  [p[1] for p in polys]))
        if len(_POLYGONS) >= 32:
            _POLYGONS.clear()
        _POLYGONS[id(paths)] = hit
    return hit[1]


class PolygonMap:
    """A map of polygons whose colours are updated in place.

    ``geometry`` has ``id_column``, ``name_column`` and ``geometry_wkb`` (WGS84); rows
    without geometry are left out. ``codes`` gives the row order :meth:`update`
    expects. ``tolerance`` [degrees] simplifies the outlines (0.0003 ≈ 30 m).

    Parameters
    ----------
    geometry : DataFrame
        ``id_column``, ``name_column`` and ``geometry_wkb`` (WGS84).
    height : int
        Height [px].
    tolerance : float
        Simplification tolerance [deg].
    value_label : str
        Hover label of the value.
    id_column, name_column : str
        Columns of the polygon's id and name.
    line_color : str
        Outline colour.
    line_width : float
        Outline width [px].
    """

    def __init__(self, geometry: pd.DataFrame, *, height: int = 560, tolerance: float = 0.0003,
                 value_label: str = "value", id_column: str = "commune_code",
                 name_column: str = "commune_name", line_color: str = "white",
                 line_width: float = 0.3):
        geometry = geometry[geometry["geometry_wkb"].notna()].reset_index(drop=True)
        self.codes = geometry[id_column].astype(str).tolist()
        self._index = {code: i for i, code in enumerate(self.codes)}
        self._selecting = False  # True while select() sets the selection (not a tap)
        paths = mercator_paths(self.codes, geometry["geometry_wkb"].tolist(), tolerance)
        self.geometry = _bokeh_polygons(paths)
        n = len(self.codes)
        self.source = ColumnDataSource({  # the geometry is in the glyph (PackedPolygons)
            "code": self.codes, "name": geometry[name_column].astype(str).tolist(),
            "value": np.full(n, np.nan), "display": [""] * n})
        self.mapper = LinearColorMapper(palette=list(Viridis256), low=0, high=1,
                                        nan_color=NO_DATA_COLOR)
        self.figure = figure(height=height, sizing_mode="stretch_width", match_aspect=True,
                             tools="pan,wheel_zoom,reset,save", active_scroll="wheel_zoom",
                             toolbar_location="above", x_axis_type=None, y_axis_type=None)
        self.figure.grid.visible = False
        self.figure.outline_line_color = None
        self.renderer = self.figure.multi_polygons(
            xs=expr(self.geometry.expression("x")), ys=expr(self.geometry.expression("y")),
            source=self.source, line_color=line_color, line_width=line_width,
            fill_color={"field": "value", "transform": self.mapper},
            selection_line_color="black", selection_line_width=2,
            nonselection_fill_alpha=0.75, nonselection_line_alpha=0.6)
        self._same_name = id_column == name_column or geometry[name_column].astype(str).equals(
            geometry[id_column].astype(str))
        self.hover = HoverTool(renderers=[self.renderer], tooltips=self._tooltips(value_label))
        self.figure.add_tools(self.hover, TapTool(renderers=[self.renderer]))
        self.ticker = FixedTicker(ticks=[])  # one ticker, updated in place (a new model
        # would make Bokeh recompute every reference of the document: ~0.2 s per redraw)
        self.colorbar = ColorBar(color_mapper=self.mapper, width=12, location=(0, 0),
                                 ticker=self.ticker, major_label_text_font_size="11px")
        self.figure.add_layout(self.colorbar, "right")

    def _tooltips(self, value_label: str) -> list[tuple[str, str]]:
        first = "@code" if self._same_name else "@name (@code)"
        return [("", first), (value_label, "@display")]

    @without_property_validation  # Bokeh checked each of the ~1,300 hover texts one by one:
    # 12 % of the server's CPU per widget change (solar page); the values are made here
    def update(self, values: Sequence[float], display: Sequence[str], scale: ColorScale,
               title: str = "", value_label: str | None = None) -> None:
        """New values (in ``codes`` order), hover texts, colour scale and title.

        Parameters
        ----------
        values : sequence of float
            One value per polygon, in ``codes`` order (NaN = no data).
        display : sequence of str
            Hover text per polygon.
        scale : ColorScale
            The colour scale.
        title : str
            Map title.
        value_label : str, optional
            New hover label of the value.
        """
        self.source.data.update(value=np.asarray(values, dtype=float), display=list(display))
        palette = list(scale.palette)
        self.mapper.update(palette=palette, low=scale.low, high=scale.high,
                           high_color=scale.high_color or palette[-1],
                           low_color=scale.low_color or palette[0])
        ticks = scale.ticks or {float(t): f"{t:,.3g}"
                                for t in np.linspace(scale.low, scale.high, 5)}
        self.ticker.ticks = [float(t) for t in ticks]
        self.colorbar.major_label_overrides = {float(k): v for k, v in ticks.items()}
        self.figure.title.text = title
        if value_label is not None:
            self.hover.tooltips = self._tooltips(value_label)

    def values_for(self, frame: pd.DataFrame, column: str, id_column: str = "commune_code"
                   ) -> np.ndarray:
        """``frame[column]`` in ``codes`` order (NaN where a code has no row).

        Parameters
        ----------
        frame : DataFrame
            ``id_column`` and ``column``.
        column : str
            Column read.
        id_column : str
            Column of the polygon ids (compared as text).

        Returns
        -------
        ndarray
            Floats in ``codes`` order.
        """
        keyed = frame.assign(_code=frame[id_column].astype(str)).drop_duplicates("_code")
        return keyed.set_index("_code")[column].reindex(self.codes).to_numpy(dtype=float)

    def group_bounds(self, group_of: Callable[[str], str], groups: Sequence[str], *,
                     aspect: float, pad: float = 0.55
                     ) -> dict[str, tuple[float, float, float, float]]:
        """Web Mercator bounds ``(x0, x1, y0, y1)`` [m] of the polygons of each group of
        ``groups`` (``group_of(code)`` names a polygon's group; ``"all"``: every polygon),
        ``pad`` half-widths around the centre (0.55: 10 % margin), widened to the ``aspect``
        (width / height) of the map on screen, so a zoom to a group fits it in view.

        Parameters
        ----------
        group_of : callable
            Polygon code -> group name.
        groups : sequence of str
            Groups wanted (``"all"``: every polygon).
        aspect : float
            Width / height of the map on screen [-].
        pad : float
            Half-width around the centre, as a share of the group's extent [-].

        Returns
        -------
        dict of str to (float, float, float, float)
            Group -> ``(x0, x1, y0, y1)`` [m, EPSG:3857]; groups without polygons left out.
        """
        g = self.geometry
        shape_of_ring = np.repeat(np.repeat(np.arange(len(self.codes)), g.shape_polygons),
                                  g.polygon_rings)
        group_of_vertex = np.array([group_of(code) for code in self.codes]
                                   )[np.repeat(shape_of_ring, g.ring_sizes)]
        bounds = {}
        for group in groups:
            inside = (np.ones(len(g.x), dtype=bool) if group == "all"
                      else group_of_vertex == group)
            if not inside.any():
                continue
            xs, ys = g.x[inside], g.y[inside]
            cx, cy = (xs.min() + xs.max()) / 2, (ys.min() + ys.max()) / 2
            half_x, half_y = pad * np.ptp(xs), pad * np.ptp(ys)
            half_x, half_y = max(half_x, half_y * aspect), max(half_y, half_x / aspect)
            bounds[group] = (cx - half_x, cx + half_x, cy - half_y, cy + half_y)
        return bounds

    def select(self, code: str | None) -> None:
        """Highlight one polygon (or none); the :meth:`on_select` callbacks are not called
        (they answer taps).

        Parameters
        ----------
        code : str or None
            Polygon code; None or unknown clears the selection.
        """
        index = self._index.get(str(code)) if code else None
        self._selecting = True
        try:
            self.source.selected.indices = [] if index is None else [index]
        finally:
            self._selecting = False

    def on_select(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(code)`` when a polygon is tapped.

        Parameters
        ----------
        callback : callable
            Called with the tapped polygon's code.
        """
        def _changed(attr, old, new):
            if new and not self._selecting:
                callback(self.codes[new[0]])

        self.source.selected.on_change("indices", _changed)
