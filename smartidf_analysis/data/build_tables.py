"""The canonical tables of a build, before they are written: each official file read by its
reader, the codes harmonised to the current COG, every table validated (errors name the
file, line and column); or the deterministic synthetic region with its provenance.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from importlib import import_module
from pathlib import Path

import pandas as pd
from tqdm.auto import tqdm

from smartidf_analysis import __version__
from smartidf_analysis.data import catalog, fetch, harmonise
from smartidf_analysis.data.dataset_uses import (
    CODE_COLUMNS,
    required_datasets,
)
from smartidf_analysis.data.schema import TABLES
from smartidf_analysis.errors import SourceFormatError


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
