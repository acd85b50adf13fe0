"""``smartidf data export --to PATH_OR_URL``: the database's tables as Parquet files, one per
department, that Dask workers on other machines can read (layout:
:mod:`smartidf_analysis.data.parquet`).

The target is checked first (a probe file is written and deleted), so a folder that cannot
be written is reported before any table is read. ``provenance.json`` is removed at the start
and written last: readers refuse a folder without it, so an interrupted export is never
taken for a complete one. Rows keep their database order inside each file.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from smartidf_analysis import __version__, config
from smartidf_analysis.data import db, parquet


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: where, how many tables, files and rows, and how long it took.

    Parameters
    ----------
    target : str
        The export's folder or URL.
    tables : int
        Tables written.
    files : int
        Parquet files written.
    rows : int
        Rows written.
    seconds : float
        Duration [s].
    """

    target: str
    tables: int
    files: int
    rows: int
    seconds: float

    @property
    def message(self) -> str:
        """One line for the command line."""
        return (f"exported {self.tables} tables ({self.rows:,} rows, {self.files} Parquet files) "
                f"to {self.target} in {self.seconds:.1f} s")


def export(target: str, *, path: str | Path | None = None,
           tables: list[str] | None = None) -> ExportResult:
    """Write the tables of the DuckDB file at ``path`` (default ``SMARTIDF_DB``) to ``target``
    (a folder or an fsspec URL), partitioned by department, with ``provenance.json``.

    Raises :class:`~smartidf_analysis.data.parquet.ExportError` naming ``target`` when it
    cannot be written, before reading anything.

    Parameters
    ----------
    target : str
        A folder or an fsspec URL.
    path : str or pathlib.Path, optional
        The DuckDB file; default :func:`~smartidf_analysis.config.db_path`.
    tables : list of str, optional
        Tables to write; default :func:`~smartidf_analysis.data.db.export_tables`.

    Returns
    -------
    ExportResult
        What was written.

    Raises
    ------
    ExportError
        When ``target`` cannot be written.
    DatabaseMissingError
        When the database file does not exist.
    """
    start = time.perf_counter()
    parquet.check_writable(target)
    source = db.source(path if path is not None else config.db_path())[1]
    names = tables or db.export_tables(source)
    parquet.remove_manifest(target)
    manifest, files, rows = {}, 0, 0
    for table in names:
        by, parts = db.table_partitions(table, source)
        records = parquet.write_table_files(target, table, parts)
        manifest[table] = {"partition_by": by, "rows": sum(r["rows"] for r in records),
                           "files": records}
        files, rows = files + len(records), rows + manifest[table]["rows"]
    stamp = {"exported_at": datetime.now(UTC).isoformat(timespec="microseconds"),
             "exported_from": source, "package_version": __version__}
    parquet.write_manifest(target, manifest, db.read_metadata(source), stamp)
    return ExportResult(str(target), len(names), files, rows, time.perf_counter() - start)
