"""Bokeh polygon maps recoloured in place — every choropleth of the pages and notebooks.

:class:`PolygonMap` is built **once** per geometry set (communes, arrondissements or roof
footprints, packed by :func:`~smartidf_analysis.plots.packed.packed_polygons`); a new
indicator, quarter or parameter only replaces the value columns of its data source and the
colour scale (:mod:`.scales`). Served, that sends a few kilobytes of values to the browser
instead of ~1 MB of geometries, and costs milliseconds of server time instead of the 0.3–2 s
a HoloViews choropleth of 1,300 polygons took to re-render (``benchmarks/load.py``,
``benchmarks/bench_broadband.py``). Missing values are grey ("no data"), never a colour of
the scale. Drawn in Web Mercator without tiles: works offline. No Panel here: a notebook
shows ``PolygonMap.figure`` (in ``pn.pane.Bokeh``), a page puts it in its layout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
from bokeh.core.property.validation import without_property_validation
from bokeh.core.property.vectorization import expr
from bokeh.models import (
    ColorBar,
    ColumnDataSource,
    FixedTicker,
    HoverTool,
    LinearColorMapper,
    TapTool,
)
from bokeh.palettes import Viridis256
from bokeh.plotting import figure

from .packed import packed_polygons
from .scales import NO_DATA_COLOR, ColorScale, decade_scale, named_palette, value_scale

__all__ = ["NO_DATA_COLOR", "ColorScale", "PolygonMap", "outline_map", "decade_scale",
           "named_palette", "value_scale"]
OUTLINE_COLOR, OUTLINE_FILL = "#bdbdbd", "#f2f2f2"  # base map under point layers


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
        self.geometry = packed_polygons(self.codes, geometry["geometry_wkb"].tolist(), tolerance)
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

    def show_linear(self, values: Sequence[float], palette: Sequence[str], *,
                    fmt: Callable[[float, int], str] | None = None, title: str = "",
                    value_label: str | None = None) -> int:
        """Recolour with a linear scale over the finite ``values``
        (:func:`~smartidf_analysis.plots.scales.value_scale`),
        the ticks and hover texts written ``fmt(value, digits)``.

        Parameters
        ----------
        values : sequence of float
            One value per polygon, in ``codes`` order (NaN = no data).
        palette : sequence of str
            Colours, low to high.
        fmt : callable, optional
            ``(value, digits) -> text``; default ``1,234.5`` style, "no data" for NaN.
        title : str
            Map title.
        value_label : str, optional
            New hover label of the value.

        Returns
        -------
        int
            The decimal digits of the texts (0, 1 or 2, from the values' span).
        """
        fmt = fmt or _plain_number
        values = np.asarray(values, dtype=float)
        scale, digits = value_scale(values, palette, fmt)
        self.update(values, [fmt(v, digits) for v in values], scale, title=title,
                    value_label=value_label)
        return digits

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


def outline_map(geometry: pd.DataFrame, *, height: int = 560,
                tolerance: float = 0.0005) -> PolygonMap:
    """Light commune outlines without values, colour bar or hover: the base map of point
    layers (telecentre sites, "Mon télécentre").

    Parameters
    ----------
    geometry : DataFrame
        ``commune_code``, ``commune_name``, ``geometry_wkb`` (WGS84).
    height : int
        Height [px].
    tolerance : float
        Simplification tolerance [deg] (0.0005 ≈ 50 m).

    Returns
    -------
    PolygonMap
        The outlines; add layers to its ``figure``.
    """
    outlines = PolygonMap(geometry, height=height, tolerance=tolerance,
                          line_color=OUTLINE_COLOR)
    outlines.mapper.nan_color = OUTLINE_FILL
    outlines.colorbar.visible = False
    outlines.hover.renderers = []  # the point layers carry the hover
    return outlines


def _plain_number(value: float, digits: int) -> str:
    return f"{value:,.{digits}f}" if np.isfinite(value) else "no data"
