"""The service's OpenAPI document: pygeoapi's own (``pygeoapi.openapi.get_oas``), made
self-contained.

pygeoapi 0.21 points the building blocks of the OGC standards (responses such as
``Features`` or ``InvalidParameter``, the ``featureId`` and ``sortby`` parameters, the
Processes ``execute`` schema) at ``schemas.opengis.net`` and GitHub by ``$ref``: a client
without the internet (QGIS on a closed network, schemathesis in CI) cannot resolve them.
:func:`self_contained` replaces each such reference by a local component of the same name
(``#/components/.../ogc_<name>``) written here from the OGC API – Features Part 1 and
Processes Part 1 requirements (GeoJSON feature collections and features, the exception
object, links); a reference it does not know is an error, so a pygeoapi upgrade that adds
one is noticed by the tests rather than served half-resolved.
"""

from __future__ import annotations

import copy

_LINK = {"type": "object", "required": ["href"],
         "properties": {"href": {"type": "string"}, "rel": {"type": "string"},
                        "type": {"type": "string"}, "title": {"type": "string"},
                        "hreflang": {"type": "string"}}}
_LINKS = {"type": "array", "items": {"$ref": "#/components/schemas/ogc_link"}}
_GEOMETRY_TYPES = ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon",
                   "MultiPolygon", "GeometryCollection"]
SCHEMAS = {
    "ogc_link": _LINK,
    "ogc_exception": {"type": "object", "description": "an error code and a description",
                      "properties": {"code": {"type": "string"}, "type": {"type": "string"},
                                     "title": {"type": "string"},
                                     "description": {"type": "string"}}},
    "ogc_geometry": {"type": "object", "nullable": True, "required": ["type"],
                     "properties": {"type": {"type": "string", "enum": _GEOMETRY_TYPES},
                                    "coordinates": {"type": "array"},
                                    "geometries": {"type": "array"}}},
    "ogc_feature": {"type": "object", "required": ["type", "geometry", "properties"],
                    "properties": {"type": {"type": "string", "enum": ["Feature"]},
                                   "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                                   "geometry": {"$ref": "#/components/schemas/ogc_geometry"},
                                   "properties": {"type": "object", "nullable": True},
                                   "links": _LINKS}},
    "ogc_featureCollection": {
        "type": "object", "required": ["type", "features"],
        "properties": {"type": {"type": "string", "enum": ["FeatureCollection"]},
                       "features": {"type": "array",
                                    "items": {"$ref": "#/components/schemas/ogc_feature"}},
                       "links": _LINKS, "timeStamp": {"type": "string", "format": "date-time"},
                       "numberMatched": {"type": "integer", "minimum": 0},
                       "numberReturned": {"type": "integer", "minimum": 0}}},
    "ogc_landingPage": {"type": "object", "required": ["links"],
                        "properties": {"title": {"type": "string"},
                                       "description": {"type": "string"}, "links": _LINKS}},
    "ogc_collection": {"type": "object", "required": ["id", "links"],
                       "properties": {"id": {"type": "string"}, "title": {"type": "string"},
                                      "description": {"type": "string"}, "links": _LINKS,
                                      "extent": {"type": "object"},
                                      "itemType": {"type": "string"},
                                      "crs": {"type": "array", "items": {"type": "string"}}}},
    "ogc_processList": {"type": "object", "required": ["processes", "links"],
                        "properties": {"processes": {"type": "array",
                                                     "items": {"type": "object"}},
                                       "links": _LINKS}},
    "ogc_statusInfo": {"type": "object", "required": ["jobID", "status"],
                       "properties": {"jobID": {"type": "string"},
                                      "status": {"type": "string"}}},
    "ogc_execute": {"type": "object",
                    "properties": {"inputs": {"type": "object"}, "outputs": {"type": "object"},
                                   "response": {"type": "string", "enum": ["raw", "document"]},
                                   "subscriber": {"type": "object"}}},
}


def _content(schema: str, json_type: str = "application/json") -> dict:
    return {json_type: {"schema": {"$ref": f"#/components/schemas/{schema}"}},
            "text/html": {"schema": {"type": "string"}}}


RESPONSES = {
    "ogc_LandingPage": {"description": "the landing page", "content": _content("ogc_landingPage")},
    "ogc_Collection": {"description": "a collection", "content": _content("ogc_collection")},
    "ogc_Features": {"description": "a page of features",
                     "content": _content("ogc_featureCollection", "application/geo+json")},
    "ogc_Feature": {"description": "one feature",
                    "content": _content("ogc_feature", "application/geo+json")},
    "ogc_InvalidParameter": {"description": "a parameter is not valid",
                             "content": _content("ogc_exception")},
    "ogc_NotFound": {"description": "no such resource", "content": _content("ogc_exception")},
    "ogc_ServerError": {"description": "a server error", "content": _content("ogc_exception")},
    "ogc_ProcessList": {"description": "the processes", "content": _content("ogc_processList")},
    "ogc_ExecuteAsync": {"description": "the job started",
                         "content": _content("ogc_statusInfo")},
}
PARAMETERS = {
    "ogc_featureId": {"name": "featureId", "in": "path", "required": True,
                      "description": "local identifier of a feature", "schema": {"type": "string"}},
    "ogc_sortby": {"name": "sortby", "in": "query", "required": False, "style": "form",
                   "explode": False, "description": "comma-separated properties, each with an "
                   "optional + (ascending) or - (descending) prefix",
                   "schema": {"type": "array", "items": {"type": "string"}}},
}
#: external reference -> local component
_FEATURES = "https://schemas.opengis.net/ogcapi/features/part1/1.0/openapi/ogcapi-features-1.yaml"
_PROCESSES = "https://schemas.opengis.net/ogcapi/processes/part1/1.0/openapi"
LOCAL = {
    **{f"{_FEATURES}#/components/responses/{n}": f"#/components/responses/ogc_{n}"
       for n in ("LandingPage", "Collection", "Features", "Feature", "InvalidParameter",
                 "NotFound", "ServerError")},
    f"{_FEATURES}#/components/parameters/featureId": "#/components/parameters/ogc_featureId",
    "https://raw.githubusercontent.com/opengeospatial/ogcapi-records/master/core/openapi/"
    "parameters/sortby.yaml": "#/components/parameters/ogc_sortby",
    **{f"{_PROCESSES}/responses/{n}.yaml": f"#/components/responses/ogc_{n}"
       for n in ("NotFound", "ServerError", "ProcessList", "ExecuteAsync")},
    f"{_PROCESSES}/schemas/exception.yaml": "#/components/schemas/ogc_exception",
    f"{_PROCESSES}/schemas/execute.yaml": "#/components/schemas/ogc_execute",
    "https://schemas.opengis.net/ogcapi/tiles/part1/1.0/openapi/ogcapi-tiles-1.yaml"
    "#/components/schemas/link": "#/components/schemas/ogc_link",
}


def external_refs(node) -> set[str]:
    """Every ``$ref`` of ``node`` that points outside the document.

    Parameters
    ----------
    node : dict, list or any JSON value
        A part of an OpenAPI document.

    Returns
    -------
    set of str
        The references that do not start with ``#``.
    """
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and not value.startswith("#"):
                found.add(value)
            else:
                found |= external_refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= external_refs(value)
    return found


def _replace(node):
    if isinstance(node, dict):
        return {k: (LOCAL[v] if k == "$ref" and v in LOCAL else _replace(v))
                for k, v in node.items()}
    if isinstance(node, list):
        return [_replace(v) for v in node]
    return node


def self_contained(document: dict) -> dict:
    """A copy of pygeoapi's OpenAPI ``document`` whose references all resolve inside it;
    raises ValueError naming any external reference not in :data:`LOCAL`.

    Parameters
    ----------
    document : dict
        An OpenAPI document (``pygeoapi.openapi.get_oas``).

    Returns
    -------
    dict
        The copy, with the components of :data:`SCHEMAS`, :data:`RESPONSES` and
        :data:`PARAMETERS` added.

    Raises
    ------
    ValueError
        If ``document`` holds an external reference not in :data:`LOCAL`.
    """
    unknown = sorted(external_refs(document) - set(LOCAL))
    if unknown:
        raise ValueError(f"OpenAPI references with no local copy: {unknown}")
    out = _replace(copy.deepcopy(document))
    components = out.setdefault("components", {})
    components.setdefault("schemas", {}).update(copy.deepcopy(SCHEMAS))
    components.setdefault("responses", {}).update(copy.deepcopy(RESPONSES))
    components.setdefault("parameters", {}).update(copy.deepcopy(PARAMETERS))
    return out
