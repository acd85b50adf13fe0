"""fetch: mirror first, then a pooch download with checksum, else a clear error."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import http.server
import threading

import pytest

from smartidf_analysis import catalog, fetch
from smartidf_analysis.errors import FetchError


@pytest.fixture
def http_folder(tmp_path):
    """A local HTTP server on 127.0.0.1 serving a temporary folder (stopped after the test)."""
    folder = tmp_path / "served"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _dataset(url: str, content: bytes, sha: str | None = None) -> catalog.Dataset:
    base = catalog.get("nsrdb_paris_tmy")
    return dataclasses.replace(base, id="test_download", file_name="served.csv",
                               sha256=sha or hashlib.sha256(content).hexdigest(),
                               download_url=f"{url}/served.csv")


def test_mirror_is_used_first(mirror, monkeypatch, isolated_data_dir):
    monkeypatch.setenv("SMARTIDF_MIRROR", str(mirror))
    path = fetch.fetch("insee_cog_2026")
    assert path == mirror / "insee_cog_communes_idf.csv"


def test_every_catalogue_file_is_in_the_mirror_with_its_checksum(mirror, monkeypatch):
    monkeypatch.setenv("SMARTIDF_MIRROR", str(mirror))
    for ds in catalog.DATASETS:
        assert fetch.fetch(ds).exists()  # raises on a checksum mismatch


def test_download_with_good_checksum(http_folder, monkeypatch, isolated_data_dir):
    folder, url = http_folder
    content = b"a,b\n1,2\n"
    (folder / "served.csv").write_bytes(content)
    monkeypatch.delenv("SMARTIDF_MIRROR", raising=False)
    path = fetch.fetch(_dataset(url, content), allow_download=True)
    assert path.read_bytes() == content
    assert path.parent == isolated_data_dir / "downloads"


def test_download_with_wrong_checksum_fails_and_leaves_no_file(http_folder, monkeypatch,
                                                               isolated_data_dir):
    folder, url = http_folder
    (folder / "served.csv").write_bytes(b"tampered\n")
    monkeypatch.delenv("SMARTIDF_MIRROR", raising=False)
    with pytest.raises(FetchError, match="served.csv"):
        fetch.fetch(_dataset(url, b"original\n"), allow_download=True)
    downloads = isolated_data_dir / "downloads"
    assert not downloads.exists() or list(downloads.iterdir()) == []


def test_missing_file_error_says_where_from_and_where_to(monkeypatch, isolated_data_dir):
    monkeypatch.delenv("SMARTIDF_MIRROR", raising=False)
    with pytest.raises(FetchError) as err:
        fetch.fetch("insee_cog_2026", allow_download=False)
    text = str(err.value)
    assert "insee_cog_communes_idf.csv" in text
    assert "https://www.insee.fr" in text
    assert str(isolated_data_dir / "downloads") in text


def test_mirror_checksum_mismatch_is_an_error(tmp_path, monkeypatch, isolated_data_dir):
    fake_mirror = tmp_path / "mirror"
    fake_mirror.mkdir()
    (fake_mirror / "insee_cog_communes_idf.csv").write_text("TYPECOM,COM\nCOM,75056\n")
    monkeypatch.setenv("SMARTIDF_MIRROR", str(fake_mirror))
    with pytest.raises(FetchError, match="checksum mismatch"):
        fetch.fetch("insee_cog_2026")
    assert fetch.fetch("insee_cog_2026", verify=False).exists()
