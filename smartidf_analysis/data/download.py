"""One dataset file downloaded: from its original URL, or ``<base URL>/<host>/<path>`` under
``SMARTIDF_DOWNLOAD_MIRROR`` (:func:`~smartidf_analysis.data.locate.source_url`), with a
time-out and retries.

A download is written to ``<name>.part`` and resumed from there (HTTP ``Range``) after an
interruption; it is renamed into place only when its size and sha256 match the catalogue,
so a partial or wrong file is never used.
"""

from __future__ import annotations

import http.client
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

from tqdm.auto import tqdm

from smartidf_analysis import __version__, config
from smartidf_analysis.data import catalog
from smartidf_analysis.data.locate import (
    sha256_of,
    source_url,
)
from smartidf_analysis.errors import FetchError

#: HTTP statuses that no retry will change
_FINAL_STATUSES = {400, 401, 403, 404, 410, 451}
_CHUNK = 1 << 16


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
