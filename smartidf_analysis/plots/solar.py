"""Figures of the solar theme (no Panel), shared by the solar page and notebook 04.

* Maps (Web Mercator, no tiles: offline): the roofs of a building extract by red / yellow /
  blue class (:func:`roof_class_map` recoloured by :func:`show_roof_classes`), the 2.5 million
  roofs of the synthetic stock as a Datashader raster (:func:`roof_points_raster`), a value per
  commune (:func:`commune_map` recoloured by :func:`show_commune_values`). The roof and
  commune maps are :class:`~smartidf_analysis.plots.polygon_map.PolygonMap` figures.
* HoloViews charts: yield-cube heat map (:func:`cube_heatmap`), monthly bars
  (:func:`monthly_bars`), the irradiation field (:func:`field_image`) and its calibration
  points (:func:`calibration_points`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401 - registers the Bokeh backend for .opts()
import numpy as np
import pandas as pd
import xarray as xr
from bokeh.palettes import Viridis256

from smartidf_analysis.solar.roofs import CLASS_COLORS, SOLAR_CLASSES

from .polygon_map import ColorScale, PolygonMap, named_palette

#: commune map palette per value column (others: yellow to red)
COMMUNE_PALETTES = {"yield_kwh_kwp": tuple(Viridis256), "irradiation_kwh_m2": tuple(Viridis256)}
EARTH_RADIUS_M = 6_378_137.0
MONTHS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
             "déc.")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _size(height: int, width: int | None) -> dict:
    """Fixed size when a width is given (notebook layouts), else responsive (dashboards)."""
    if width:
        return {"height": height, "width": width, "responsive": False}
    return {"min_height": height, "responsive": True}


def to_mercator(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 degrees -> Web Mercator metres (EPSG:3857), vectorised.

    Parameters
    ----------
    lon, lat : array_like
        WGS84 longitude and latitude [deg] (latitude clipped to ±85).

    Returns
    -------
    (ndarray, ndarray)
        x, y [m, EPSG:3857].
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.clip(np.asarray(lat, dtype=float), -85.0, 85.0)
    return (np.radians(lon) * EARTH_RADIUS_M,
            np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * EARTH_RADIUS_M)


def cube_heatmap(cube: xr.Dataset, variable: str = "specific_yield_kwh_kwp", *, label: str | None = None,
                 title: str = "", tilt_max: float = 60.0, azimuth_range=(90.0, 270.0),
                 cmap: str = "inferno", height: int = 320, width: int | None = None) -> hv.Image:
    """Heat map of a cube variable over azimuth (x, east 90 -> west 270) x tilt (y, 0 -> ``tilt_max``).

    Parameters
    ----------
    cube : xarray.Dataset
        A yield cube (:func:`~smartidf_analysis.solar.irradiance.yield_cube`).
    variable : str
        A (tilt, azimuth) variable, e.g. ``specific_yield_kwh_kwp`` [kWh/kWp/yr].
    label : str, optional
        Colour bar label; default the variable and its units.
    title : str
        Title.
    tilt_max : float
        Highest tilt shown [deg].
    azimuth_range : (float, float)
        Azimuths shown [deg clockwise from north].
    cmap : str
        Colour map name.
    height : int
        Height [px] (minimum height when responsive).
    width : int, optional
        Fixed width [px] (notebooks); None: responsive.

    Returns
    -------
    holoviews.Image
        The heat map.
    """
    da = cube[variable].sel(tilt=slice(0, tilt_max), azimuth=slice(*azimuth_range))
    da = da.transpose("tilt", "azimuth")
    units = cube[variable].attrs.get("units", "")
    img = hv.Image((da["azimuth"].to_numpy(), da["tilt"].to_numpy(), da.to_numpy()),
                   kdims=[hv.Dimension("azimuth", label="azimuth (°, 180 = south)"),
                          hv.Dimension("tilt", label="tilt (°)")],
                   vdims=[hv.Dimension(variable, label=label or f"{variable} [{units}]")])
    return img.opts(cmap=cmap, colorbar=True, tools=["hover"], title=title,
                    xticks=[90, 135, 180, 225, 270], **_size(height, width))


def monthly_bars(monthly: pd.DataFrame, value: str = "production_kwh", *, label: str = "kWh",
                 title: str = "", lang: str = "fr", color: str = "#1f5c99", height: int = 260) -> hv.Bars:
    """Bars of a monthly table (``month`` 1-12 and ``value``) with month names.

    Parameters
    ----------
    monthly : DataFrame
        ``month`` (1-12) and ``value``, e.g.
        :func:`~smartidf_analysis.solar.roofs.monthly_roof_production`.
    value : str
        Column drawn (e.g. ``production_kwh`` [kWh/month]).
    label : str
        Y-axis label (with the unit).
    title : str
        Title.
    lang : {"fr", "en"}
        Language of the month names.
    color : str
        Bar colour.
    height : int
        Minimum height [px].

    Returns
    -------
    holoviews.Bars
        The bars.
    """
    names = MONTHS_EN if lang == "en" else MONTHS_FR
    data = pd.DataFrame({"month": [names[m - 1] for m in monthly["month"]], value: monthly[value]})
    return hv.Bars(data, kdims=[hv.Dimension("month", label="mois" if lang != "en" else "month")],
                   vdims=[hv.Dimension(value, label=label)]).opts(
        color=color, tools=["hover"], title=title, responsive=True, min_height=height,
        yformatter="%.0f")


def roof_class_map(production: pd.DataFrame, *, height: int = 480,
                   value_label: str = "class") -> PolygonMap:
    """A Bokeh map of the roof footprints of ``production`` (``roof_id``, ``geometry_wkb``),
    built once per roof set and recoloured with :func:`roof_class_values` and
    :func:`roof_class_scale` (outlines not simplified: roofs are a few metres wide).

    Parameters
    ----------
    production : DataFrame
        Roofs with ``roof_id`` and ``geometry_wkb`` (WGS84).
    height : int
        Height [px].
    value_label : str
        Hover label of the value.

    Returns
    -------
    PolygonMap
        The map (values empty until :meth:`PolygonMap.update`).
    """
    return PolygonMap(production, height=height, tolerance=0.0, value_label=value_label,
                      id_column="roof_id", name_column="roof_id", line_color="#555555")


def roof_class_values(roof_map: PolygonMap, production: pd.DataFrame) -> np.ndarray:
    """Class index (0 blue, 1 yellow, 2 red; NaN unknown) of each roof of ``roof_map``.

    Parameters
    ----------
    roof_map : PolygonMap
        From :func:`roof_class_map`.
    production : DataFrame
        ``roof_id`` and ``solar_class``.

    Returns
    -------
    ndarray
        Class index per roof, in the map's ``codes`` order.
    """
    index = {c: float(i) for i, c in enumerate(SOLAR_CLASSES)}
    frame = pd.DataFrame({"roof_id": production["roof_id"].astype(str),
                          "class_index": production["solar_class"].astype(object).map(index)})
    return roof_map.values_for(frame, "class_index", id_column="roof_id")


def roof_class_scale(labels: dict[str, str] | None = None) -> ColorScale:
    """The three-colour class scale of :func:`roof_class_values`, ticks labelled ``labels``
    (class -> text, e.g. translated names).

    Parameters
    ----------
    labels : dict of str to str, optional
        Class -> tick label; default the class names.

    Returns
    -------
    ColorScale
        Blue, yellow, red over -0.5 to 2.5.
    """
    labels = labels or {c: c for c in SOLAR_CLASSES}
    return ColorScale([CLASS_COLORS[c] for c in SOLAR_CLASSES], -0.5, 2.5,
                      ticks={float(i): labels[c] for i, c in enumerate(SOLAR_CLASSES)})


def show_roof_classes(roof_map: PolygonMap, production: pd.DataFrame, *,
                      class_labels: dict[str, str] | None = None,
                      hover: Callable[[pd.DataFrame], list[str]] | None = None,
                      title: str = "") -> np.ndarray:
    """Recolour :func:`roof_class_map` by solar class (:func:`roof_class_values`,
    :func:`roof_class_scale`).

    Parameters
    ----------
    roof_map : PolygonMap
        From :func:`roof_class_map`.
    production : DataFrame
        ``roof_id``, ``solar_class``, ``annual_kwh`` [kWh/yr], ``irradiation_kwh_m2``
        [kWh/m2/yr].
    class_labels : dict of str to str, optional
        Class -> label on the colour bar (e.g. translated); default the class names.
    hover : callable, optional
        ``production`` rows in the map's order -> hover texts; default class, kWh/yr and
        kWh/m²/yr in English.
    title : str
        Map title.

    Returns
    -------
    ndarray
        Class index per roof (:func:`roof_class_values`).
    """
    rows = production.assign(_id=production["roof_id"].astype(str)).drop_duplicates("_id")
    rows = rows.set_index("_id").reindex(roof_map.codes)
    texts = hover(rows) if hover is not None else [
        f"{c if isinstance(c, str) else '—'} · {kwh:,.0f} kWh/yr · {irr:,.0f} kWh/m²/yr"
        for c, kwh, irr in zip(rows["solar_class"].astype(object), rows["annual_kwh"],
                               rows["irradiation_kwh_m2"], strict=True)]
    values = roof_class_values(roof_map, production)
    roof_map.update(values, texts, roof_class_scale(class_labels), title=title)
    return values


def commune_map(communes: pd.DataFrame, *, height: int = 520) -> PolygonMap:
    """The commune map of the solar theme, values empty until :func:`show_commune_values`.

    Parameters
    ----------
    communes : DataFrame
        ``commune_code``, ``commune_name``, ``geometry_wkb`` (WGS84; map units:
        :func:`~smartidf_analysis.solar.io.commune_geometries`).
    height : int
        Height [px].

    Returns
    -------
    PolygonMap
        The map.
    """
    return PolygonMap(communes, height=height)


def show_commune_values(commune_map: PolygonMap, table: pd.DataFrame, column: str, *,
                        label: str = "", title: str | None = None,
                        fmt: Callable[[float, int], str] | None = None,
                        palette: Sequence[str] | None = None) -> np.ndarray:
    """Recolour :func:`commune_map` with ``table[column]`` on a linear scale over its values
    (palette of :data:`COMMUNE_PALETTES`; communes without a value grey).

    Parameters
    ----------
    commune_map : PolygonMap
        From :func:`commune_map`.
    table : DataFrame
        ``commune_code`` and ``column`` (e.g. ``yield_kwh_kwp`` [kWh/kWp/yr],
        ``annual_gwh`` [GWh/yr], ``irradiation_kwh_m2`` [kWh/m2/yr]).
    column : str
        Column coloured.
    label : str
        Hover label (with the unit).
    title : str, optional
        Map title; default ``label``.
    fmt : callable, optional
        ``(value, digits) -> text`` of ticks and hover texts; default ``1,234.5`` style.
    palette : sequence of str, optional
        Colours, low to high; default by ``column``.

    Returns
    -------
    ndarray
        The values shown, in the map's ``codes`` order.
    """
    values = commune_map.values_for(table, column)
    palette = palette or COMMUNE_PALETTES.get(column) or named_palette("YlOrRd")
    commune_map.show_linear(values, palette, fmt=fmt, title=label if title is None else title,
                            value_label=label)
    return values


def roof_points_raster(points: pd.DataFrame, *, title: str = "", height: int = 480,
                       width: int | None = None):
    """Datashader raster of many roofs (``lon``, ``lat``, ``solar_class``): one pixel colour per
    class mix (count_cat), re-aggregated on zoom when served.

    Parameters
    ----------
    points : DataFrame
        ``lon``, ``lat`` [deg], ``solar_class`` (a missing class counts as blue).
    title : str
        Title.
    height : int
        Height [px] (minimum height when responsive).
    width : int, optional
        Fixed width [px] (notebooks); None: responsive.

    Returns
    -------
    holoviews.DynamicMap
        The datashaded points.
    """
    import datashader as ds
    from holoviews.operation.datashader import datashade, dynspread

    x, y = to_mercator(points["lon"], points["lat"])
    frame = pd.DataFrame({"x": x.astype(np.float32), "y": y.astype(np.float32),
                          "solar_class": pd.Categorical(points["solar_class"].astype("string").fillna("blue"),
                                                        categories=list(SOLAR_CLASSES))})
    pts = hv.Points(frame, kdims=["x", "y"], vdims=["solar_class"])
    shaded = dynspread(datashade(pts, aggregator=ds.count_cat("solar_class"), color_key=CLASS_COLORS,
                                 min_alpha=60), threshold=0.6, max_px=2)
    # HoloViews adds the class legend of a categorical datashade (color_key) itself
    return shaded.opts(hv.opts.RGB(xaxis=None, yaxis=None, title=title, active_tools=["wheel_zoom"],
                                   legend_position="bottom_right",
                                   **({"data_aspect": 1} if not width else {}), **_size(height, width)))


def field_image(field: xr.Dataset, *, label: str = "kWh/m²/yr", title: str = "",
                cmap: str = "viridis", height: int = 360, width: int | None = None) -> hv.Image:
    """Annual horizontal irradiation of a regional field over lon x lat [kWh/m2/yr]: the
    measured (PVGIS-fitted) grid's ``irradiation_kwh_m2``, or the MODELLED field of
    :func:`~smartidf_analysis.solar.clearsky.irradiance_field`.

    Parameters
    ----------
    field : xarray.Dataset
        ``irradiation_kwh_m2`` (lat, lon), or a modelled field's monthly ``ghi_kwh_m2``.
    label : str
        Colour bar label.
    title : str
        Title.
    cmap : str
        Colour map name.
    height : int
        Height [px] (minimum height when responsive).
    width : int, optional
        Fixed width [px] (notebooks); None: responsive.

    Returns
    -------
    holoviews.Image
        The field over lon x lat [deg].
    """
    if "irradiation_kwh_m2" in field:
        annual = field["irradiation_kwh_m2"].transpose("lat", "lon")
    else:
        annual = field["ghi_kwh_m2"].sum("month").transpose("lat", "lon").compute()
    img = hv.Image((annual["lon"].to_numpy(), annual["lat"].to_numpy(), annual.to_numpy()),
                   kdims=["lon", "lat"], vdims=[hv.Dimension("ghi_kwh_m2", label=label)])
    return img.opts(cmap=cmap, colorbar=True, tools=["hover"], title=title, **_size(height, width),
                    **({} if width else {"data_aspect": 1 / np.cos(np.radians(48.8))}))


def calibration_points(points: pd.DataFrame, value: str = "irradiation_kwh_m2", *, label: str = "kWh/m²/yr",
                       cmap: str = "viridis", clim: tuple[float, float] | None = None) -> hv.Points:
    """Calibration communes as points coloured by ``value`` (same colour scale as
    :func:`field_image` when ``clim`` is shared), black outline, hover with the commune.

    Parameters
    ----------
    points : DataFrame
        ``lon``, ``lat`` [deg], ``value``, optional ``commune_code`` and ``commune_name``.
    value : str
        Column coloured (e.g. ``irradiation_kwh_m2`` [kWh/m2/yr]).
    label : str
        Its label.
    cmap : str
        Colour map name.
    clim : (float, float), optional
        Colour limits, in the units of ``value``.

    Returns
    -------
    holoviews.Points
        The points.
    """
    cols = [value] + [c for c in ("commune_code", "commune_name") if c in points.columns]
    pts = hv.Points(points, kdims=["lon", "lat"], vdims=[hv.Dimension(value, label=label), *cols[1:]])
    return pts.opts(color=value, cmap=cmap, size=6, line_color="black", tools=["hover"],
                    **({"clim": clim} if clim else {}))
