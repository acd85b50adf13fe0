"""Build the DuckDB database: fetch -> read -> harmonise -> validate -> write -> rename.

The database is written to a temporary file next to the target and renamed over it only
when everything succeeded, so a failed build leaves the previous database byte-identical.
A build whose inputs (file checksums), package version and schema are unchanged is a
no-op that says so. ``synthetic=True`` builds the deterministic demo region instead.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from . import __version__, catalog, config, db, fetch, harmonise
from .errors import FetchError, SourceFormatError
from .schema import TABLES

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


@dataclass
class BuildResult:
    """What a build did: the database path, whether it changed, and counts per table."""

    path: Path
    changed: bool
    synthetic: bool
    rows: dict[str, int]
    issues: int
    message: str


def _read(ds: catalog.Dataset, path: Path) -> pd.DataFrame:
    module, func = ds.reader.split(":")
    reader: Callable[[Path], pd.DataFrame] = getattr(
        import_module(f"smartidf_analysis.sources.{module}"), func)
    return reader(path)


def validate(table: str, frame: pd.DataFrame, file_name: str) -> None:
    """Columns, duplicate keys and negative counts; errors name the file, line and column."""
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
    pkg = config.PACKAGE_DIR
    files = [pkg / "build.py", pkg / "harmonise.py", pkg / "synthetic.py", pkg / "schema.py",
             *sorted((pkg / "sources").glob("*.py"))]
    digest = hashlib.sha256()
    for f in files:
        if f.exists():
            digest.update(f.read_bytes())
    return digest.hexdigest()


def _inputs(verify: bool) -> tuple[dict[str, Path], dict[str, str]]:
    """Local path and sha256 of every catalogue file (catalogue checksums when verified)."""
    paths = {ds.id: fetch.fetch(ds, verify=verify) for ds in catalog.DATASETS}
    shas = {ds.id: ds.sha256 if verify else fetch.sha256_of(paths[ds.id])
            for ds in catalog.DATASETS}
    return paths, shas


def _real_tables(paths: dict[str, Path], shas: dict[str, str], progress: bool,
                 ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, harmonise.Issues]:
    frames = {}
    steps = tqdm(catalog.DATASETS, desc="read sources", disable=not progress, unit="file")
    for ds in steps:
        steps.set_postfix_str(ds.id)
        frames[ds.id] = _read(ds, paths[ds.id])
    issues = harmonise.Issues()
    cog = frames["insee_cog_2026"]
    mapping = harmonise.code_map(cog)
    for ds in catalog.DATASETS:
        if ds.table in CODE_COLUMNS:
            columns = CODE_COLUMNS[ds.table][0]
            for source in set(columns.values()):
                harmonise.check_codes(frames[ds.id].dropna(subset=[source]), source,
                                      str(paths[ds.id]))
    communes = harmonise.assemble_communes(
        cog, frames["ign_communes_2018"], frames["paris_arrondissements"],
        frames["insee_population_2023"], frames["dgcl_epci_2025"], frames["insee_ept_2025"],
        mapping, issues)
    tables: dict[str, list[pd.DataFrame]] = {}
    for ds in catalog.DATASETS:
        if ds.table == "reference":
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
    _locate_stations(out["stations"], communes, frames["ign_communes_2018"], mapping, issues)
    out["communes"] = communes
    out["commune_code_map"] = mapping
    return out, _provenance(shas, out, synthetic=False), issues


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


def _provenance(shas: dict[str, str], tables: dict[str, pd.DataFrame], synthetic: bool,
                ) -> pd.DataFrame:
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    rows = []
    for ds in catalog.DATASETS:
        table = ds.table if ds.table != "reference" else "communes"
        rows.append({
            "dataset_id": ds.id, "table_name": table, "title": ds.title, "producer": ds.producer,
            "file_name": ds.file_name, "sha256": shas.get(ds.id), "rows": len(tables[table]),
            "vintage": ds.vintage, "licence": ds.licence, "built_at": now,
            "package_version": __version__, "synthetic": synthetic,
        })
    return pd.DataFrame(rows)


def _synthetic_tables(seed: int, scale: float) -> tuple[dict[str, pd.DataFrame], pd.DataFrame,
                                                         harmonise.Issues]:
    from . import synthetic

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
    } for name, frame in tables.items()])
    return tables, prov, harmonise.Issues()


def build(*, synthetic: bool | None = None, scale: float = 1.0, seed: int = 0,
          verify: bool = True, force: bool = False, progress: bool = True,
          path: Path | None = None) -> BuildResult:
    """Build the database at ``path`` (default ``config.db_path()``), atomically.

    ``synthetic=None`` (auto) builds from the mirror when one is configured, else from the
    official downloads when they succeed, else the synthetic demo region (and says so).
    """
    target = Path(path) if path is not None else config.db_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    note = ""
    if synthetic is None and config.mirror_dir() is not None:
        synthetic = False  # a configured mirror must be complete and correct: no fallback
    if synthetic is None:
        try:
            for ds in catalog.DATASETS:
                fetch.fetch(ds, verify=verify)
            synthetic = False
        except FetchError as exc:
            synthetic, note = True, f"official files unavailable ({exc}); "
    if synthetic:
        paths, shas = {}, {"seed": str(seed), "scale": str(scale)}
    else:
        paths, shas = _inputs(verify)
    fingerprint = _fingerprint(shas, synthetic, scale)
    if not force and target.exists() and db.read_metadata(target).get("fingerprint") == fingerprint:
        return BuildResult(target, False, synthetic, {}, 0,
                           f"{note}database {target} is up to date (inputs unchanged): nothing to do")
    if synthetic:
        tables, prov, issues = _synthetic_tables(seed, scale)
    else:
        tables, prov, issues = _real_tables(paths, shas, progress)
    rows = {name: len(frame) for name, frame in tables.items()}
    tables["provenance"] = prov
    tables["build_issues"] = issues.frame()
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    try:
        metadata = {"fingerprint": fingerprint, "synthetic": str(synthetic).lower(),
                    "package_version": __version__,
                    "built_at": datetime.now(UTC).isoformat(timespec="seconds")}
        db.write_database(tmp, tables, metadata)
        db.close_shared()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    kind = "SYNTHETIC demo region" if synthetic else "official open data"
    return BuildResult(target, True, synthetic, rows, len(issues.rows),
                       f"{note}built {target} from {kind}: {len(rows)} tables, "
                       f"{sum(rows.values()):,} rows, {len(issues.rows)} build issues")
