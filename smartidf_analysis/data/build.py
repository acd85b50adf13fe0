"""Build the DuckDB database: fetch -> read -> harmonise -> validate -> write -> rename.

Over 400 lines: the code is under 400; the numpydoc sections of the docstrings (parameters,
returned columns and their units) are the rest.

The database is written to a temporary file next to the target and renamed over it only
when everything succeeded, so a failed build leaves the previous database byte-identical.
The imported sites are carried over and the file renamed under the database's write lock
(:func:`smartidf_analysis.data.db.write_lock`), so an import running at the same time is
never lost; served sessions keep reading the build they opened on until they end.
A build whose inputs (file checksums), package version and schema are unchanged is a
no-op that says so. ``synthetic=True`` builds the deterministic demo region instead.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from smartidf_analysis import __version__, config
from smartidf_analysis.data import catalog, db, fetch, harmonise
from smartidf_analysis.data.schema import MISSING_DATASETS_COLUMNS, TABLES
from smartidf_analysis.errors import FetchError, SourceFormatError

#: tables carrying commune codes: table -> ({target: source column}, measure, mode).
#: mode "remap" rewrites old codes to current ones (the source code stays in its own
#: column); "report" keeps the codes (values such as medians cannot be summed when two
#: old communes merged) and only lists the codes absent from the current COG.
CODE_COLUMNS: dict[str, tuple[dict[str, str], str | None, str]] = {
    "fibre_deployment": ({"commune_code": "commune_code_2018"}, "connectable_premises", "remap"),
    "premises": ({"commune_code": "commune_code_2018"}, "dwellings", "remap"),
    "commuting_flows": ({"home_code": "home_code_2014", "work_code": "work_code_2014"}, "workers",
                        "remap"),
    "gpe_stations": ({"commune_code": "commune_code"}, None, "remap"),
    "incomes": ({"commune_code": "commune_code"}, "households", "report"),
    "commune_census_2021": ({"commune_code": "commune_code"}, "population_2021", "report"),
}


#: the reference datasets the ``communes`` table is assembled from
COMMUNE_INPUTS = ("insee_cog_2026", "ign_communes_2018", "paris_arrondissements",
                  "insee_population_2023", "dgcl_epci_2025", "insee_ept_2025")


def required_datasets(table: str) -> set[str]:
    """Ids of the datasets that ``table`` cannot be built without.

    Parameters
    ----------
    table : str
        A canonical table name.

    Returns
    -------
    set of str
        Dataset ids of the catalogue.
    """
    if table == "communes":
        return set(COMMUNE_INPUTS)
    if table == "commune_code_map":
        return {"insee_cog_2026"}
    needed = {d.id for d in catalog.DATASETS if d.table == table}
    if table in CODE_COLUMNS:
        needed.add("insee_cog_2026")
    if table == "stations":  # located in the communes by point in polygon
        needed |= set(COMMUNE_INPUTS)
    return needed


def tables_fed_by(dataset_id: str) -> list[str]:
    """The tables that cannot be built without ``dataset_id``.

    Parameters
    ----------
    dataset_id : str
        A dataset id of the catalogue.

    Returns
    -------
    list of str
        Table names, in the order of :data:`~smartidf_analysis.data.catalog.TABLE_USES`.
    """
    return [t for t in catalog.TABLE_USES if dataset_id in required_datasets(t)]


def uses_of(dataset_id: str) -> tuple[list[str], list[str], list[str]]:
    """(tables, pages, notebooks) that a missing ``dataset_id`` leaves without data.

    Parameters
    ----------
    dataset_id : str
        A dataset id of the catalogue.

    Returns
    -------
    tables : list of str
        The tables it feeds.
    pages : list of str
        The dashboard pages that read them, sorted.
    notebooks : list of str
        The notebooks that read them, sorted.
    """
    tables = tables_fed_by(dataset_id)
    pages = sorted({p for t in tables for p in catalog.TABLE_USES[t][0]})
    notebooks = sorted({n for t in tables for n in catalog.TABLE_USES[t][1]})
    return tables, pages, notebooks


@dataclass
class BuildResult:
    """What a build did: the database path, whether it changed, counts per table, and the
    datasets it could not get (``incomplete``: their tables are empty).

    Parameters
    ----------
    path : pathlib.Path
        The database file.
    changed : bool
        False when the database was up to date and left alone.
    synthetic : bool
        Whether it holds the synthetic demo region.
    rows : dict of str to int
        Rows written per table (empty when nothing changed).
    issues : int
        Number of ``build_issues`` rows.
    message : str
        The one-line summary the command prints.
    missing : dict of str to str
        Dataset id -> why it could not be had.
    """

    path: Path
    changed: bool
    synthetic: bool
    rows: dict[str, int]
    issues: int
    message: str
    missing: dict[str, str] = field(default_factory=dict)  # dataset id -> reason

    @property
    def incomplete(self) -> bool:
        """True when some official datasets could not be had."""
        return bool(self.missing)


def _read(ds: catalog.Dataset, path: Path) -> pd.DataFrame:
    module, func = ds.reader.split(":")
    reader: Callable[[Path], pd.DataFrame] = getattr(
        import_module(f"smartidf_analysis.data.sources.{module}"), func)
    return reader(path)


def validate(table: str, frame: pd.DataFrame, file_name: str) -> None:
    """Columns, duplicate keys and negative counts; errors name the file, line and column.

    Parameters
    ----------
    table : str
        A canonical table (:data:`~smartidf_analysis.data.schema.TABLES`).
    frame : pandas.DataFrame
        The rows read from the file, indexed by their line in the file.
    file_name : str
        The file named in errors.

    Raises
    ------
    SourceFormatError
        For a missing column, a duplicate key or a negative value in a non-negative column.
    """
    spec = TABLES[table]
    missing = [c for c in spec.columns if c not in frame.columns]
    if missing:
        raise SourceFormatError(file_name, f"table {table}: missing column(s) {missing}")
    if spec.key:
        dup = frame.duplicated(list(spec.key), keep=False).to_numpy()
        if dup.any():
            lines = sorted({int(i) for i in frame.index[dup]})[:5]
            first = frame[dup].iloc[0]
            key = ", ".join(f"{k}={first[k]!r}" for k in spec.key)
            raise SourceFormatError(file_name, f"duplicate key ({key}) in table {table} at lines "
                                    f"{lines}", line=lines[0], column=spec.key[0])
    for col in spec.non_negative:
        values = pd.to_numeric(frame[col], errors="coerce")
        neg = (values < 0).fillna(False).to_numpy()
        if neg.any():
            line = int(frame.index[neg][0])
            raise SourceFormatError(file_name, f"negative value {values[neg].iloc[0]} in table "
                                    f"{table}", line=line, column=col)


def _fingerprint(shas: dict[str, str], synthetic: bool, scale: float) -> str:
    payload = json.dumps({"inputs": shas, "version": __version__, "synthetic": synthetic,
                          "scale": scale,
                          "schema": {t: s.columns for t, s in TABLES.items()},
                          "code": _code_digest()}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _code_digest() -> str:
    """Digest of the build/reader code, so a code change forces a rebuild."""
    data = config.PACKAGE_DIR / "data"
    files = [data / "build.py", data / "harmonise.py", data / "schema.py",
             *sorted((data / "synthetic").glob("*.py")), *sorted((data / "sources").glob("*.py"))]
    digest = hashlib.sha256()
    for f in files:
        if f.exists():
            digest.update(f.read_bytes())
    return digest.hexdigest()


def _empty(table: str) -> pd.DataFrame:
    """A table with its schema and no rows (its datasets are missing)."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in TABLES[table].columns})


def _real_tables(found: dict[str, fetch.Located], progress: bool,
                 ) -> tuple[dict[str, pd.DataFrame], harmonise.Issues]:
    """Canonical tables from the datasets found; a table whose inputs are not all there is
    written empty (the build lists what is missing)."""
    paths = {ds_id: loc.path for ds_id, loc in found.items()}
    usable = [ds for ds in catalog.DATASETS if ds.id in found]
    frames = {}
    steps = tqdm(usable, desc="read sources", disable=not progress, unit="file")
    for ds in steps:
        steps.set_postfix_str(ds.id)
        frames[ds.id] = _read(ds, paths[ds.id])
    issues = harmonise.Issues()
    for ds_id in ("ign_communes_2018", "paris_arrondissements"):
        if ds_id in frames:
            frames[ds_id] = harmonise.repair_geometries(frames[ds_id], ds_id, issues)
    buildable = {t for t in TABLES if required_datasets(t) <= found.keys()}
    mapping = harmonise.code_map(frames["insee_cog_2026"]) if "insee_cog_2026" in frames else None
    for ds in usable:
        if ds.table in CODE_COLUMNS and ds.table in buildable:
            for source in set(CODE_COLUMNS[ds.table][0].values()):
                harmonise.check_codes(frames[ds.id].dropna(subset=[source]), source,
                                      str(paths[ds.id]))
    tables: dict[str, list[pd.DataFrame]] = {}
    for ds in usable:
        if ds.table == "reference" or ds.table not in buildable:
            continue
        frame = frames[ds.id]
        if ds.table in CODE_COLUMNS:
            columns, measure, mode = CODE_COLUMNS[ds.table]
            remapped = harmonise.remap(frame, columns, mapping, issues, ds.id, measure)
            if mode == "report":
                harmonise.report_superseded(frame, remapped, columns, issues, ds.id, measure)
            else:
                frame = remapped
        validate(ds.table, frame, str(paths[ds.id]))
        tables.setdefault(ds.table, []).append(frame)
    out = {name: pd.concat(parts) if len(parts) > 1 else parts[0] for name, parts in tables.items()}
    for name, parts in tables.items():
        if len(parts) > 1:
            validate(name, out[name], "+".join(d.file_name for d in catalog.DATASETS
                                               if d.table == name))
    if "communes" in buildable:
        out["communes"] = harmonise.assemble_communes(
            frames["insee_cog_2026"], frames["ign_communes_2018"], frames["paris_arrondissements"],
            frames["insee_population_2023"], frames["dgcl_epci_2025"], frames["insee_ept_2025"],
            mapping, issues)
        harmonise.check_areas(out["communes"], issues)
    if "stations" in buildable:
        _locate_stations(out["stations"], out["communes"], frames["ign_communes_2018"], mapping,
                         issues)
    if mapping is not None:
        out["commune_code_map"] = mapping
    for table in TABLES:
        out.setdefault(table, _empty(table))
    return out, issues


def _locate_stations(stations: pd.DataFrame, communes: pd.DataFrame, geo2018: pd.DataFrame,
                     mapping: pd.DataFrame, issues: harmonise.Issues) -> None:
    """Point-in-polygon commune of each station; stations in a 2018 commune that the current
    COG does not map keep that old code (listed), stations outside the region stay NULL."""
    stations["commune_code"] = harmonise.locate_points(stations["lon"], stations["lat"], communes)
    orphans = geo2018[~geo2018["commune_code"].isin(mapping["source_code"])]
    missing = stations["commune_code"].isna().to_numpy()
    if missing.any() and len(orphans):
        stations.loc[missing, "commune_code"] = harmonise.locate_points(
            stations.loc[missing, "lon"], stations.loc[missing, "lat"], orphans)
        for code, group in stations[missing & stations["commune_code"].notna().to_numpy()
                                    ].groupby("commune_code"):
            issues.add("idfm_stations", code, "stations in a 2018 commune absent from the current "
                       "COG (old code kept)", len(group), "stations", len(group))
    outside = stations["commune_code"].isna()
    if outside.any():
        names = ", ".join(sorted(stations.loc[outside, "station_name"].unique())[:8])
        issues.add("idfm_stations", "-", f"stations outside Île-de-France (e.g. {names}…): "
                   "commune_code NULL", int(outside.sum()), "stations", int(outside.sum()))


def _provenance(found: dict[str, fetch.Located], tables: dict[str, pd.DataFrame]
                ) -> pd.DataFrame:
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    rows = []
    for ds in catalog.DATASETS:
        table = ds.table if ds.table != "reference" else "communes"
        loc = found.get(ds.id)
        rows.append({
            "dataset_id": ds.id, "table_name": table, "title": ds.title, "producer": ds.producer,
            "file_name": loc.path.name if loc else ds.file_name,
            "sha256": loc.sha256 if loc else None,
            "rows": len(tables[table]) if loc else 0,
            "vintage": ds.vintage, "licence": ds.licence, "built_at": now,
            "package_version": __version__, "synthetic": False,
            "origin": loc.origin if loc else "missing", "url": ds.download_url or ds.url,
        })
    return pd.DataFrame(rows)


def _missing_frame(missing: dict[str, FetchError]) -> pd.DataFrame:
    """The ``missing_datasets`` table: what each missing dataset takes away."""
    rows = []
    for ds_id, error in missing.items():
        ds = catalog.get(ds_id)
        tables, pages, notebooks = uses_of(ds_id)
        rows.append({"dataset_id": ds_id, "title": ds.title, "url": ds.download_url or ds.url,
                     "error": str(error), "tables": tables, "pages": pages,
                     "notebooks": notebooks})
    return pd.DataFrame(rows, columns=list(MISSING_DATASETS_COLUMNS))


def _synthetic_tables(seed: int, scale: float) -> tuple[dict[str, pd.DataFrame], pd.DataFrame,
                                                         harmonise.Issues]:
    from smartidf_analysis.data.synthetic import region as synthetic

    tables = synthetic.build_tables(seed=seed, scale=scale)
    for name, frame in tables.items():
        validate(name, frame, f"synthetic:{name}")
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    prov = pd.DataFrame([{
        "dataset_id": f"synthetic_{name}", "table_name": name,
        "title": f"Synthetic demo region: {name}", "producer": "smartidf-analysis synthetic.py",
        "file_name": None, "sha256": None, "rows": len(frame),
        "vintage": f"seed {seed}, scale {scale:g}", "licence": "MIT (generated)",
        "built_at": now, "package_version": __version__, "synthetic": True,
        "origin": "synthetic", "url": None,
    } for name, frame in tables.items()])
    return tables, prov, harmonise.Issues()


def build(*, synthetic: bool | None = None, scale: float = 1.0, seed: int = 0,
          verify: bool = True, force: bool = False, progress: bool = True,
          path: Path | None = None, allow_download: bool | None = None) -> BuildResult:
    """Build the database at ``path`` (default ``config.db_path()``), atomically.

    The official files come from the mirror, the download cache or a download
    (:func:`smartidf_analysis.data.fetch.fetch_all`). When some cannot be had, the build still
    writes every table whose inputs are all there, leaves the others empty, and lists the
    missing datasets (``missing_datasets`` table, ``build_issues``, ``result.missing``).
    ``synthetic=None`` (auto) builds the synthetic demo region only when no official file
    at all can be had (and says so); ``synthetic=True`` always builds it.

    Parameters
    ----------
    synthetic : bool, optional
        See above.
    scale : float, default 1.0
        Size of the synthetic region (population and rows scale with it); synthetic builds only.
    seed : int, default 0
        Seed of the synthetic region; synthetic builds only.
    verify : bool, default True
        Check the sha256 of the files found.
    force : bool, default False
        Rebuild even when the inputs are unchanged.
    progress : bool, default True
        Show progress bars.
    path : pathlib.Path, optional
        The database file; default :func:`~smartidf_analysis.config.db_path`.
    allow_download : bool, optional
        Allow downloads; default: unless ``SMARTIDF_OFFLINE`` (see
        :func:`~smartidf_analysis.data.fetch.fetch_all`).

    Returns
    -------
    BuildResult
        What the build did.

    Raises
    ------
    SourceFormatError
        When an official file does not have the expected format.
    ImportedRowsError
        When the imported sites of the previous database cannot be read.
    """
    target = Path(path) if path is not None else config.db_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    note = ""
    report = fetch.FetchReport()
    if not synthetic:
        report = fetch.fetch_all(verify=verify, allow_download=allow_download, progress=progress)
        if synthetic is None and not report.found:
            first = next(iter(report.missing.values()))
            synthetic, note = True, f"no official file could be had (e.g. {first}); "
        synthetic = bool(synthetic)
    if synthetic:
        shas = {"seed": str(seed), "scale": str(scale)}
    else:
        shas = {ds_id: loc.sha256 for ds_id, loc in sorted(report.found.items())}
    missing = {} if synthetic else {k: str(v) for k, v in report.missing.items()}
    fingerprint = _fingerprint(shas, synthetic, scale)
    if not force and target.exists() and db.read_metadata(target).get("fingerprint") == fingerprint:
        return BuildResult(target, False, synthetic, {}, 0,
                           f"{note}database {target} is up to date (inputs unchanged): "
                           "nothing to do", missing)
    if synthetic:
        tables, prov, issues = _synthetic_tables(seed, scale)
    else:
        tables, issues = _real_tables(report.found, progress)
        prov = _provenance(report.found, tables)
        for ds_id, error in report.missing.items():
            issues.add(ds_id, "-", f"dataset missing, its tables are empty: {error}", 0,
                       "rows", 0)
    rows = {name: len(frame) for name, frame in tables.items()}
    tables["build_issues"] = issues.frame()
    tables["missing_datasets"] = _missing_frame({} if synthetic else report.missing)
    # empty until `smartidf data import-buildings` (a new build drops earlier imports)
    tables["imported_roofs"] = pd.DataFrame({c: pd.Series(dtype=object)
                                             for c in db.EXTRA_TABLES["imported_roofs"]})
    # under the database's write lock from reading the imported sites to the rename: an
    # import running meanwhile lands before (its sites are kept) or after (on this build)
    with db.write_lock(target):
        # sites imported by `smartidf data import-sites` survive a rebuild, with their
        # provenance (an unreadable old database stops the build: ImportedRowsError)
        kept, kept_prov = db.import_rows(target, "existing_sites")
        tables["existing_sites"] = kept
        tables["provenance"] = pd.concat([prov, kept_prov], ignore_index=True) if len(kept) \
            else prov
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        tmp.unlink(missing_ok=True)
        try:
            metadata = {"fingerprint": fingerprint, "synthetic": str(synthetic).lower(),
                        "package_version": __version__,
                        "incomplete": str(bool(missing)).lower(),
                        "built_at": datetime.now(UTC).isoformat(timespec="seconds")}
            db.write_database(tmp, tables, metadata)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
    kind = "SYNTHETIC demo region" if synthetic else "official open data"
    message = (f"{note}built {target} from {kind}: {len(rows)} tables, "
               f"{sum(rows.values()):,} rows, {len(issues.rows)} build issues")
    if missing:
        message += (f"; INCOMPLETE: {len(missing)} of {len(catalog.DATASETS)} datasets missing "
                    f"({', '.join(missing)}), their tables left empty")
    return BuildResult(target, True, synthetic, rows, len(issues.rows), message, missing)
