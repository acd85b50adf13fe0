"""pygeoapi feature provider over the project's collections
(:data:`smartidf_analysis.publish.collections.COLLECTIONS`).

Each collection's rows are read once per database build through
:mod:`smartidf_analysis.publish.io` (named queries, read-only, bound parameters) and kept in
memory with their geometries; a request then filters, sorts and pages that frame. No request
value ever reaches SQL or a path: property filters, ``properties=`` and ``sortby=`` are
checked against the collection's fields (the whitelist; pygeoapi drops other names), values
are converted to the field's type (a value that does not convert is a 400 with a message),
``bbox`` is numbers.

Configured in pygeoapi's YAML as::

    providers:
      - type: feature
        name: smartidf_analysis.publish.provider.CollectionProvider
        data: communes            # a key of COLLECTIONS
        id_field: commune_code
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from pygeoapi.provider.base import (
    BaseProvider,
    ProviderInvalidQueryError,
    ProviderItemNotFoundError,
)

from smartidf_analysis.publish import io
from smartidf_analysis.publish.collections import COLLECTIONS, Collection


@dataclass
class Prepared:
    """One collection of one build, ready to serve: ``frame`` (the properties, for filters and
    sorting), ``values`` (each column as an array of JSON-ready Python values, None where
    missing: a page is cut from them without pandas), ``fields`` (name -> JSON type), per-row
    GeoJSON ``geometries`` (None without geometry), shapely ``shapes`` and their ``bounds``
    (n × 4) for ``bbox``, and row positions by identifier.

    Parameters
    ----------
    frame : pandas.DataFrame
        The collection's properties (without ``geometry_wkb``).
    values : dict of str to numpy.ndarray
        Each column as an object array of JSON-ready values.
    fields : dict of str to dict
        Field name -> ``{"type": <JSON type>}``.
    geometries : list of dict or None
        Per-row GeoJSON geometry (None for a row without one), or None for a collection
        without geometry.
    shapes : numpy.ndarray or None
        Per-row shapely geometries.
    bounds : numpy.ndarray or None
        Per-row (minx, miny, maxx, maxy) [deg, WGS84], shape (n, 4).
    positions : dict of str to int
        Row position by identifier.
    """

    frame: pd.DataFrame
    values: dict[str, np.ndarray]
    fields: dict[str, dict]
    geometries: list | None
    shapes: np.ndarray | None
    bounds: np.ndarray | None
    positions: dict[str, int]


def _json_type(dtype) -> str:
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "number"
    return "string"


def _point(lon: float, lat: float) -> dict | None:
    if math.isnan(lon) or math.isnan(lat):
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def prepare(collection: Collection) -> Prepared:
    """Load ``collection``'s frame and make its geometries (once per build, see
    :func:`prepared`).

    Parameters
    ----------
    collection : Collection
        The collection to load.

    Returns
    -------
    Prepared
        Its served form.
    """
    frame = collection.load().reset_index(drop=True)
    geometries = shapes = bounds = None
    if collection.geometry == "wkb":
        wkb = [None if b is None or b is pd.NA or (isinstance(b, float) and math.isnan(b))
               else bytes(b) for b in frame["geometry_wkb"]]
        shapes = shapely.from_wkb(np.array(wkb, dtype=object), on_invalid="ignore")
        geometries = [None if g is None else shapely.geometry.mapping(g) for g in shapes]
        frame = frame.drop(columns="geometry_wkb")
    elif collection.geometry == "point":
        lon, lat = frame["lon"].to_numpy(float), frame["lat"].to_numpy(float)
        shapes = shapely.points(lon, lat)
        geometries = [_point(x, y) for x, y in zip(lon.tolist(), lat.tolist(), strict=True)]
    if shapes is not None:
        bounds = shapely.bounds(shapes)
    fields = {name: {"type": _json_type(frame[name].dtype)} for name in frame.columns}
    ids = frame[collection.id_field].astype(str).tolist()
    return Prepared(frame, {name: _json_values(frame[name]) for name in frame.columns}, fields,
                    geometries, shapes, bounds, {value: i for i, value in enumerate(ids)})


def _json_values(column: pd.Series) -> np.ndarray:
    """``column`` as an object array of Python values (int, float, bool, str), None where
    missing."""
    values = np.empty(len(column), dtype=object)
    values[:] = column.astype(object).to_numpy().tolist()
    values[column.isna().to_numpy()] = None
    return values


def prepared(name: str) -> Prepared:
    """The served form of collection ``name`` for the current build.

    Parameters
    ----------
    name : str
        A key of :data:`~smartidf_analysis.publish.collections.COLLECTIONS`.

    Returns
    -------
    Prepared
        The served form, cached per build.
    """
    return io.cached(f"prepared:{name}", lambda: prepare(COLLECTIONS[name]))


def _typed(name: str, kind: str, text: str):
    """``text`` (a query parameter) as a value of a field of JSON type ``kind``."""
    try:
        if kind == "integer":
            return int(text)
        if kind == "number":
            value = float(text)
            if not math.isfinite(value):
                raise ValueError
            return value
    except ValueError:
        raise ProviderInvalidQueryError(
            user_msg=f"{name}: {text!r} is not a valid {kind}") from None
    if kind == "boolean":
        lowered = str(text).lower()
        if lowered not in ("true", "false", "1", "0"):
            raise ProviderInvalidQueryError(user_msg=f"{name}: {text!r} is not true or false")
        return lowered in ("true", "1")
    return str(text)


class CollectionProvider(BaseProvider):
    """A project collection as an OGC API – Features provider (read-only).

    Parameters
    ----------
    provider_def : dict
        The provider's entry of pygeoapi's configuration; its ``data`` is a key of
        :data:`~smartidf_analysis.publish.collections.COLLECTIONS`.

    Raises
    ------
    RuntimeError
        If ``data`` names no collection.
    """

    def __init__(self, provider_def):
        super().__init__(provider_def)
        if self.data not in COLLECTIONS:
            raise RuntimeError(f"unknown collection {self.data!r}; known: {sorted(COLLECTIONS)}")
        self.collection = COLLECTIONS[self.data]
        self.id_field = self.collection.id_field
        self.served = prepared(self.data)
        self._fields = self.served.fields

    def get_fields(self) -> dict:
        """Field names and JSON types of the collection's properties.

        Returns
        -------
        dict of str to dict
            Field name -> ``{"type": "string" | "number" | "integer" | "boolean"}``.
        """
        return self.served.fields

    # ------------------------------------------------------------------ selection
    def _mask(self, properties, bbox) -> np.ndarray:
        frame, served = self.served.frame, self.served
        mask = np.ones(len(frame), dtype=bool)
        for name, text in properties or ():
            if name not in served.fields:
                raise ProviderInvalidQueryError(user_msg=f"unknown property {name!r}")
            value = _typed(name, served.fields[name]["type"], text)
            mask &= (frame[name] == value).fillna(False).to_numpy(dtype=bool)
        if bbox:
            if served.shapes is None:
                raise ProviderInvalidQueryError(
                    user_msg=f"collection {self.data!r} has no geometry: bbox does not apply")
            minx, miny, maxx, maxy = (float(v) for v in (bbox[:2] + bbox[3:5]
                                                         if len(bbox) == 6 else bbox))
            if minx > maxx or miny > maxy:
                raise ProviderInvalidQueryError(user_msg="bbox: minimum above maximum")
            b = served.bounds
            near = mask & ~(b[:, 0] > maxx) & ~(b[:, 2] < minx) & ~(b[:, 1] > maxy) \
                & ~(b[:, 3] < miny)
            near &= ~np.isnan(b[:, 0])
            hits = np.flatnonzero(near)
            box = shapely.box(minx, miny, maxx, maxy)
            mask = np.zeros(len(frame), dtype=bool)
            mask[hits[shapely.intersects(served.shapes[hits], box)]] = True
        return mask

    def _order(self, rows: np.ndarray, sortby) -> np.ndarray:
        if not sortby:
            return rows
        part = self.served.frame.iloc[rows]
        names = [s["property"] for s in sortby]
        unknown = [n for n in names if n not in self.served.fields]
        if unknown:
            raise ProviderInvalidQueryError(user_msg=f"unknown sort property {unknown[0]!r}")
        order = part.assign(_row=rows).sort_values(
            names, ascending=[s["order"] != "-" for s in sortby], kind="stable",
            na_position="last")
        return order["_row"].to_numpy()

    def _features(self, rows, select_properties=None, skip_geometry=False) -> list[dict]:
        served = self.served
        columns = [c for c in served.frame.columns
                   if not select_properties or c in select_properties]
        cut = [served.values[c][rows].tolist() for c in columns]
        records = [dict(zip(columns, row, strict=True)) for row in zip(*cut, strict=True)] \
            if columns else [{} for _ in rows]
        ids = [str(v) for v in served.values[self.id_field][rows].tolist()]
        geometries = served.geometries
        return [{"type": "Feature", "id": fid,
                 "geometry": None if skip_geometry or geometries is None else geometries[row],
                 "properties": props}
                for fid, row, props in zip(ids, rows.tolist(), records, strict=True)]

    # ------------------------------------------------------------------- pygeoapi
    def query(self, offset=0, limit=10, resulttype="results", bbox=None, datetime_=None,
              properties=None, sortby=None, select_properties=None, skip_geometry=False,
              q=None, filterq=None, **kwargs) -> dict:
        """A page of features: ``properties`` (name, text) pairs are equality filters on
        whitelisted fields, ``bbox`` intersects the geometry, ``sortby`` orders, then
        ``offset``/``limit`` page (pygeoapi caps ``limit`` at the configured maximum).

        Parameters
        ----------
        offset : int, default 0
            Index of the first matched feature returned.
        limit : int, default 10
            Number of features at most.
        resulttype : {"results", "hits"}
            Features, or only the number matched.
        bbox : list of float, optional
            (minx, miny, maxx, maxy) or the 6-number 3-D form [deg, WGS84].
        datetime_ : str, optional
            Not supported (must be None).
        properties : list of (str, str), optional
            (field, value) equality filters.
        sortby : list of dict, optional
            ``{"property": name, "order": "+" | "-"}`` items.
        select_properties : list of str, optional
            Properties returned (default all).
        skip_geometry : bool, default False
            Return features without geometry.
        q : str, optional
            Not supported (must be None).
        filterq : object, optional
            Not supported (must be None).
        **kwargs
            Other arguments pygeoapi passes (ignored).

        Returns
        -------
        dict
            A GeoJSON FeatureCollection with ``numberMatched`` and ``numberReturned``.

        Raises
        ------
        pygeoapi.provider.base.ProviderInvalidQueryError
            For an unknown property, a value that does not convert to its field's type, a bad
            ``bbox``, or ``datetime_``, ``q`` or ``filterq`` given.
        """
        if datetime_ is not None:
            raise ProviderInvalidQueryError(user_msg="datetime does not apply: no time field")
        if q is not None:
            raise ProviderInvalidQueryError(user_msg="q (free-text search) is not supported")
        if filterq is not None:
            raise ProviderInvalidQueryError(
                user_msg="CQL2 filters are not supported: use property filters (name=value)")
        rows = self._order(np.flatnonzero(self._mask(properties, bbox or [])), sortby)
        matched = len(rows)
        if resulttype == "hits":
            return {"type": "FeatureCollection", "features": [], "numberMatched": matched,
                    "numberReturned": 0}
        page = rows[int(offset): int(offset) + int(limit)]
        features = self._features(page, select_properties, skip_geometry)
        return {"type": "FeatureCollection", "features": features, "numberMatched": matched,
                "numberReturned": len(features)}

    def get(self, identifier, **kwargs) -> dict:
        """One feature by its identifier (the collection's ``id_field``).

        Parameters
        ----------
        identifier : str
            The feature's identifier.
        **kwargs
            Other arguments pygeoapi passes (ignored).

        Returns
        -------
        dict
            A GeoJSON Feature.

        Raises
        ------
        pygeoapi.provider.base.ProviderItemNotFoundError
            If no feature has this identifier.
        """
        row = self.served.positions.get(str(identifier))
        if row is None:
            raise ProviderItemNotFoundError(user_msg=f"no feature {identifier!r} in {self.data}")
        return self._features(np.array([row]))[0]

    def __repr__(self):
        return f"<CollectionProvider> {self.data}"
