"""Where a dataset's files are found locally (:func:`locate`), in order:

1. the mirror folder ``$SMARTIDF_MIRROR`` under the catalogue's file name (``file_name``
   and ``extra_files``: the copies cut to Île-de-France or renamed for the mirror, or the
   originals under those names);
2. the mirror folder laid out as the download cache, ``<host>/<path>`` of each original's
   URL (a copy of the public originals, e.g. made with ``smartidf data fetch``);
3. the download cache ``$SMARTIDF_DATA_DIR/downloads/<host>/<path>``.

A file found locally is checked against the catalogue: either checksum is accepted (the
mirror's cut copy, or the original), and :class:`Located` says which one provenance records.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from smartidf_analysis import config
from smartidf_analysis.data import catalog
from smartidf_analysis.errors import FetchError


def sha256_of(path: str | Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.

    Returns
    -------
    str
        64 hexadecimal digits.
    """
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Located:
    """Where a dataset's files were found: the reader's file, its origin and checksum.

    Parameters
    ----------
    dataset_id : str
        The dataset's id.
    path : pathlib.Path
        The reader's file (companions beside it).
    origin : str
        ``"mirror"``, ``"mirror (originals)"`` or ``"download cache"``.
    sha256 : str
        The sha256 of ``path`` (what provenance records).
    original : bool
        True when ``path`` is the public original, False for the mirror's copy.
    """

    dataset_id: str
    path: Path
    origin: str  # "mirror", "mirror (originals)", "download cache"
    sha256: str  # of ``path``: what provenance records
    original: bool  # True when ``path`` is the public original, False for the mirror's copy


def source_url(url: str) -> str:
    """The URL actually requested for ``url``: under ``SMARTIDF_DOWNLOAD_MIRROR`` when set
    (``<base>/<host>/<path>``, the path kept as published), else ``url`` itself.

    Parameters
    ----------
    url : str
        An original's URL.

    Returns
    -------
    str
        The URL to request.
    """
    base = config.download_mirror()
    if not base:
        return url
    scheme_less = url.split("://", 1)[1]
    return f"{base.rstrip('/')}/{scheme_less}"


def _mismatch(path: Path, actual: str, ds: catalog.Dataset, expected: Iterable[str]) -> FetchError:
    return FetchError(
        f"{path}: checksum mismatch for dataset {ds.id!r}: sha256 {actual}, expected "
        f"{' or '.join(sorted(set(expected)))} (the catalogue's {ds.vintage} file from "
        f"{ds.download_url or ds.url}). Replace the file with the official one, or build with "
        "--no-verify to accept it."
    )


def _mirror_copy(ds: catalog.Dataset, mirror: Path, verify: bool) -> Located | None:
    """The dataset under the mirror's file names (cut copy or original), or None."""
    names = {ds.file_name: ds.sha256, **ds.extra_files}
    if not all((mirror / name).exists() for name in names):
        return None
    main = mirror / ds.file_name
    actual = sha256_of(main)
    originals = {d.sha256 for d in ds.downloads[:1]}
    if verify:
        if actual not in {ds.sha256, *originals}:
            raise _mismatch(main, actual, ds, {ds.sha256, *originals})
        for name, sha in ds.extra_files.items():
            part = sha256_of(mirror / name)
            if part != sha:
                raise _mismatch(mirror / name, part, ds, {sha})
    return Located(ds.id, main, "mirror", actual, actual != ds.sha256 and actual in originals)


def _originals_in(ds: catalog.Dataset, folder: Path, origin: str, *, verify: bool,
                  discard_bad: bool) -> Located | None:
    """The dataset's originals under ``folder/<host>/<path>``, or None when absent.

    A file with the wrong checksum raises (a mirror) or is deleted (``discard_bad``: the
    download cache, so that it is downloaded again)."""
    if not ds.downloads:
        return None
    paths = [folder / d.relative_path for d in ds.downloads]
    if not all(p.exists() for p in paths):
        return None
    main_sha = ds.downloads[0].sha256
    for dl, path in zip(ds.downloads, paths, strict=True):
        actual = sha256_of(path) if verify or path == paths[0] else dl.sha256
        if verify and actual != dl.sha256:
            if discard_bad:
                path.unlink()
                return None
            raise _mismatch(path, actual, ds, {dl.sha256})
        if path == paths[0]:
            main_sha = actual
    return Located(ds.id, paths[0], origin, main_sha, True)


def locate(dataset: str | catalog.Dataset, *, verify: bool = True) -> Located | None:
    """The dataset's local files (mirror, mirror of originals, download cache), or None.

    Parameters
    ----------
    dataset : str or Dataset
        A dataset id or catalogue record.
    verify : bool, default True
        Check the mirror's files against the catalogue's sha256 (the download cache is always
        checked).

    Returns
    -------
    Located or None
        Where the files are, or None when they are nowhere local.

    Raises
    ------
    FetchError
        When a mirror file has a wrong checksum (with ``verify``).
    KeyError
        For an unknown dataset id.
    """
    ds = catalog.get(dataset) if isinstance(dataset, str) else dataset
    mirror = config.mirror_dir()
    if mirror is not None:
        found = _mirror_copy(ds, mirror, verify) or _originals_in(
            ds, mirror, "mirror (originals)", verify=verify, discard_bad=False)
        if found:
            return found
    return _originals_in(ds, config.download_dir(), "download cache", verify=True,
                         discard_bad=True)
