"""2.5D building view: the deck.gl JSON specification of a roof table, buildings extruded by
their height and coloured by solar class (red / yellow / blue), for ``pn.pane.DeckGL``
(deck.gl's JavaScript ships with Panel, so the view works offline) or any deck.gl JSON client.

Pure functions of frames: :func:`footprint_rings` turns WKB footprints into outer rings
[lon, lat], :func:`deck_spec` builds the specification (one ``PolygonLayer`` with
``extruded``; no base map, so nothing is fetched from a tile server), and
:func:`picked_roof` maps a deck.gl click (``index`` in the layer's rows) back to the roof.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from smartidf_analysis.solar.roofs import CLASS_COLORS

LAYER_ID = "buildings"
DEFAULT_HEIGHT_M = 6.0  # [m] drawn for a building of unknown height (two floors)
UNKNOWN_COLOR = (150, 150, 150)
PITCH_DEG = 50.0
BEARING_DEG = -20.0


def _rgb(hex_color: str) -> list[int]:
    return [int(hex_color[i:i + 2], 16) for i in (1, 3, 5)]


def footprint_rings(geometry_wkb, *, digits: int = 6) -> list[list[list[float]]]:
    """Outer ring of each footprint (the largest part of a multipolygon) as ``[[lon, lat], ...]``
    [deg], rounded to ``digits`` decimals (1e-6 deg is about 0.1 m).

    Parameters
    ----------
    geometry_wkb : iterable of bytes
        WKB footprints, WGS84.
    digits : int
        Decimals kept [deg].

    Returns
    -------
    list
        One ring per footprint, a list of ``[lon, lat]`` [deg] (empty for an empty geometry).
    """
    import shapely

    geoms = shapely.from_wkb([bytes(b) for b in geometry_wkb])
    parts, owner = shapely.get_parts(geoms, return_index=True)
    area = shapely.area(parts)
    order = np.lexsort((-area, owner))  # per owner, the largest part first
    first = order[np.r_[True, owner[order][1:] != owner[order][:-1]]]
    rings = shapely.get_exterior_ring(parts[first])
    coords, ring_idx = shapely.get_coordinates(rings, return_index=True)
    coords = np.round(coords, digits)
    bounds = np.searchsorted(ring_idx, np.arange(len(rings) + 1))
    out: list[list[list[float]]] = [[] for _ in range(len(geoms))]
    for k, g in enumerate(owner[first]):
        out[g] = coords[bounds[k]:bounds[k + 1]].tolist()
    return out


def _zoom(lon_span: float, lat_span: float, lat: float, width_px: float = 900) -> float:
    """Web-Mercator zoom fitting the spans [deg] into about ``width_px`` pixels."""
    metres = max(lon_span * 111_320 * math.cos(math.radians(lat)), lat_span * 110_540, 50.0)
    return float(np.clip(math.log2(156_543.03 * math.cos(math.radians(lat)) * width_px / metres), 3, 19))


def deck_layer_frame(roofs: pd.DataFrame, *, default_height_m: float = DEFAULT_HEIGHT_M) -> pd.DataFrame:
    """The layer's rows: ``roof_id``, ``polygon`` (outer ring), ``height_m`` drawn [m] (the
    building's, else ``default_height_m``), ``color`` [r, g, b] of ``solar_class``, and the
    tooltip's ``class_label``, ``annual_kwh`` and ``kwh_m2`` (rounded for display).

    Parameters
    ----------
    roofs : DataFrame
        As for :func:`deck_spec`.
    default_height_m : float
        Height drawn for a building of unknown height [m].

    Returns
    -------
    DataFrame
        ``roof_id``, ``polygon``, ``height_m`` [m], ``color``, ``class_label``,
        ``annual_kwh`` [kWh/yr], ``kwh_m2`` (plane irradiation) [kWh/m2/yr].
    """
    height = pd.to_numeric(roofs.get("height_m"), errors="coerce") if "height_m" in roofs else None
    height = (height if height is not None else pd.Series(np.nan, index=roofs.index)).fillna(default_height_m)
    classes = (roofs["solar_class"].astype("string") if "solar_class" in roofs
               else pd.Series(pd.NA, index=roofs.index, dtype="string"))
    colors = {k: _rgb(v) for k, v in CLASS_COLORS.items()}
    kwh = pd.to_numeric(roofs.get("annual_kwh", np.nan), errors="coerce")
    irr = pd.to_numeric(roofs.get("irradiation_kwh_m2", np.nan), errors="coerce")
    return pd.DataFrame({
        "roof_id": roofs["roof_id"].astype(str).to_numpy(),
        "polygon": footprint_rings(roofs["geometry_wkb"]),
        "height_m": np.round(height.to_numpy(dtype=float), 1),
        "color": [colors.get(c, list(UNKNOWN_COLOR)) if isinstance(c, str) else list(UNKNOWN_COLOR)
                  for c in classes],
        "class_label": classes.fillna("-").to_numpy(dtype=object),
        "annual_kwh": np.round(np.asarray(kwh, dtype=float)),
        "kwh_m2": np.round(np.asarray(irr, dtype=float)),
    })


def deck_spec(roofs: pd.DataFrame, *, default_height_m: float = DEFAULT_HEIGHT_M,
              pitch: float = PITCH_DEG, bearing: float = BEARING_DEG) -> dict:
    """The deck.gl JSON specification of ``roofs`` (``roof_id``, ``geometry_wkb`` WGS84,
    ``height_m`` [m], ``solar_class``, ``annual_kwh`` [kWh/yr], ``irradiation_kwh_m2``):
    one extruded, pickable ``PolygonLayer`` (id :data:`LAYER_ID`; its ``data`` is the frame
    of :func:`deck_layer_frame`, row ``i`` = ``roofs.iloc[i]``), a ``MapView`` with a
    controller, the view centred on the roofs at ``pitch`` / ``bearing`` [deg], no base map
    (``mapStyle`` null: Panel then creates no Mapbox map, which would need a token and tiles).

    Parameters
    ----------
    roofs : DataFrame
        The roofs (columns above, and ``lon``, ``lat`` [deg] for the view).
    default_height_m : float
        Height drawn for a building of unknown height [m].
    pitch, bearing : float
        Camera pitch and bearing [deg].

    Returns
    -------
    dict
        The deck.gl JSON specification.

    Raises
    ------
    ValueError
        When ``roofs`` is empty.
    """
    if len(roofs) == 0:
        raise ValueError("no roofs to draw")
    data = deck_layer_frame(roofs, default_height_m=default_height_m)
    lon, lat = pd.to_numeric(roofs["lon"]), pd.to_numeric(roofs["lat"])
    view = {"longitude": float(lon.mean()), "latitude": float(lat.mean()),
            "zoom": _zoom(float(lon.max() - lon.min()), float(lat.max() - lat.min()), float(lat.mean())),
            "pitch": float(pitch), "bearing": float(bearing), "maxZoom": 20}
    layer = {
        "@@type": "PolygonLayer", "id": LAYER_ID, "data": data,
        "getPolygon": "@@=polygon", "getElevation": "@@=height_m", "getFillColor": "@@=color",
        "getLineColor": [60, 60, 60], "lineWidthMinPixels": 1, "extruded": True, "wireframe": True,
        "pickable": True, "autoHighlight": True, "highlightColor": [0, 0, 0, 90],
    }
    return {"initialViewState": view, "layers": [layer],
            "views": [{"@@type": "MapView", "controller": {"doubleClickZoom": False}}], "mapStyle": None}


def picked_roof(click_state: dict, roofs: pd.DataFrame) -> pd.Series | None:
    """The row of ``roofs`` a deck.gl click picked (``click_state["index"]`` on layer
    :data:`LAYER_ID`), or None (a click on the ground or another layer).

    Parameters
    ----------
    click_state : dict
        ``pn.pane.DeckGL.click_state`` (``layer``, ``index``).
    roofs : DataFrame
        The roofs the specification was built from, in the same order.

    Returns
    -------
    Series or None
        The picked roof's row.
    """
    click_state = click_state or {}  # Panel's DeckGL.click_state before any click
    index = click_state.get("index")
    if click_state.get("layer") != LAYER_ID or not isinstance(index, int) or not 0 <= index < len(roofs):
        return None
    return roofs.iloc[index]
