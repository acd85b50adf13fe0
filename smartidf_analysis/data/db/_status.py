"""What the last build could not get (``missing_datasets``), and the ``build_info`` of
a database or export."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from smartidf_analysis.data import parquet
from smartidf_analysis.data.db._connection import _open
from smartidf_analysis.data.db._queries import query
from smartidf_analysis.data.db._reads import table_exists
from smartidf_analysis.data.db._whitelist import EXTRA_TABLES
from smartidf_analysis.errors import MissingDataError


def missing_datasets(*, page: str = "", notebook: str = "",
                     path: str | Path | None = None) -> pd.DataFrame:
    """The datasets the last build could not get (``missing_datasets`` table), optionally
    only those a dashboard ``page`` or a ``notebook`` (such as ``"04-solar-potential"``)
    needs. Empty for a complete build (and for databases built before that table).

    Parameters
    ----------
    page : str, default ""
        A dashboard page (e.g. ``"solar"``); empty for every page.
    notebook : str, default ""
        A notebook's stem; empty for every notebook.
    path : str or pathlib.Path, optional
        A DuckDB file or a Parquet export; default the configured source.

    Returns
    -------
    pandas.DataFrame
        Named query ``missing_datasets``: one row per missing dataset (id, title, url, error, the
        tables, pages and notebooks it feeds).
    """
    if not table_exists("missing_datasets", path=path):
        return pd.DataFrame(columns=list(EXTRA_TABLES["missing_datasets"]))
    return query("missing_datasets", path=path, page=page, notebook=notebook)


def missing_message(missing: pd.DataFrame) -> str:
    """What is missing and how to get it, one line per dataset (English; the pages
    translate the frame themselves).

    Parameters
    ----------
    missing : pandas.DataFrame
        :func:`missing_datasets` (``dataset_id``, ``title``, ``error``).

    Returns
    -------
    str
        The message.
    """
    lines = [f"- {r.dataset_id} ({r.title}): {r.error}" for r in missing.itertuples()]
    return ("The last build could not get these datasets, so their tables are empty:\n"
            + "\n".join(lines) + "\nGet them with `smartidf data fetch` (network access, or "
            "SMARTIDF_DOWNLOAD_MIRROR pointing at a mirror of the originals) or put the files "
            "in the SMARTIDF_MIRROR folder, then run `smartidf data build`.")


def require(*, page: str = "", notebook: str = "", path: str | Path | None = None) -> None:
    """Raise :class:`~smartidf_analysis.errors.MissingDataError` naming each missing dataset
    and how to get it when the ``page`` or ``notebook`` lacks inputs; the first cell of
    every notebook calls it.

    Parameters
    ----------
    page : str, default ""
        A dashboard page.
    notebook : str, default ""
        A notebook's stem.
    path : str or pathlib.Path, optional
        A DuckDB file or a Parquet export; default the configured source.

    Raises
    ------
    MissingDataError
        When a dataset that the page or notebook needs is missing.
    """
    missing = missing_datasets(page=page, notebook=notebook, path=path)
    if not missing.empty:
        raise MissingDataError(f"{notebook or page}: " + missing_message(missing))


def read_metadata(path: str | Path) -> dict[str, str]:
    """The ``build_info`` key/value table of a database file (or of the export at ``path``),
    or {} if absent/unreadable.

    Parameters
    ----------
    path : str or pathlib.Path
        A DuckDB file, an export folder or an fsspec URL.

    Returns
    -------
    dict of str to str
        Key -> value (``fingerprint``, ``built_at``, ...).
    """
    if "://" in str(path) or (Path(path) / parquet.MANIFEST).exists():
        try:
            return dict(parquet.read_manifest(str(path))["build_info"])
        except parquet.ExportError:
            return {}
    try:
        con = _open(path)
    except (duckdb.Error, OSError):
        return {}
    try:
        return dict(con.execute("SELECT key, value FROM build_info").fetchall())
    except duckdb.Error:
        return {}
    finally:
        con.close()
