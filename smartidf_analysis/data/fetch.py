"""Dataset id -> local files: the offline mirror, the download cache, else a download.

A dataset's files are looked for in the mirror folder ``$SMARTIDF_MIRROR`` (under the
catalogue's file names, or laid out as the download cache) and then in the download cache
``$SMARTIDF_DATA_DIR/downloads/<host>/<path>``: :func:`~smartidf_analysis.data.locate.locate`.

Otherwise :func:`fetch_all` downloads the public originals (several at once, one progress
bar in bytes for the whole set, a time-out and retries per file) unless ``SMARTIDF_OFFLINE``
is set. ``SMARTIDF_DOWNLOAD_MIRROR=<base URL>`` fetches ``<base URL>/<host>/<path>``
instead of each original URL (an internal file mirror or a proxy's cache; same checksums);
an ordinary HTTP(S) proxy is taken from ``https_proxy`` / ``HTTPS_PROXY`` as usual.

A download is written to ``<name>.part`` and resumed from there (HTTP ``Range``) after an
interruption; it is renamed into place only when its size and sha256 match the catalogue,
so a partial or wrong file is never used (:func:`~smartidf_analysis.data.download.download`).
A file found locally is checked against the catalogue too: either checksum is accepted (the
mirror's cut copy, or the original), and :class:`~smartidf_analysis.data.locate.Located`
says which one provenance records. :func:`locate`, :func:`download` and the others are
importable from here too.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from smartidf_analysis import config
from smartidf_analysis.data import catalog
from smartidf_analysis.data.download import (  # noqa: F401 - moved there, re-exported
    _part,
    download,
)
from smartidf_analysis.data.locate import (  # noqa: F401 - moved there, re-exported
    Located,
    locate,
    sha256_of,
    source_url,
)
from smartidf_analysis.errors import FetchError


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
