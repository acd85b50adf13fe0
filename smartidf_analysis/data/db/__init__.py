"""The only package that imports duckdb: connections, named SQL, Dask reads, writes.

Its API is what this ``__init__`` exports (``from smartidf_analysis.data import db``;
``db.query``); the modules are private, one part each: ``_connection`` (the file, every
connection, the source, the write lock), ``_sessions`` (the shared connection of each build,
cursors, pinned sessions, build keys), ``_queries`` (named SQL), ``_whitelist`` (tables,
columns, filters, fixed-point sums), ``_reads``, ``_dask`` (Dask reads), ``_writes`` (the
build's file, atomic imports) and ``_status`` (missing datasets, ``build_info``).

* :func:`connect` opens the database (read-only by default). Served dashboards read
  through :func:`cursor` (a context manager): a cursor of its own for each read, on one
  shared read-only connection per **build** of the file (:mod:`smartidf_analysis.data.builds`
  counts the cursors and pinned sessions of each build; an older build's connection is
  closed when its last user is done, never under a reader). A session pins the build it
  opened on (:func:`pin`, :func:`using`): its reads and cache keys stay on that build until
  it ends, while sessions opened after a rebuild read the new one.
* :func:`query` runs a named SQL file from ``sql/`` with **bound parameters only**; the
  name is checked against the files that exist, so no widget value ever becomes SQL text.
* :func:`read_dask` builds a dask DataFrame with ``dd.from_map`` over ``rowid`` ranges of a
  table; :func:`read_dask_grouped` pushes each partition's GROUP BY down into DuckDB and
  lets Dask combine partial sums (measured here: 2.7 s vs 8.3 s for raw rows on 20 M rows).
  Partitions open their own read-only connection from the file path, so they run
  unchanged on ``dask.distributed`` worker processes that see the same file.
* The **Parquet export** (``smartidf data export``, ``SMARTIDF_PARQUET``; layout in
  :mod:`smartidf_analysis.data.parquet`) is the other source (:func:`source`): the shared
  cursor is then an in-memory connection whose views read the export's files, and Dask
  partitions are groups of department files read by DuckDB on the worker through fsspec,
  so remote workers need the export only, never the DuckDB file.
* Sums of DOUBLE columns are **fixed-point** (:func:`sum_sql`): each value is rounded to
  ``10**-SUM_SCALE`` of its unit and added exactly as a DECIMAL, so a sum does not depend on
  the order in which DuckDB's parallel aggregation (threads, row groups) or Dask partitions
  add the rows: two runs, on 1 thread or 2, give the same bits, and equal flows stay equal.
* :func:`write_database` writes a new database file (used by the atomic build);
  :func:`append_rows_atomic` adds imported rows (``existing_sites``) to a copy of the file
  and renames it over the original, so a failed import leaves the database untouched;
  :func:`write_import` replaces one import's rows in a copy of the database, then renames
  the copy into place (``smartidf data import-buildings``).
* Writers (the build, every import) hold :func:`write_lock`, a file lock beside the
  database, from what they read of the old file to the rename of the new one: two imports
  started together both land, one after the other.
* Every connection is opened by ``_open``, which applies ``SMARTIDF_DUCKDB_THREADS``.
"""

from __future__ import annotations

# every name the single module ``db.py`` had, so that ``db.NAME`` reads as it did
from smartidf_analysis import config  # noqa: F401
from smartidf_analysis.data import parquet  # noqa: F401
from smartidf_analysis.data.builds import Build, BuildClosedError, Builds  # noqa: F401
from smartidf_analysis.data.db import (
    _connection,
    _dask,
    _queries,
    _reads,
    _sessions,
    _status,
    _whitelist,
    _writes,
)
from smartidf_analysis.data.schema import (  # noqa: F401
    BUILD_ISSUES_COLUMNS,
    EXISTING_SITES_COLUMNS,
    IMPORTED_ROOFS_COLUMNS,
    MISSING_DATASETS_COLUMNS,
    PROVENANCE_COLUMNS,
    SUM_SCALE,
    TABLES,
)
from smartidf_analysis.errors import MissingDataError, SmartidfError  # noqa: F401

# The API, each name bound to the one object its module defines (module state, such as the
# open builds or the write locks, lives in that module only: nothing here is a copy of it).
log = _connection.log
EXTRA_TABLES = _whitelist.EXTRA_TABLES
#: tables filled by imports (not by the build): :func:`append_rows_atomic` may write them
IMPORT_TABLES = _whitelist.IMPORT_TABLES

# in the order the single module defined them (the order of the API reference's page)
DatabaseMissingError = _connection.DatabaseMissingError
ImportedRowsError = _writes.ImportedRowsError
source = _connection.source
connect = _connection.connect
build_key = _sessions.build_key
cursor = _sessions.cursor
pin = _sessions.pin
unpin = _sessions.unpin
using = _sessions.using
pinned = _sessions.pinned
open_builds = _sessions.open_builds
close_shared = _sessions.close_shared
lock_path = _connection.lock_path
write_lock = _connection.write_lock
query_names = _queries.query_names
query_parameters = _queries.query_parameters
query = _queries.query
sum_sql = _whitelist.sum_sql
read_table = _reads.read_table
aggregate = _reads.aggregate
table_exists = _reads.table_exists
export_tables = _reads.export_tables
table_partitions = _reads.table_partitions
read_dask = _dask.read_dask
read_dask_grouped = _dask.read_dask_grouped
write_database = _writes.write_database
write_import = _writes.write_import
write_arrow_table = _writes.write_arrow_table
append_rows_atomic = _writes.append_rows_atomic
import_rows = _writes.import_rows
missing_datasets = _status.missing_datasets
missing_message = _status.missing_message
require = _status.require
read_metadata = _status.read_metadata

# The functions and classes are this package's, as they were the module's: documented (API
# reference), named in tracebacks and pickled as ``smartidf_analysis.data.db.NAME``, their
# defining modules being private (numpy's ``set_module`` does the same).
for _obj in list(globals().values()):
    if getattr(_obj, "__module__", "").startswith(f"{__name__}._"):
        _obj.__module__ = __name__
del _obj
