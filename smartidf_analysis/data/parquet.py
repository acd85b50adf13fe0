"""The Parquet export's layout and files (fsspec), shared by the writer
(:mod:`smartidf_analysis.data.export`) and the readers (:mod:`smartidf_analysis.data.db`).

An export at ``ROOT`` (a local or shared folder, or an fsspec URL such as ``s3://bucket/x``
when the matching fsspec package, e.g. ``s3fs``, is installed) holds::

    ROOT/provenance.json                       manifest + provenance, written LAST
    ROOT/<table>/department=<code>/part-0.parquet   one file per department (or)
    ROOT/<table>/all/part-0.parquet            tables without a commune or department column

Every file keeps all the table's columns with their canonical types (no Hive partition
column to re-type). ``provenance.json`` lists each table's partition column and files with
their rows, the database's ``build_info`` (fingerprint, synthetic...) and the export's own
stamp; a folder without it is an incomplete export and is refused. Readers take the file
list from it, so object stores need no listing.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any

from smartidf_analysis.errors import SmartidfError

MANIFEST = "provenance.json"
FORMAT = "smartidf-parquet-export/1"
#: Columns a table is partitioned by, first match wins: the department itself, or the
#: department of a commune code (its first 2 characters, 3 for overseas 97x).
PARTITION_COLUMNS = ("department_code", "commune_code", "home_code")


class ExportError(SmartidfError):
    """The export target cannot be written, or an export cannot be read."""


def filesystem(url: str):
    """(fsspec filesystem, root path inside it) of an export location.

    Parameters
    ----------
    url : str
        A folder or an fsspec URL.

    Returns
    -------
    fs : fsspec.AbstractFileSystem
        The filesystem.
    root : str
        The path inside it.

    Raises
    ------
    ExportError
        When the protocol's fsspec package is missing or the URL is invalid.
    """
    import fsspec.core

    try:
        return fsspec.core.url_to_fs(str(url))
    except (ImportError, ValueError) as exc:  # e.g. s3:// without s3fs installed
        raise ExportError(f"cannot open {url}: {exc} (install the fsspec package for that "
                          "protocol, e.g. s3fs, gcsfs or adlfs)") from None


def is_local(fs) -> bool:
    """True for the local file system (DuckDB then reads the paths itself).

    Parameters
    ----------
    fs : fsspec.AbstractFileSystem
        A filesystem.

    Returns
    -------
    bool
        Whether its protocol is ``file`` or ``local``.
    """
    protocol = fs.protocol if isinstance(fs.protocol, str) else fs.protocol[0]
    return protocol in ("file", "local")


def join(root: str, *parts: str) -> str:
    """``root/part/...`` with single slashes (fsspec paths use '/').

    Parameters
    ----------
    root : str
        A path or URL.
    *parts : str
        Path segments.

    Returns
    -------
    str
        The joined path.
    """
    return "/".join([root.rstrip("/"), *(p.strip("/") for p in parts)])


def check_writable(url: str) -> None:
    """Raise :class:`ExportError` naming ``url`` unless a file can be written there: create
    the folder, write a probe file and delete it. Run before any work starts.

    Parameters
    ----------
    url : str
        A folder or an fsspec URL.

    Raises
    ------
    ExportError
        When nothing can be written there.
    """
    fs, root = filesystem(url)
    probe = join(root, f".smartidf-write-test-{uuid.uuid4().hex}")
    try:
        fs.makedirs(root, exist_ok=True)
        with fs.open(probe, "wb") as out:
            out.write(b"ok")
        fs.rm(probe)
    except (OSError, PermissionError) as exc:
        raise ExportError(f"cannot write the export to {url}: {type(exc).__name__}: {exc}") from None


def read_manifest(url: str) -> dict[str, Any]:
    """The ``provenance.json`` of an export; :class:`ExportError` when absent (no export, or
    one that did not finish).

    Parameters
    ----------
    url : str
        The export's folder or URL.

    Returns
    -------
    dict
        ``format``, the stamp (``exported_at``, ``exported_from``, ``package_version``),
        ``build_info`` and ``tables`` (per table: ``partition_by``, ``rows``, ``files``).

    Raises
    ------
    ExportError
        When there is no manifest, or it is not of :data:`FORMAT`.
    """
    fs, root = filesystem(url)
    try:
        with fs.open(join(root, MANIFEST), "rb") as src:
            manifest = json.loads(src.read().decode("utf-8"))
    except FileNotFoundError:
        raise ExportError(f"no Parquet export at {url} (no {MANIFEST}: run `smartidf data export "
                          f"--to {url}`, or the export did not finish)") from None
    if manifest.get("format") != FORMAT:
        raise ExportError(f"{url}/{MANIFEST}: not a {FORMAT} export")
    return manifest


def table_files(url: str, manifest: dict[str, Any], table: str) -> list[str]:
    """Full paths (with the URL's protocol when not local) of ``table``'s Parquet files.

    Parameters
    ----------
    url : str
        The export's folder or URL.
    manifest : dict
        :func:`read_manifest`.
    table : str
        A table of the export.

    Returns
    -------
    list of str
        The file paths or URLs.

    Raises
    ------
    ExportError
        When the export has no such table.
    """
    if table not in manifest["tables"]:
        known = ", ".join(sorted(manifest["tables"]))
        raise ExportError(f"the export at {url} has no table {table!r}; it has: {known}")
    fs, root = filesystem(url)
    paths = [join(root, f["path"]) for f in manifest["tables"][table]["files"]]
    return paths if is_local(fs) else [fs.unstrip_protocol(p) for p in paths]


def write_manifest(url: str, tables: dict[str, Any], build_info: dict[str, str],
                   stamp: dict[str, str]) -> None:
    """Write ``provenance.json`` (last step of an export).

    Parameters
    ----------
    url : str
        The export's folder or URL.
    tables : dict
        Per table: ``partition_by``, ``rows``, ``files`` (:func:`write_table_files`).
    build_info : dict of str to str
        The database's ``build_info``.
    stamp : dict of str to str
        ``exported_at``, ``exported_from``, ``package_version``.
    """
    fs, root = filesystem(url)
    body = {"format": FORMAT, **stamp, "build_info": build_info, "tables": tables}
    with fs.open(join(root, MANIFEST), "wb") as out:
        out.write(json.dumps(body, indent=1, sort_keys=True).encode("utf-8"))


def remove_manifest(url: str) -> None:
    """Mark an export incomplete while it is rewritten.

    Parameters
    ----------
    url : str
        The export's folder or URL.
    """
    fs, root = filesystem(url)
    if fs.exists(join(root, MANIFEST)):
        fs.rm(join(root, MANIFEST))


def write_table_files(url: str, table: str, parts: Iterable[tuple[str, Any]]) -> list[dict]:
    """Write ``(department, pyarrow.Table)`` parts of ``table`` (replacing an older copy);
    returns the manifest's file records.

    Parameters
    ----------
    url : str
        The export's folder or URL.
    table : str
        The table's name.
    parts : iterable of (str or None, pyarrow.Table)
        Department (None: one ``all`` file) and rows (as
        :func:`smartidf_analysis.data.db.table_partitions` gives them).

    Returns
    -------
    list of dict
        One record per file: ``path`` (relative to the export), ``department``, ``rows``.
    """
    import pyarrow.parquet as pq

    fs, root = filesystem(url)
    folder = join(root, table)
    if fs.exists(folder):
        fs.rm(folder, recursive=True)
    records = []
    for department, frame in parts:
        sub = "all" if department is None else f"department={department}"
        path = join(folder, sub, "part-0.parquet")
        fs.makedirs(join(folder, sub), exist_ok=True)
        with fs.open(path, "wb") as out:
            pq.write_table(frame, out, compression="zstd")
        records.append({"path": f"{table}/{sub}/part-0.parquet", "department": department,
                        "rows": frame.num_rows})
    return records
