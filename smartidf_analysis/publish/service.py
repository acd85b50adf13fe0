"""The open-data service: the pygeoapi configuration of the current build, its OpenAPI
document, and the server (``smartidf publish``).

:func:`pygeoapi_config` writes one collection per entry of
:data:`~smartidf_analysis.publish.collections.COLLECTIONS` (title, description with the
sources, vintages and licences of the build's ``provenance`` table, licence and source links,
spatial extent, keywords) and the telecentre-siting process; :func:`write_files` writes it
with the OpenAPI document pygeoapi generates from it (``pygeoapi.openapi.get_oas``, the
Python form of ``pygeoapi openapi generate``); :func:`serve` runs pygeoapi's Flask
application (``pygeoapi.flask_app.APP``) under **waitress**, a production WSGI server
(multi-threaded, pure Python, no Flask development server).

Limits: a page holds at most :data:`MAX_ITEMS` features (a larger ``limit`` is cut to it),
:data:`DEFAULT_ITEMS` when no ``limit`` is given; the siting process stops its exact solver
at :data:`smartidf_analysis.publish.process.TIME_LIMIT_S` seconds.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

from smartidf_analysis import __version__
from smartidf_analysis.errors import SmartidfError
from smartidf_analysis.publish import io
from smartidf_analysis.publish.collections import COLLECTIONS
from smartidf_analysis.publish.guard import guard
from smartidf_analysis.publish.openapi import self_contained
from smartidf_analysis.publish.provider import prepared

DEFAULT_ITEMS = 100
MAX_ITEMS = 5000
#: licence pages of the licences the catalogue uses
LICENCE_URLS = {
    "Licence Ouverte / Etalab 2.0": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "ODbL 1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
}
#: Île-de-France in WGS84 [deg]: the extent of collections without geometry
REGION_BBOX = [1.44, 48.12, 3.56, 49.24]


def _extent(name: str) -> list[float]:
    bounds = prepared(name).bounds
    if bounds is None or np.isnan(bounds[:, 0]).all():
        return REGION_BBOX
    return [round(float(np.nanmin(bounds[:, 0])), 6), round(float(np.nanmin(bounds[:, 1])), 6),
            round(float(np.nanmax(bounds[:, 2])), 6), round(float(np.nanmax(bounds[:, 3])), 6)]


def _resource(name: str) -> dict:
    """The pygeoapi resource of collection ``name``, its metadata from the provenance."""
    c = COLLECTIONS[name]
    prov = io.provenance(list(c.tables)).drop_duplicates("dataset_id")
    synthetic = bool(prov["synthetic"].any()) if len(prov) else False
    sources = "; ".join(f"{r.title} ({r.producer}, vintage {r.vintage}, licence {r.licence}"
                        + (", MISSING from this build: its columns are empty" if
                           r.origin == "missing" else "") + ")"
                        for r in prov.itertuples())
    description = f"{c.description} Sources: {sources or 'none in this build'}."
    if synthetic:
        description = "SYNTHETIC demo region, not real data. " + description
    links = []
    for licence in sorted(set(prov["licence"].dropna()) & set(LICENCE_URLS)):
        links.append({"type": "text/html", "rel": "license", "title": licence,
                      "href": LICENCE_URLS[licence]})
    for r in prov.itertuples():
        if isinstance(r.url, str) and r.url.startswith(("http://", "https://")):
            links.append({"type": "application/octet-stream", "rel": "via",
                          "title": f"source: {r.title}, vintage {r.vintage}", "href": r.url})
    provider = {"type": "feature", "name": "smartidf_analysis.publish.provider.CollectionProvider",
                "data": name, "id_field": c.id_field}
    return {"type": "collection",
            "title": c.title + (" (synthetic)" if synthetic else ""),
            "description": description, "keywords": list(c.keywords), "links": links,
            "extents": {"spatial": {"bbox": _extent(name),
                                    "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
            "providers": [provider]}


def pygeoapi_config(url: str, address: str, port: int) -> dict:
    """The pygeoapi configuration for the current build, served at ``url``. A collection the
    build cannot give (the project's own error, e.g. a missing dataset) is left out, said on
    stderr.

    Parameters
    ----------
    url : str
        The public URL of the service.
    address : str
        The address the server binds.
    port : int
        The port the server listens on.

    Returns
    -------
    dict
        The pygeoapi configuration (``server``, ``logging``, ``metadata``, ``resources``).
    """
    resources = {}
    for name in COLLECTIONS:
        try:
            resources[name] = _resource(name)
        except SmartidfError as err:
            print(f"smartidf publish: collection {name} not published: {err}", file=sys.stderr)
    resources["telecentre-siting"] = {
        "type": "process",
        "processor": {"name": "smartidf_analysis.publish.process.SitingProcessor"}}
    return {
        "server": {
            "bind": {"host": address, "port": port}, "url": url,
            "mimetype": "application/json; charset=UTF-8", "encoding": "utf-8",
            "languages": ["en-US"], "pretty_print": False,
            "limits": {"default_items": DEFAULT_ITEMS, "max_items": MAX_ITEMS,
                       "on_exceed": "throttle"},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                    "attribution": "&copy; OpenStreetMap contributors"},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": "smartidf open data",
                "description": "Harmonised open data of Île-de-France and derived indicators "
                               "(fibre, commuting, telecentres, solar) from smartidf-analysis "
                               f"{__version__}.",
                "keywords": ["Île-de-France", "open data", "fibre", "commuting", "solar"],
                "keywords_type": "theme", "terms_of_service": "", "url": url},
            "license": {"name": "Each collection's licence (see its links)", "url": url},
            "provider": {"name": "smartidf-analysis", "url": url},
            "contact": {"name": "smartidf-analysis maintainers", "url": url},
        },
        "resources": resources,
    }


def write_files(folder: Path, url: str, address: str, port: int) -> tuple[Path, Path]:
    """Write ``pygeoapi-config.yml`` and ``openapi.json`` into ``folder``; returns both paths.

    Parameters
    ----------
    folder : pathlib.Path
        An existing folder.
    url : str
        The public URL of the service.
    address : str
        The address the server binds.
    port : int
        The port the server listens on.

    Returns
    -------
    config_file : pathlib.Path
        ``folder/pygeoapi-config.yml``.
    openapi_file : pathlib.Path
        ``folder/openapi.json``.

    Raises
    ------
    ValueError
        If pygeoapi's OpenAPI document holds an unknown external reference (see
        :func:`~smartidf_analysis.publish.openapi.self_contained`).
    """
    from pygeoapi.openapi import get_oas

    config = pygeoapi_config(url, address, port)
    config_file, openapi_file = folder / "pygeoapi-config.yml", folder / "openapi.json"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False),
                           encoding="utf-8")
    openapi_file.write_text(json.dumps(self_contained(get_oas(config))), encoding="utf-8")
    return config_file, openapi_file


def startup_message(url: str, config: dict) -> str:
    """The line ``smartidf publish`` prints when it starts: the URL and what it serves (the
    collections of ``config``, not those left out of it).

    Parameters
    ----------
    url : str
        The public URL of the service.
    config : dict
        The pygeoapi configuration (:func:`pygeoapi_config`).

    Returns
    -------
    str
        ``"smartidf publish: OGC API at URL (collections: ...; process: ...)"``.
    """
    resources = config["resources"]
    served = [name for name, r in resources.items() if r["type"] == "collection"]
    processes = [name for name, r in resources.items() if r["type"] == "process"]
    return (f"smartidf publish: OGC API at {url} (collections: {', '.join(served) or 'none'}; "
            f"process: {', '.join(processes) or 'none'})")


def serve(port: int = 5050, address: str = "127.0.0.1", url: str | None = None,
          threads: int = 8) -> int:
    """Serve the current build at ``address:port`` until interrupted; returns the exit status
    (1 with a one-line message when the port is busy).

    Parameters
    ----------
    port : int, default 5050
        The port to listen on.
    address : str, default "127.0.0.1"
        The address to bind.
    url : str, optional
        The public URL (e.g. behind a proxy); default ``http://<address>:<port>``.
    threads : int, default 8
        Worker threads of waitress.

    Returns
    -------
    int
        0 after a normal stop, 1 when the port cannot be bound.
    """
    import socket

    import waitress

    url = url or f"http://{address}:{port}"
    with socket.socket() as probe:  # say a busy port now, not after reading the collections
        try:
            probe.bind((address, port))
        except OSError as err:
            print(f"smartidf publish: cannot listen on {address}:{port}: {err.strerror}",
                  file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory(prefix="smartidf-publish-") as folder:
        config_file, openapi_file = write_files(Path(folder), url, address, port)
        # pygeoapi's Flask app reads both files when imported: these two variables are how
        # pygeoapi is configured (its documented interface), set just before the import
        os.environ["PYGEOAPI_CONFIG"] = str(config_file)
        os.environ["PYGEOAPI_OPENAPI"] = str(openapi_file)
        from pygeoapi.flask_app import APP

        config = yaml.safe_load(config_file.read_text(encoding="utf-8"))
        print(startup_message(url, config), flush=True)
        try:
            waitress.serve(guard(APP), host=address, port=port, threads=threads, ident="smartidf")
        except OSError as err:
            print(f"smartidf publish: cannot listen on {address}:{port}: {err.strerror}",
                  file=sys.stderr)
            return 1
    return 0
