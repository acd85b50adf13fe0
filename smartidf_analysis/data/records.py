"""The record types of the catalogue (:mod:`smartidf_analysis.data.catalog`): a
:class:`Dataset` as the project uses it, and each public original it was taken from, a
:class:`Download` (URL pinned to a commit, sha256, size).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit


@dataclass(frozen=True)
class Download:
    """One public original file: its URL (pinned to a commit), sha256 and size [bytes].

    ``size`` is None when it was not recorded (no local copy of the original in
    ``shared/upstream``): such a download is checked by its sha256 alone. It is cached under
    ``downloads/<host>/<path>`` of the URL (the layout that ``SMARTIDF_DOWNLOAD_MIRROR`` and a
    mirror folder of originals share).

    Parameters
    ----------
    url : str
        The original's URL.
    sha256 : str
        Its sha256 (hex).
    size : int or None
        Its size [bytes], None when not recorded.
    """

    url: str
    sha256: str
    size: int | None

    @property
    def relative_path(self) -> PurePosixPath:
        """``<host>/<path>`` of the URL, percent-decoded: where it lives in a cache or mirror."""
        parts = urlsplit(self.url)
        return PurePosixPath(parts.netloc, *unquote(parts.path).strip("/").split("/"))

    @property
    def file_name(self) -> str:
        """The original file's name (last path segment, percent-decoded)."""
        return self.relative_path.name


@dataclass(frozen=True)
class Dataset:
    """One official dataset as the project uses it.

    Parameters
    ----------
    id : str
        The dataset's id (e.g. ``"insee_cog_2026"``).
    title : str
        Its title.
    producer : str
        The official producer.
    vintage : str
        Its vintage (year, quarter or edition).
    licence : str
        Its licence.
    url : str
        The official page or download.
    file_name : str
        The file's name in the offline mirror.
    sha256 : str
        The mirror file's sha256 (hex).
    reader : str
        ``"module:function"`` in :mod:`smartidf_analysis.data.sources`.
    table : str
        The canonical table it feeds, or ``"reference"`` for the inputs of ``communes``.
    downloads : tuple of Download
        The public original(s); the first is the reader's file.
    extra_files : dict of str to str
        Companion file name -> sha256 (shapefile parts).
    notes : str
        Quirks worth knowing.
    """

    id: str
    title: str
    producer: str
    vintage: str
    licence: str
    url: str  # official page or download
    file_name: str
    sha256: str
    reader: str  # "module:function" in smartidf_analysis.data.sources
    table: str  # canonical table it feeds (or "reference" for inputs to `communes`)
    downloads: tuple[Download, ...] = ()  # the public original(s); the first is the reader's file
    extra_files: dict[str, str] = field(default_factory=dict)  # name -> sha256 (shapefile parts)
    notes: str = ""

    @property
    def download_url(self) -> str | None:
        """URL of the main original file, or None when the dataset cannot be downloaded."""
        return self.downloads[0].url if self.downloads else None

    @property
    def download_bytes(self) -> int:
        """Total size of the originals to download [bytes]."""
        return sum(d.size or 0 for d in self.downloads)
