"""The ``smartidf`` command: ``data list | fetch | build | export | import-sites |
import-buildings``, ``serve``, ``publish``, ``solar fit-field``, ``notebooks run | copy``, ``scheduler``,
``report territory|territories``.

The commands that compute (``serve``, ``notebooks run``, ``scheduler``) first print which
Dask scheduler they use (:func:`smartidf_analysis.data.compute.describe`).

Errors of the project's own kind (bad input, missing files) are printed as one line naming
the file, line and column, with exit status 1 and no traceback. ``data fetch`` and
``data build`` exit with status 3 (:data:`EXIT_INCOMPLETE`) when some official datasets
could not be had: the build still wrote every table it could and lists the others.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from smartidf_analysis import __version__, config
from smartidf_analysis.errors import SmartidfError

#: exit status of a fetch or build that could not get every official dataset
EXIT_INCOMPLETE = 3


def _data_list(args: argparse.Namespace) -> int:
    from smartidf_analysis.data import catalog, fetch

    rows = fetch.status()
    mirror = config.mirror_dir()
    print(f"mirror: {mirror or '(SMARTIDF_MIRROR not set)'}; downloads: {config.download_dir()}"
          + (f" (from {config.download_mirror()})" if config.download_mirror() else ""))
    headers = ("id", "vintage", "producer", "licence", "status", "mb", "file")
    widths = [max(len(h), *(len(str(r[h])) for r in rows)) for h in headers]
    widths[2] = min(widths[2], 34)
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(str(r[h])[:w].ljust(w) for h, w in zip(headers, widths, strict=True)))
    present = sum(r["status"] in ("mirror", "cache") for r in rows)
    to_get = [r["id"] for r in rows if r["status"] == "downloadable"]
    files = {dl.url: dl.size for ds_id in to_get for dl in catalog.get(ds_id).downloads}
    print(f"{present}/{len(rows)} datasets present locally; {len(to_get)} downloadable "
          f"({len(files)} files, {sum(files.values()) / 1e6:.1f} MB: `smartidf data fetch`)")
    return 0


def _print_missing(missing: dict[str, str]) -> None:
    from smartidf_analysis.data.build import uses_of

    for ds_id, reason in missing.items():
        tables, pages, notebooks = uses_of(ds_id)
        print(f"missing: {ds_id}: {reason}\n  feeds tables: {', '.join(tables) or '-'}; pages: "
              f"{', '.join(pages) or '-'}; notebooks: {', '.join(notebooks) or '-'}",
              file=sys.stderr)


def _data_fetch(args: argparse.Namespace) -> int:
    from smartidf_analysis.data import fetch

    report = fetch.fetch_all(verify=not args.no_verify, progress=not args.quiet)
    for ds_id, loc in report.found.items():
        if args.verbose:
            print(f"{ds_id}: {loc.origin} {loc.path}")
    print(f"{len(report.found)}/{len(report.found) + len(report.missing)} datasets present "
          f"({report.downloaded_bytes / 1e6:.1f} MB downloaded into {config.download_dir()})")
    _print_missing({k: str(v) for k, v in report.missing.items()})
    return EXIT_INCOMPLETE if report.missing else 0


def _data_build(args: argparse.Namespace) -> int:
    from smartidf_analysis.data.build import build

    if args.france:
        if not args.synthetic:
            raise SmartidfError("--france builds the France-scale SYNTHETIC region: add --synthetic")
        from smartidf_analysis.data.synthetic.france import build_france

        n = build_france(config.db_path(), scale=args.scale, seed=args.seed)
        print(f"built {config.db_path()} from the SYNTHETIC France-scale region (scale "
              f"{args.scale:g}): {n['communes']:,} communes, {n['records']:,} commute records; "
              f"use {n['roofs']:,} roofs for the solar stock")
        return 0
    synthetic = True if args.synthetic else None
    result = build(synthetic=synthetic, scale=args.scale, seed=args.seed,
                   verify=not args.no_verify, force=args.force, progress=not args.quiet)
    print(result.message)
    if result.synthetic:
        from smartidf_analysis.data.synthetic.region import SYNTHETIC_NOTICE

        print(f"NOTE: {SYNTHETIC_NOTICE}")
    if result.incomplete:
        _print_missing(result.missing)
        print(f"INCOMPLETE build: {len(result.missing)} dataset(s) missing (exit status "
              f"{EXIT_INCOMPLETE}); the pages and notebooks that need them say so.",
              file=sys.stderr)
        return EXIT_INCOMPLETE
    return 0


def _data_import_sites(args: argparse.Namespace) -> int:
    from smartidf_analysis.data.existing_sites import import_sites

    mapping = {}
    for item in args.column or ():
        canonical, sep, header = item.partition("=")
        if not sep:
            print(f"error: --column {item!r}: use canonical=Header (e.g. name=Nom du lieu)",
                  file=sys.stderr)
            return 2
        mapping[canonical.strip()] = header.strip()
    sites = import_sites(args.path, column_map=mapping, replace=args.replace,
                         licence=args.licence)
    print(f"imported {len(sites):,} sites from {args.path} into {config.db_path()} "
          f"(table existing_sites; provenance: sha256 {sites['file_sha256'].iloc[0][:12]}…)")
    return 0


def _import_buildings(args: argparse.Namespace) -> int:
    from smartidf_analysis.solar.buildings_import import import_buildings

    print(import_buildings(args.path, args.layer).message)
    return 0


def _data_export(args: argparse.Namespace) -> int:
    from smartidf_analysis.data.export import export

    print(export(args.to).message)
    return 0


def _scheduler() -> None:
    """Say which Dask scheduler the command's computations use (connecting when
    ``SMARTIDF_DASK_ADDRESS`` is set: an unreachable scheduler stops the command here)."""
    from smartidf_analysis.data import compute

    print(compute.describe(), file=sys.stderr)
    if config.parquet_export():
        print(f"Tables read from the Parquet export at {config.parquet_export()}",
              file=sys.stderr)


def _serve(args: argparse.Namespace) -> int:
    from smartidf_analysis.apps.serve import serve
    from smartidf_analysis.data import compute

    def announce() -> None:  # once the database, settings and port are checked
        _scheduler()
        compute.close()  # the server's processes make their own Client; this one stays idle

    return serve(args, announce=announce)


def _publish(args: argparse.Namespace) -> int:
    try:
        from smartidf_analysis.publish.service import serve
    except ModuleNotFoundError as err:
        print(f"error: smartidf publish needs the publish extra ({err.name} is missing): "
              "pip install 'smartidf-analysis[publish]'", file=sys.stderr)
        return 1
    return serve(port=args.port, address=args.address, url=args.url)


def _notebooks_run(args: argparse.Namespace) -> int:
    from smartidf_analysis.reporting.reports import notebook_paths, run_notebooks

    folder = args.source or config.NOTEBOOKS_DIR
    paths = notebook_paths(folder)
    if not paths:
        raise SmartidfError(f"no notebooks (*.ipynb) to run in {folder}")
    _scheduler()
    return run_notebooks(out=args.out, notebooks=paths, jobs=args.jobs)


def _notebooks_copy(args: argparse.Namespace) -> int:
    from smartidf_analysis.reporting.shipped_notebooks import copy_notebooks

    written = copy_notebooks(args.folder, overwrite=args.force)
    count = sum(p.suffix == ".ipynb" for p in written)
    print(f"copied {count} notebooks ({len(written)} files) into {args.folder}; run them with "
          f"`smartidf notebooks run --from {args.folder}`, or open them in JupyterLab")
    return 0


def _report_territory(args: argparse.Namespace) -> int:
    from smartidf_analysis.apps.territoire.report import write_report

    print(f"wrote {write_report(args.code, args.out, args.level, args.format, args.lang)}")
    return 0


def _report_territories(args: argparse.Namespace) -> int:
    from smartidf_analysis.apps.territoire.report import write_level

    written = write_level(args.level, args.out, args.format, args.lang)
    print(f"wrote {len(written)} reports in {args.out}")
    return 0


def _dask_info(args: argparse.Namespace) -> int:
    _scheduler()
    return 0


def _solar_fit_field(args: argparse.Namespace) -> int:
    from smartidf_analysis.solar.io import fit_field_file

    print(f"wrote {fit_field_file(args.calibration, args.out)}")
    return 0


def parser() -> argparse.ArgumentParser:
    """The argument parser of the ``smartidf`` command.

    Returns
    -------
    argparse.ArgumentParser
        The parser, each sub-command's handler in its ``func`` default.
    """
    p = argparse.ArgumentParser(prog="smartidf", description=__doc__.splitlines()[0])
    p.add_argument("--version", action="version", version=f"smartidf {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="the open-data catalogue and the database build")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    data_sub.add_parser("list", help="list the catalogue and which files are present"
                        ).set_defaults(func=_data_list)
    f = data_sub.add_parser("fetch", help="download the official files (no build)")
    f.add_argument("--verbose", action="store_true", help="say where each dataset is")
    f.set_defaults(func=_data_fetch)
    b = data_sub.add_parser("build", help="build data/smartidf.duckdb (atomic)")
    b.add_argument("--synthetic", action="store_true", help="build the synthetic demo region")
    b.add_argument("--scale", type=float, default=1.0, help="population multiplier (synthetic); "
                   "with --france, K x 2,200 communes and K x 1.9 M commute records")
    b.add_argument("--france", action="store_true", help="the France-scale synthetic region "
                   "(--scale 16: about 35,000 communes, 30 M commute records)")
    b.add_argument("--seed", type=int, default=0, help="random seed (synthetic)")
    b.add_argument("--force", action="store_true", help="rebuild even if inputs are unchanged")
    b.set_defaults(func=_data_build)
    imp = data_sub.add_parser(
        "import-sites", help="add existing sites (tiers-lieux, coworking) from a CSV or GeoJSON",
        description="Validate and store existing sites (columns and the France Tiers-Lieux / "
                    "OpenStreetMap mappings: smartidf_analysis.data.existing_sites). Atomic: "
                    "a bad file leaves the database untouched.")
    imp.add_argument("path", help="CSV or GeoJSON file of sites")
    imp.add_argument("--column", action="append", metavar="CANONICAL=HEADER",
                     help="map a header to name, lat, lon, latlon, seats, opening_year, source "
                          "or source_ref (repeatable)")
    imp.add_argument("--replace", action="store_true", help="replace every stored site")
    imp.add_argument("--licence", default="as declared by the file's producer",
                     help="licence recorded in the provenance table")
    imp.set_defaults(func=_data_import_sites)
    bimp = data_sub.add_parser("import-buildings", help="import an IGN BD TOPO batiment layer "
                              "(GeoPackage) as roofs into the database (atomic)")
    bimp.add_argument("path", help="GeoPackage (e.g. IGN's BD TOPO of one department)")
    bimp.add_argument("--layer", default=None, help="layer name (default: batiment, or bdtopo_batiment)")
    bimp.set_defaults(func=_import_buildings)
    e = data_sub.add_parser("export", help="write the tables as Parquet files partitioned by "
                            "department, for Dask workers on other machines")
    e.add_argument("--to", required=True, metavar="PATH_OR_URL",
                   help="a folder (local or shared) or an fsspec URL (s3://..., gcs://...)")
    e.set_defaults(func=_data_export)
    for command in (f, b):
        command.add_argument("--no-verify", action="store_true",
                             help="accept mirror files whose sha256 differs from the catalogue")
        command.add_argument("--quiet", action="store_true", help="no progress bar")

    s = sub.add_parser("serve", help="serve the dashboards with panel serve")
    s.add_argument("--port", type=int, default=5006)
    s.add_argument("--address", default="127.0.0.1")
    s.add_argument("--allow-websocket-origin", action="append", default=None,
                   help="host[:port] allowed to open websockets (default: address:port)")
    s.add_argument("--auth", choices=["none", "basic", "oauth"], default="none")
    s.add_argument("--num-procs", type=int, default=None,
                   help="server processes sharing the port (panel --num-procs; default and 0: "
                        "one per core, see apps/serve.server_processes). Callbacks run on "
                        "each process's event loop")
    s.add_argument("--unused-session-lifetime", type=int, default=60_000,
                   help="ms after which a closed session's memory is released")
    s.add_argument("--check-unused-sessions", type=int, default=10_000,
                   help="ms between checks for unused sessions")
    s.add_argument("--no-liveness", dest="liveness", action="store_false",
                   help="no /liveness endpoint (default: GET /liveness answers 200 while the "
                        "server runs, for load balancers; no login needed)")
    s.add_argument("--use-xheaders", action="store_true",
                   help="behind a reverse proxy (deploy/nginx.conf): the visitor's address and "
                        "scheme come from its X-Forwarded-For / X-Real-Ip / X-Forwarded-Proto "
                        "headers; listen only where the proxy alone can reach")
    s.add_argument("--show", action="store_true", help="open a browser")
    s.add_argument("--dev", action="store_true", help="autoreload")
    s.set_defaults(func=_serve)

    pub = sub.add_parser("publish", help="serve the tables and indicators as OGC API - Features "
                         "and Processes (pygeoapi under waitress; the publish extra)")
    pub.add_argument("--port", type=int, default=5050)
    pub.add_argument("--address", default="127.0.0.1")
    pub.add_argument("--url", default=None,
                     help="the public URL clients use (behind a proxy); default http://ADDRESS:PORT")
    pub.set_defaults(func=_publish)

    solar = sub.add_parser("solar", help="solar theme data")
    solar = solar.add_subparsers(dest="solar_command", required=True)
    f = solar.add_parser("fit-field", help="regenerate the shipped PVGIS irradiation field (byte-identical "
                         "from the mirror's calibration cut)")
    f.add_argument("--calibration", default=None,
                   help="PVGIS CSV (default: the catalogue's solairesimple_pvgis_irradiation, fetched: "
                        "the mirror's cut, else the download cache, else downloaded)")
    f.add_argument("--out", default=None, help="output CSV (default: the package's shipped file)")
    f.set_defaults(func=_solar_fit_field)

    sub.add_parser("scheduler", help="say which Dask scheduler is used (SMARTIDF_DASK_ADDRESS) "
                   "and check that it answers").set_defaults(func=_dask_info)

    nb = sub.add_parser("notebooks", help="run the notebook studies, or copy them to edit")
    nb_sub = nb.add_subparsers(dest="nb_command", required=True)
    r = nb_sub.add_parser("run", help="execute every notebook to stamped HTML reports")
    r.add_argument("--out", default="reports", help="output folder")
    r.add_argument("--from", dest="source", default=None, metavar="DIR",
                   help="run the notebooks of DIR (e.g. a `smartidf notebooks copy`) instead of "
                        "the package's")
    r.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="notebooks run at once, each in its own kernel (default: one per core)")
    r.set_defaults(func=_notebooks_run)
    c = nb_sub.add_parser("copy", help="copy the study notebooks (and their example files) "
                          "into a folder of your own")
    c.add_argument("folder", metavar="DIR", help="target folder (created when missing)")
    c.add_argument("--force", action="store_true", help="replace files already there")
    c.set_defaults(func=_notebooks_copy)

    rep = sub.add_parser("report", help="printable territory reports (\"Mon territoire\")")
    rep_sub = rep.add_subparsers(dest="report_command", required=True)
    levels = ["commune", "epci", "ept", "department"]
    one = rep_sub.add_parser("territory", help="the report of one commune, EPCI, EPT or department")
    one.add_argument("code", help="INSEE code (commune, department) or SIREN (EPCI, EPT)")
    one.add_argument("--level", choices=levels, default=None, help="level (default: from the code)")
    one.add_argument("--format", choices=["pdf", "html"], default="pdf")
    one.add_argument("--lang", choices=["fr", "en"], default="fr")
    one.add_argument("--out", required=True, help="output file")
    one.set_defaults(func=_report_territory)
    many = rep_sub.add_parser("territories", help="one report per territory of a level")
    many.add_argument("--level", choices=levels, required=True)
    many.add_argument("--format", choices=["pdf", "html"], default="pdf")
    many.add_argument("--lang", choices=["fr", "en"], default="fr")
    many.add_argument("--out", required=True, help="output folder")
    many.set_defaults(func=_report_territories)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``smartidf`` console script.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        The sub-command's exit status (0 on success), 1 after a project error (printed as
        one line), :data:`EXIT_INCOMPLETE` when a fetch or build could not get every
        official dataset, 130 when interrupted; argparse exits with 2 on bad arguments.
    """
    args = parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except SmartidfError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
