"""Dataset id -> local files: the offline mirror, the download cache, else a download.

Over 400 lines: the code is under 400; the numpydoc sections of the docstrings (parameters,
returned columns and their units) are the rest.

Where a dataset's file is looked for, in order (:func:`locate`):

1. the mirror folder ``$SMARTIDF_MIRROR`` under the catalogue's file name (``file_name``
   and ``extra_files``: the copies cut to Île-de-France or renamed for the mirror, or the
   originals under those names);
2. the mirror folder laid out as the download cache, ``<host>/<path>`` of each original's
   URL (a copy of the public originals, e.g. made with ``smartidf data fetch``);
3. the download cache ``$SMARTIDF_DATA_DIR/downloads/<host>/<path>``.

Otherwise :func:`fetch_all` downloads the public originals (several at once, one progress
bar in bytes for the whole set, a time-out and retries per file) unless ``SMARTIDF_OFFLINE``
is set. ``SMARTIDF_DOWNLOAD_MIRROR=<base URL>`` fetches ``<base URL>/<host>/<path>``
instead of each original URL (an internal file mirror or a proxy's cache; same checksums);
an ordinary HTTP(S) proxy is taken from ``https_proxy`` / ``HTTPS_PROXY`` as usual.

A download is written to ``<name>.part`` and resumed from there (HTTP ``Range``) after an
interruption; it is renamed into place only when its size and sha256 match the catalogue,
so a partial or wrong file is never used. A file found locally is checked against the
catalogue too: either checksum is accepted (the mirror's cut copy, or the original), and
:class:`Located` says which one provenance records.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from smartidf_analysis import __version__, config
from smartidf_analysis.data import catalog
from smartidf_analysis.errors import FetchError

#: HTTP statuses that no retry will change
_FINAL_STATUSES = {400, 401, 403, 404, 410, 451}
_CHUNK = 1 << 16


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


@dataclass
class FetchReport:
    """What :func:`fetch_all` found and what it could not get (dataset id -> error).

    Parameters
    ----------
    found : dict of str to Located
        Dataset id -> where its files are.
    missing : dict of str to FetchError
        Dataset id -> why it could not be had.
    downloaded_bytes : int
        Bytes downloaded by this call [bytes].
    """

    found: dict[str, Located] = field(default_factory=dict)
    missing: dict[str, FetchError] = field(default_factory=dict)
    downloaded_bytes: int = 0


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


def _not_found(ds: catalog.Dataset, reason: str) -> FetchError:
    mirror, cache = config.mirror_dir(), config.download_dir()
    where = f"the mirror folder {mirror}" if mirror else f"{cache} (or set SMARTIDF_MIRROR)"
    if ds.downloads:
        how = (f"Run `smartidf data fetch` with network access (or SMARTIDF_DOWNLOAD_MIRROR "
               f"set), or download {ds.download_url} into {cache / ds.downloads[0].relative_path}")
    else:
        how = f"Get it from the official page {ds.url} and put it in {where}"
    return FetchError(f"dataset {ds.id!r} ({ds.title}, {ds.producer}, {ds.vintage}): "
                      f"{reason}. {how}.")


# ------------------------------------------------------------------------------ download
def _request(url: str, offset: int) -> urllib.request.Request:
    headers = {"User-Agent": f"smartidf-analysis/{__version__}"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    return urllib.request.Request(url, headers=headers)


def _part(dl: catalog.Download, folder: Path) -> Path:
    """The partial file of a download in ``folder``: ``<name>.part`` beside its destination."""
    return (folder / dl.relative_path).with_name(dl.file_name + ".part")


def _download_once(dl: catalog.Download, part: Path, bar: tqdm) -> None:
    """One HTTP request appending to ``part`` (resumed from its size when the server
    honours ``Range``); raises on any network error, keeping what was received."""
    offset = part.stat().st_size if part.exists() else 0
    # complete (checked by the caller) or longer than the original (a size is known)
    if dl.size is not None and offset >= dl.size:
        if offset > dl.size:
            part.unlink()
            offset = 0
        else:
            return
    url = source_url(dl.url)
    with urllib.request.urlopen(_request(url, offset), timeout=config.download_timeout()) as resp:
        if offset and getattr(resp, "status", 200) != 206:  # Range ignored: start again
            bar.update(-offset)
            offset = 0
        with open(part, "ab" if offset else "wb") as out:
            while chunk := resp.read(_CHUNK):
                out.write(chunk)
                bar.update(len(chunk))


def download(dl: catalog.Download, folder: Path, bar: tqdm | None = None) -> Path:
    """Download one original into ``folder/<host>/<path>``: retries with back-off on network
    errors and time-outs, resumes from ``.part``, checks size and sha256 before the rename.

    Raises :class:`FetchError` naming the URL and the reason; a wrong file is deleted.

    Parameters
    ----------
    dl : Download
        The original to get.
    folder : pathlib.Path
        The download cache.
    bar : tqdm.tqdm, optional
        A progress bar in bytes to update.

    Returns
    -------
    pathlib.Path
        The downloaded file, ``folder/<host>/<path>``.

    Raises
    ------
    FetchError
        On a final HTTP status, a rejected file, or when every try failed.
    """
    bar = bar if bar is not None else tqdm(disable=True)
    dest = folder / dl.relative_path
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = _part(dl, folder)
    url = source_url(dl.url)
    tries = config.download_retries() + 1
    restarted = False
    last: Exception | None = None
    for attempt in range(tries):
        if attempt:
            time.sleep(min(2.0 ** (attempt - 1), 10.0) * config.download_backoff())
        try:
            _download_once(dl, part, bar)
        except urllib.error.HTTPError as exc:
            if exc.code == 416 and part.exists():  # our .part no longer fits: start again
                bar.update(-part.stat().st_size)
                part.unlink()
                last = exc
                continue
            if exc.code in _FINAL_STATUSES:
                raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
            last = exc
            continue
        except (OSError, http.client.HTTPException) as exc:  # URLError, time-outs, resets
            last = exc
            continue
        received = part.stat().st_size
        if dl.size is not None and received < dl.size:
            last = ConnectionError(f"connection closed after {received:,} of {dl.size:,} bytes")
            continue
        actual = sha256_of(part)
        if (dl.size is None or received == dl.size) and actual == dl.sha256:
            os.replace(part, dest)
            return dest
        bar.update(-received)
        part.unlink()
        if not restarted and attempt + 1 < tries:  # a resumed file may be the culprit
            restarted = True
            last = FetchError(f"sha256 {actual}")
            continue
        expected = f"{dl.size:,} bytes" if dl.size is not None else "a file"
        raise FetchError(f"{url}: downloaded file rejected: {received:,} bytes with sha256 "
                         f"{actual}, expected {expected} with sha256 {dl.sha256} "
                         "(nothing kept)")
    timed_out = isinstance(getattr(last, "reason", last), TimeoutError)
    reason = f"timed out after {config.download_timeout():g} s" if timed_out else str(last)
    raise FetchError(f"{url}: download failed after {tries} tries: {reason} (what was received "
                     f"is kept in {part.name} and resumed next time)")


def fetch_all(datasets: Iterable[catalog.Dataset] | None = None, *, verify: bool = True,
              allow_download: bool | None = None, progress: bool = True) -> FetchReport:
    """Locate every dataset and download the missing ones (a few at a time, one progress
    bar in bytes for the whole set). Nothing raises for a dataset that cannot be had: it is
    listed in ``missing`` with the reason; a local file with a wrong checksum does raise.

    Parameters
    ----------
    datasets : iterable of Dataset, optional
        Default: every dataset the build reads (:data:`~smartidf_analysis.data.catalog.DATASETS`).
    verify : bool, default True
        Check the mirror's files against the catalogue's sha256.
    allow_download : bool, optional
        Download what is not local; default: unless ``SMARTIDF_OFFLINE``.
    progress : bool, default True
        Show the download progress bar.

    Returns
    -------
    FetchReport
        What was found, downloaded and missed.

    Raises
    ------
    FetchError
        When a mirror file has a wrong checksum (with ``verify``).
    """
    datasets = list(catalog.DATASETS if datasets is None else datasets)
    report = FetchReport()
    todo: list[catalog.Dataset] = []
    for ds in datasets:
        found = locate(ds, verify=verify)
        if found:
            report.found[ds.id] = found
        else:
            todo.append(ds)
    if allow_download is None:
        allow_download = not config.offline()
    for ds in [d for d in todo if not (d.downloads and allow_download)]:
        reason = "not in the mirror nor the download cache" + (
            "" if ds.downloads else "; no public download is known")
        if ds.downloads:
            reason += " (downloads are off: SMARTIDF_OFFLINE)"
        report.missing[ds.id] = _not_found(ds, reason)
    todo = [d for d in todo if d.downloads and allow_download]
    if not todo:
        return report
    cache = config.download_dir()
    unique = {dl.url: dl for ds in todo for dl in ds.downloads}
    resumed = {url: _part(dl, cache).stat().st_size for url, dl in unique.items()
               if _part(dl, cache).exists()}
    total = sum(dl.size or 0 for dl in unique.values())
    errors: dict[str, FetchError] = {}
    with tqdm(total=total, initial=sum(resumed.values()), unit="B", unit_scale=True, unit_divisor=1024,
              desc=f"download {len(unique)} files", disable=not progress) as bar:
        def one(dl: catalog.Download) -> None:
            try:
                download(dl, cache, bar)
            except FetchError as exc:
                errors[dl.url] = exc
        with ThreadPoolExecutor(max_workers=config.download_workers()) as pool:
            list(pool.map(one, unique.values()))
    report.downloaded_bytes = sum(
        (dl.size if dl.size is not None else (cache / dl.relative_path).stat().st_size)
        - resumed.get(url, 0) for url, dl in unique.items() if url not in errors)
    for ds in todo:
        failed = [errors[dl.url] for dl in ds.downloads if dl.url in errors]
        if failed:
            report.missing[ds.id] = _not_found(ds, f"download failed: {failed[0]}")
            continue
        # :func:`download` checked size and sha256 before the rename: no second hashing
        report.found[ds.id] = Located(ds.id, cache / ds.downloads[0].relative_path,
                                      "download cache", ds.downloads[0].sha256, True)
    return report


def fetch(dataset: str | catalog.Dataset, *, verify: bool = True,
          allow_download: bool | None = None) -> Path:
    """Local path of one dataset's main file (companions such as shapefile parts beside it),
    downloading it if needed; :class:`FetchError` says where from and where to otherwise.

    Parameters
    ----------
    dataset : str or Dataset
        A dataset id or catalogue record.
    verify : bool, default True
        Check the mirror's files against the catalogue's sha256.
    allow_download : bool, optional
        Download when not local; default: unless ``SMARTIDF_OFFLINE``.

    Returns
    -------
    pathlib.Path
        The main file.

    Raises
    ------
    FetchError
        When the dataset cannot be had or a file has a wrong checksum.
    """
    ds = catalog.get(dataset) if isinstance(dataset, str) else dataset
    report = fetch_all([ds], verify=verify, allow_download=allow_download, progress=False)
    if ds.id in report.missing:
        raise report.missing[ds.id]
    return report.found[ds.id].path


def status() -> list[dict[str, object]]:
    """One row per dataset: where it is (``mirror``, ``cache``, ``downloadable`` or
    ``missing``), its size to download [MB] and URL. Checksums are not computed here.

    Returns
    -------
    list of dict
        Keys ``id``, ``file``, ``vintage``, ``producer``, ``licence``, ``status``, ``mb``
        [MB, 10⁶ bytes] and ``url``.
    """
    mirror, cache = config.mirror_dir(), config.download_dir()
    rows = []
    for ds in catalog.DATASETS:
        originals = [d.relative_path for d in ds.downloads]
        if mirror is not None and (
                (mirror / ds.file_name).exists()
                or (originals and all((mirror / p).exists() for p in originals))):
            where = "mirror"
        elif originals and all((cache / p).exists() for p in originals):
            where = "cache"
        else:
            where = "downloadable" if ds.downloads else "missing"
        rows.append({"id": ds.id, "file": ds.file_name, "vintage": ds.vintage,
                     "producer": ds.producer, "licence": ds.licence, "status": where,
                     "mb": round(ds.download_bytes / 1e6, 1), "url": ds.download_url or ds.url})
    return rows
