"""Build the DuckDB database: fetch -> read -> harmonise -> validate -> write -> rename.

The database is written to a temporary file next to the target and renamed over it only
when everything succeeded, so a failed build leaves the previous database byte-identical.
The imported sites are carried over and the file renamed under the database's write lock
(:func:`smartidf_analysis.data.db.write_lock`), so an import running at the same time is
never lost; served sessions keep reading the build they opened on until they end.
A build whose inputs (file checksums), package version and schema are unchanged is a
no-op that says so. ``synthetic=True`` builds the deterministic demo region instead.

The tables are read, harmonised and validated by :mod:`smartidf_analysis.data.build_tables`;
what each table needs and each dataset feeds is in :mod:`smartidf_analysis.data.dataset_uses`
(both importable from here).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from smartidf_analysis import __version__, config
from smartidf_analysis.data import catalog, db, fetch
from smartidf_analysis.data.build_tables import (  # noqa: F401 - moved there, re-exported
    _real_tables,
    _synthetic_tables,
    validate,
)
from smartidf_analysis.data.dataset_uses import (  # noqa: F401 - moved there, re-exported
    CODE_COLUMNS,
    COMMUNE_INPUTS,
    required_datasets,
    tables_fed_by,
    uses_of,
)
from smartidf_analysis.data.schema import MISSING_DATASETS_COLUMNS, TABLES
from smartidf_analysis.errors import FetchError


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
             # the parts of build.py, harmonise.py and schema.py that live in their own modules
             data / "build_tables.py", data / "dataset_uses.py", data / "cog_codes.py",
             data / "build_issues.py", data / "extra_tables.py",
             *sorted((data / "synthetic").glob("*.py")), *sorted((data / "sources").glob("*.py"))]
    digest = hashlib.sha256()
    for f in files:
        if f.exists():
            digest.update(f.read_bytes())
    return digest.hexdigest()


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
