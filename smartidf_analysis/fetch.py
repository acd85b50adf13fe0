"""Dataset id -> local file: the offline mirror first, then the official download.

Order of look-up for :func:`fetch`:

1. ``$SMARTIDF_MIRROR/<file_name>`` (an offline copy of the official files);
2. the download cache ``$SMARTIDF_DATA_DIR/downloads/<file_name>``, else a download of
   ``download_url`` through pooch, which writes to a temporary file and only moves it into
   place once the sha256 matches (a mismatch leaves no partial file);
3. otherwise :class:`~smartidf_analysis.errors.FetchError` naming the file, the official
   page it comes from and the folder to put it in.

Every file's sha256 is checked against the catalogue; a mismatch raises unless
``verify=False`` (then the actual checksum is what provenance records).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import catalog, config
from .errors import FetchError


def sha256_of(path: str | Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _check(path: Path, expected: str, dataset: catalog.Dataset) -> None:
    actual = sha256_of(path)
    if actual != expected:
        raise FetchError(
            f"{path}: checksum mismatch for dataset {dataset.id!r}: sha256 {actual}, "
            f"expected {expected} (the catalogue's {dataset.vintage} file from {dataset.url}). "
            "Replace the file with the official one, or build with --no-verify to accept it."
        )


def _download(url: str, file_name: str, sha256: str, folder: Path) -> Path:
    import pooch

    folder.mkdir(parents=True, exist_ok=True)
    try:
        return Path(pooch.retrieve(url, known_hash=f"sha256:{sha256}", fname=file_name,
                                   path=folder, progressbar=False))
    except ValueError as exc:  # pooch's hash mismatch
        raise FetchError(f"{url}: downloaded file rejected: {exc}") from None
    except Exception as exc:  # network errors of requests/urllib
        raise FetchError(f"{url}: download failed: {exc}") from None


def fetch(dataset: str | catalog.Dataset, *, verify: bool = True,
          allow_download: bool | None = None) -> Path:
    """Local path of a dataset's file (and its companion files, e.g. shapefile parts).

    Parameters
    ----------
    dataset : catalogue id or :class:`~smartidf_analysis.catalog.Dataset`
    verify : check the sha256 of mirror files against the catalogue
    allow_download : try the official download when the mirror lacks the file
        (default: unless ``SMARTIDF_OFFLINE`` is set)
    """
    ds = catalog.get(dataset) if isinstance(dataset, str) else dataset
    files = {ds.file_name: ds.sha256, **ds.extra_files}
    mirror = config.mirror_dir()
    if mirror is not None and all((mirror / name).exists() for name in files):
        if verify:
            for name, sha in files.items():
                _check(mirror / name, sha, ds)
        return mirror / ds.file_name

    cache = config.download_dir()
    if all((cache / name).exists() for name in files):
        for name, sha in files.items():
            _check(cache / name, sha, ds)
        return cache / ds.file_name

    if allow_download is None:
        allow_download = not config.offline()
    if ds.download_url and allow_download and not ds.extra_files:
        return _download(ds.download_url, ds.file_name, ds.sha256, cache)

    where = f"the mirror folder {mirror}" if mirror else f"{cache} (or set SMARTIDF_MIRROR)"
    how = (f"download it from {ds.download_url}" if ds.download_url
           else f"get it from the official page {ds.url}")
    missing = ", ".join(name for name in files)
    raise FetchError(
        f"dataset {ds.id!r} ({ds.title}, {ds.producer}, {ds.vintage}): file(s) {missing} not "
        f"found. {how[0].upper()}{how[1:]} and put it in {where}."
    )


def status() -> list[dict[str, object]]:
    """One row per dataset: id, file and where it is present (mirror / cache / missing)."""
    mirror, cache = config.mirror_dir(), config.download_dir()
    rows = []
    for ds in catalog.DATASETS:
        if mirror is not None and (mirror / ds.file_name).exists():
            where = "mirror"
        elif (cache / ds.file_name).exists():
            where = "cache"
        else:
            where = "missing" if not ds.download_url else "downloadable"
        rows.append({"id": ds.id, "file": ds.file_name, "vintage": ds.vintage,
                     "producer": ds.producer, "licence": ds.licence, "status": where})
    return rows
