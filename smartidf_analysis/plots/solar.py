"""HoloViews builders of the solar theme (no Panel): yield-cube heat map, monthly bars, roof
maps coloured by red / yellow / blue class (polygons for building extracts, Datashader
rasters above :data:`RASTER_THRESHOLD` roofs), the modelled irradiance field; and the
Bokeh roof map of the dashboard (:func:`roof_class_map`, a
:class:`~smartidf_analysis.plots.polygon_map.PolygonMap` recoloured in place).

Maps are in Web Mercator without tiles (offline), like :mod:`smartidf_analysis.plots.maps`.
"""

from __future__ import annotations

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401 - registers the Bokeh backend for .opts()
import numpy as np
import pandas as pd
import xarray as xr

from smartidf_analysis.solar.roofs import CLASS_COLORS, SOLAR_CLASSES

from .maps import mercator_paths
from .polygon_map import ColorScale, PolygonMap

RASTER_THRESHOLD = 50_000  # roofs above which the map is rasterised (Datashader)
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


def _class_labels(series: pd.Series) -> np.ndarray:
    return pd.Categorical(series.astype("string").fillna("blue"), categories=list(SOLAR_CLASSES)).astype(str)


def roof_polygons(production: pd.DataFrame, *, title: str = "", height: int = 480,
                  hover=("roof_id", "annual_kwh", "irradiation_kwh_m2")) -> hv.Polygons:
    """Roof footprints (``geometry_wkb``, WGS84) coloured by ``solar_class``; supports ``tap``.

    Parameters
    ----------
    production : DataFrame
        Roofs with ``roof_id``, ``geometry_wkb``, ``solar_class`` and the ``hover`` columns.
    title : str
        Title.
    height : int
        Minimum height [px].
    hover : sequence of str
        Columns shown on hover.

    Returns
    -------
    holoviews.Polygons
        The footprints (a missing class is drawn blue).
    """
    frame = production[production["geometry_wkb"].notna()]
    paths = mercator_paths(frame["roof_id"].astype(str).tolist(), frame["geometry_wkb"].tolist())
    classes = _class_labels(frame["solar_class"])
    data = []
    for path, cls, (_, row) in zip(paths, classes, frame.iterrows(), strict=True):
        item = dict(path)
        item["solar_class"] = cls
        for h in hover:
            item[h] = row[h]
        data.append(item)
    polys = hv.Polygons(data, vdims=["solar_class", *hover])
    return polys.opts(color="solar_class", cmap=CLASS_COLORS, line_color="#555555", line_width=0.3,
                      tools=["hover", "tap"], nonselection_alpha=0.35, xaxis=None, yaxis=None,
                      responsive=True, min_height=height, data_aspect=1, title=title,
                      show_legend=True, legend_position="bottom_right", active_tools=["wheel_zoom"])


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


def value_scale(values, palette, label) -> tuple[ColorScale, int]:
    """A linear scale over the finite ``values`` (all missing: 0-1) with five ticks labelled
    ``label(value, digits)``, and the decimal digits that suit its span.

    Parameters
    ----------
    values : array_like
        Values to colour.
    palette : sequence of str
        Colours, low to high.
    label : callable
        ``(value, digits) -> text`` of a tick.

    Returns
    -------
    (ColorScale, int)
        The scale and the decimal digits (0, 1 or 2).
    """
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if high <= low:
        high = low + 1.0
    digits = 0 if high - low >= 20 else 1 if high - low >= 2 else 2
    ticks = {float(t): label(float(t), digits) for t in np.linspace(low, high, 5)}
    return ColorScale(list(palette), low, high, ticks=ticks), digits


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


def roof_map(production: pd.DataFrame, *, title: str = "", height: int = 480,
             threshold: int = RASTER_THRESHOLD, width: int | None = None):
    """Polygons when the table has ``geometry_wkb`` and at most ``threshold`` roofs, else a
    Datashader raster of roof positions.

    Parameters
    ----------
    production : DataFrame
        Roofs (``solar_class``; ``geometry_wkb`` for polygons, ``lon``, ``lat`` for the
        raster).
    title : str
        Title.
    height : int
        Height [px].
    threshold : int
        Most roofs drawn as polygons.
    width : int, optional
        Fixed width of the raster [px].

    Returns
    -------
    holoviews.Polygons or holoviews.DynamicMap
        :func:`roof_polygons` or :func:`roof_points_raster`.
    """
    if "geometry_wkb" in production.columns and len(production) <= threshold:
        return roof_polygons(production, title=title, height=height)
    return roof_points_raster(production, title=title, height=height, width=width)


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
