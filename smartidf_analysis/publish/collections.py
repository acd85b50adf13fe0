"""The collections of the open-data service: what each one holds, where its rows come from
(:mod:`smartidf_analysis.publish.io`), the tables whose provenance gives its source, vintage
and licence, its identifier and its geometry.

A collection's fields (names and JSON types) are those of its frame: they are the whitelist
of property filters, ``properties=`` and ``sortby=`` (:mod:`smartidf_analysis.publish.provider`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from smartidf_analysis.publish import io


@dataclass(frozen=True)
class Collection:
    """One OGC API – Features collection.

    ``geometry``: "wkb" (the ``geometry_wkb`` column, WGS84), "point" (``lon``/``lat``
    [deg, WGS84]) or None (a table without geometry).

    Parameters
    ----------
    id : str
        The collection's identifier in the service's URLs (``/collections/<id>``).
    title : str
        Its title.
    description : str
        What it holds, with units; the sources of the build are appended when served.
    load : callable
        A function of no argument returning the collection's rows as a pandas frame (a function
        of :mod:`smartidf_analysis.publish.io`).
    tables : tuple of str
        The database tables whose provenance rows give the sources, vintages and licences.
    id_field : str
        The column that identifies a feature.
    geometry : {"wkb", "point", None}
        See above.
    keywords : tuple of str
        Keywords of the collection's metadata.
    """

    id: str
    title: str
    description: str
    load: Callable[[], pd.DataFrame]
    tables: tuple[str, ...]
    id_field: str
    geometry: str | None
    keywords: tuple[str, ...] = ()


COLLECTIONS: dict[str, Collection] = {c.id: c for c in [
    Collection(
        "communes", "Communes of Île-de-France with indicators",
        "Every current commune (INSEE COG) and the 20 Paris arrondissements (kind ARM, parent "
        "75056), with groupings, population 2023, area, density and indicators: FttH coverage "
        "rate at the latest ARCEP quarter (fraction, raw: may exceed 1; empty = no data), "
        "commuting indicators from INSEE MOBPRO 2014 (resident workers, jobs, self-containment, "
        "mean home-to-work distance, public transport and car shares) and the modelled specific "
        "yield of a 35° south-facing reference roof [kWh/kWp/yr].",
        io.communes, ("communes", "departments", "fibre_deployment", "premises",
                      "commuting_flows"),
        "commune_code", "wkb", ("communes", "indicators", "fibre", "commuting", "solar")),
    Collection(
        "fibre_coverage", "FttH coverage per commune and quarter",
        "ARCEP FttH deployment per reporting unit (2018 commune, Paris as 75056; or Paris "
        "arrondissement) and quarter: connectable premises, premises (dwellings + "
        "establishments, ARCEP 2018T1), coverage rate (fraction, raw) and ARCEP class. "
        "commune_code is the current COG code; join to the communes collection on it.",
        io.fibre_quarters, ("fibre_deployment", "premises"), "unit_quarter", None,
        ("fibre", "broadband", "ARCEP")),
    Collection(
        "commuting_flows", "Home-to-work flows between communes by mode",
        "INSEE census 2014 MOBPRO flows inside Île-de-France per home commune, work commune and "
        "mode (DOMICILE works at home, NM no motor, TC public transport, VP car/motorbike): "
        "workers are sums of survey weights (decimals); distance_km is crow-fly between "
        "Lambert-93 centroids. Paris as arrondissements.",
        io.commuting_flows, ("commuting_flows",), "flow_id", None,
        ("commuting", "mobility", "INSEE")),
    Collection(
        "telecentre_sites", "Proposed and existing telecentre sites",
        "Sites of the default telecentre scenario (status proposed: rail stations chosen by the "
        "maximal covering model on the modelled telework demand, with the daily users and seats "
        "they serve) and existing third places imported with `smartidf data import-sites` "
        "(status existing). Run the telecentre-siting process for other settings.",
        io.telecentre_sites, ("stations", "commuting_flows", "fibre_deployment",
                              "existing_sites"),
        "site_id", "point", ("telecentres", "telework", "siting")),
    Collection(
        "solar_communes", "Rooftop solar potential per commune",
        "Per map unit (Paris by arrondissement): annual horizontal irradiation of the shipped "
        "PVGIS-fitted field at the centroid [kWh/m2/yr], and the MODELLED plane irradiation "
        "[kWh/m2/yr] and specific yield [kWh/kWp/yr] of an unshaded 35° south-facing reference "
        "roof (NSRDB Paris typical year scaled by the field).",
        io.solar_communes, ("communes", "irradiance_hourly"), "commune_code", "wkb",
        ("solar", "photovoltaics", "irradiation")),
    Collection(
        "gpe_stations", "Grand Paris Express stations",
        "Stations of the Grand Paris Express (lines 14 extension, 15 to 18) as planned by the "
        "Société du Grand Paris in 2016, with their lines, interconnection flag and commune.",
        io.gpe_stations, ("gpe_stations",), "station_code", "point",
        ("Grand Paris Express", "stations", "transport")),
]}
