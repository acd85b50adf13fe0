"""OGC API – Processes: the telecentre siting of
:func:`smartidf_analysis.telecentres.scenarios.run_scenario` as a pygeoapi process.

Inputs (all optional, defaults of :class:`~smartidf_analysis.telecentres.demand.Scenario`):
``p`` new sites [count, 1–:data:`MAX_SITES`, at most the number of candidate stations],
``radius`` catchment radius [km, :data:`RADIUS_RANGE_KM`], ``objective`` "coverage"
(maximal covering location, demand within the radius) or "distance" (p-median, least
user-weighted distance), ``method`` "greedy" (default) or "exact" (HiGHS MILP, stopped at
:data:`TIME_LIMIT_S` seconds: the run's time limit, reported in ``status`` and ``mip_gap``).
A bad input is a 400 whose message names it. Output: the chosen ``sites`` as a GeoJSON
FeatureCollection (points, WGS84) and the scenario's ``kpis``.

Runs synchronously in the server's worker thread, on the telecentre inputs of the current
build (read once per build through :mod:`smartidf_analysis.publish.io`).
"""

from __future__ import annotations

import math

import numpy as np
from pygeoapi.process.base import BaseProcessor, ProcessorExecuteError

from smartidf_analysis.publish import io
from smartidf_analysis.siting import SitingSettingsError
from smartidf_analysis.telecentres.demand import DEFAULT
from smartidf_analysis.telecentres.scenarios import run_scenario

MAX_SITES = 500
RADIUS_RANGE_KM = (0.5, 30.0)
#: the longest an exact solve may run [s]; greedy runs take well under a second here
TIME_LIMIT_S = 20.0
OBJECTIVES = {"coverage": "mclp", "distance": "pmedian"}
METHODS = {"greedy": "greedy", "exact": "milp"}
SITE_PROPERTIES = ["rank", "site_id", "station_name", "commune_code", "lines", "status",
                   "daily_users", "seats", "teleworkers", "communes_served", "mean_distance_km",
                   "coverage_rate"]

PROCESS_METADATA = {
    "version": "0.1.0",
    "id": "telecentre-siting",
    "title": "Telecentre siting",
    "description": (
        "Chooses p rail stations as telecentre sites for the modelled telework demand of "
        "Île-de-France (INSEE MOBPRO 2014 flows, ARCEP fibre, IDFM stations): maximal "
        "covering within a radius, or p-median. Returns the sites and the scenario's KPIs "
        "(daily users, seats, km, CO2 and hours avoided per year)."),
    "jobControlOptions": ["sync-execute"],
    "keywords": ["telecentres", "telework", "siting", "MCLP", "p-median"],
    "links": [],
    "inputs": {
        "p": {"title": "New sites", "description": f"number of sites to open (1 to {MAX_SITES})",
              "schema": {"type": "integer", "minimum": 1, "maximum": MAX_SITES,
                         "default": DEFAULT.n_sites},
              "minOccurs": 0, "maxOccurs": 1},
        "radius": {"title": "Catchment radius [km]",
                   "description": "crow-fly distance from home within which a site serves",
                   "schema": {"type": "number", "minimum": RADIUS_RANGE_KM[0],
                              "maximum": RADIUS_RANGE_KM[1], "default": DEFAULT.radius_km},
                   "minOccurs": 0, "maxOccurs": 1},
        "objective": {"title": "Objective",
                      "description": "coverage: maximal covering location; distance: p-median",
                      "schema": {"type": "string", "enum": list(OBJECTIVES),
                                 "default": "coverage"},
                      "minOccurs": 0, "maxOccurs": 1},
        "method": {"title": "Method",
                   "description": f"greedy heuristic, or exact MILP stopped at {TIME_LIMIT_S:g} s",
                   "schema": {"type": "string", "enum": list(METHODS), "default": "greedy"},
                   "minOccurs": 0, "maxOccurs": 1},
    },
    "outputs": {
        "result": {"title": "Sites and KPIs",
                   "description": "sites: GeoJSON FeatureCollection; kpis: object",
                   "schema": {"type": "object", "contentMediaType": "application/json"}},
    },
    "example": {"inputs": {"p": 20, "radius": 5, "objective": "coverage"}},
}


def _bad(message: str) -> ProcessorExecuteError:
    return ProcessorExecuteError(user_msg=message)


def _native(value):
    """A JSON value: numpy scalars as Python ones, NaN as None."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def scenario_of(data: dict):
    """The :class:`Scenario` of the request's inputs; raises ProcessorExecuteError (400)
    naming the first bad input.

    Parameters
    ----------
    data : dict
        The request's inputs: ``p``, ``radius`` [km], ``objective``, ``method`` (all optional).

    Returns
    -------
    smartidf_analysis.telecentres.demand.Scenario
        The default scenario with these inputs, exact solves limited to :data:`TIME_LIMIT_S`.

    Raises
    ------
    pygeoapi.process.base.ProcessorExecuteError
        For an unknown or out-of-range input.
    """
    if not isinstance(data, dict):
        raise _bad("inputs must be an object")
    unknown = sorted(set(data) - set(PROCESS_METADATA["inputs"]))
    if unknown:
        raise _bad(f"unknown input(s) {unknown}; known: {sorted(PROCESS_METADATA['inputs'])}")
    p = data.get("p", DEFAULT.n_sites)
    if isinstance(p, bool) or not isinstance(p, int) or not 1 <= p <= MAX_SITES:
        raise _bad(f"p must be an integer from 1 to {MAX_SITES}, not {p!r}")
    radius = data.get("radius", DEFAULT.radius_km)
    if (isinstance(radius, bool) or not isinstance(radius, int | float)
            or not RADIUS_RANGE_KM[0] <= radius <= RADIUS_RANGE_KM[1]):
        raise _bad(f"radius must be a number of km from {RADIUS_RANGE_KM[0]} to "
                   f"{RADIUS_RANGE_KM[1]}, not {radius!r}")
    objective = data.get("objective", "coverage")
    if objective not in OBJECTIVES:
        raise _bad(f"objective must be one of {list(OBJECTIVES)}, not {objective!r}")
    method = data.get("method", "greedy")
    if method not in METHODS:
        raise _bad(f"method must be one of {list(METHODS)}, not {method!r}")
    return DEFAULT.but(n_sites=p, radius_km=float(radius), model=OBJECTIVES[objective],
                       method=METHODS[method], time_limit_s=TIME_LIMIT_S)


def siting(data: dict) -> dict:
    """Run the siting for the request's inputs: ``{"sites": FeatureCollection, "kpis": {}}``.

    Parameters
    ----------
    data : dict
        The request's inputs (see :func:`scenario_of`).

    Returns
    -------
    dict
        ``sites``: a GeoJSON FeatureCollection of points (WGS84) with the properties of
        :data:`SITE_PROPERTIES`; ``kpis``: the scenario's KPIs (NaN as null).

    Raises
    ------
    pygeoapi.process.base.ProcessorExecuteError
        For a bad input, ``p`` above the number of candidate stations, or settings the
        location model rejects.
    """
    scenario = scenario_of(data)
    inputs = io.telecentre_inputs()
    candidates = int(inputs.candidates(scenario)["candidate"].sum())
    if scenario.n_sites > candidates:
        raise _bad(f"p = {scenario.n_sites} is more than the {candidates} candidate stations")
    try:
        result = run_scenario(inputs, scenario)
    except SitingSettingsError as err:
        raise _bad(str(err)) from None
    sites = result.sites
    features = [{"type": "Feature", "id": str(row["site_id"]),
                 "geometry": {"type": "Point",
                              "coordinates": [float(row["lon"]), float(row["lat"])]},
                 "properties": {k: _native(row[k]) for k in SITE_PROPERTIES if k in row}}
                for _, row in sites.iterrows()]
    kpis = {k: _native(v) for k, v in result.kpis.items()}
    return {"sites": {"type": "FeatureCollection", "features": features}, "kpis": kpis}


class SitingProcessor(BaseProcessor):
    """pygeoapi processor of the telecentre siting (configured as ``processor: {name:
    smartidf_analysis.publish.process.SitingProcessor}``).

    Parameters
    ----------
    processor_def : dict
        The processor's entry of pygeoapi's configuration.
    """

    def __init__(self, processor_def):
        super().__init__(processor_def, PROCESS_METADATA)

    def execute(self, data, outputs=None):
        """Run the siting for the request's inputs (see :func:`siting`); returns pygeoapi's
        ``(mimetype, result)``.

        Parameters
        ----------
        data : dict
            The request's inputs (see :func:`scenario_of`).
        outputs : dict, optional
            Requested outputs (ignored: there is one).

        Returns
        -------
        mimetype : str
            ``"application/json"``.
        result : dict
            :func:`siting`'s result.
        """
        return "application/json", siting(data)

    def __repr__(self):
        return "<SitingProcessor> telecentre-siting"
