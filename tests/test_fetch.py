"""fetch: the mirror first, then the download cache, else a checked, resumable download of
the public original; faults (404, wrong bytes, stall, interruption) tested on 127.0.0.1."""

from __future__ import annotations

import csv
import dataclasses
import hashlib

import pytest

from smartidf_analysis import cli, config
from smartidf_analysis.data import catalog, fetch
from smartidf_analysis.errors import FetchError

SMALL = "ditp_fibre_2022_2024"  # one small file (45 kB) served by the upstream stand-in
SMALL_FILE = "ind-306.csv"


def _download_files(data):
    downloads = data / "downloads"
    return sorted(p.name for p in downloads.rglob("*") if p.is_file()) if downloads.exists() else []


def test_catalogue_downloads_are_the_manifest_rows(shared_dir):
    with open(shared_dir / "upstream" / "MANIFEST.tsv", encoding="utf-8", newline="") as handle:
        manifest = {(r["dataset"], r["url"]): r for r in csv.DictReader(handle, delimiter="\t")}
    for ds in catalog.DATASETS:
        assert ds.downloads, f"{ds.id} has no public download"
        for dl in ds.downloads:
            row = manifest[(ds.id, dl.url)]
            assert dl.sha256 == row["sha256"], ds.id
            assert dl.size == (shared_dir / row["local_copy"]).stat().st_size, ds.id
            if row["note"].startswith("same bytes"):  # else a cut with a sha256 of its own
                assert ds.sha256 == dl.sha256, ds.id
    for ds in catalog.REFRESH_DATASETS:  # refresh-only: no local copy, so maybe no size
        assert ds.id not in catalog.ids()
        for dl in ds.downloads:
            row = manifest[(ds.id, dl.url)]
            assert dl.sha256 == row["sha256"], ds.id
            if row["local_copy"] == "-":
                assert dl.size is None, ds.id
            else:
                assert dl.size == (shared_dir / row["local_copy"]).stat().st_size, ds.id


def test_refresh_only_dataset_is_fetched_by_its_command_only(fresh, upstream, tmp_path, capsys):
    """``smartidf solar fit-field`` on a machine with no mirror asks the download mirror for the
    full PVGIS file (here the stand-in has no copy: 404, a clear error, nothing written);
    ``data fetch`` never asks for it."""
    ds = catalog.get("solairesimple_pvgis_irradiation")
    assert ds not in catalog.DATASETS
    out = tmp_path / "field.csv"
    assert cli.main(["solar", "fit-field", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "solairesimple_pvgis_irradiation" in err and "HTTP 404" in err
    assert upstream.url + "/" + ds.download_url.split("://", 1)[1] in err
    assert upstream.requests == [(ds.downloads[0].file_name, None)] and not out.exists()
    upstream.faults[ds.downloads[0].file_name] = "404"
    assert cli.main(["data", "fetch", "--quiet"]) == 0
    assert [r for r in upstream.requests if r[0] == ds.downloads[0].file_name] == [
        (ds.downloads[0].file_name, None)]


def test_refresh_only_dataset_uses_the_mirror_cut(mirror, monkeypatch, isolated_data_dir):
    monkeypatch.setenv("SMARTIDF_MIRROR", str(mirror))
    found = fetch.locate("solairesimple_pvgis_irradiation")
    assert found.path == mirror / catalog.get("solairesimple_pvgis_irradiation").file_name
    assert found.origin == "mirror" and not found.original


def test_mirror_is_used_first(mirror, monkeypatch, isolated_data_dir):
    monkeypatch.setenv("SMARTIDF_MIRROR", str(mirror))
    found = fetch.locate("insee_cog_2026")
    assert found.path == mirror / "insee_cog_communes_idf.csv"
    assert found.origin == "mirror" and not found.original


def test_every_catalogue_file_is_in_the_mirror_with_its_checksum(mirror, monkeypatch):
    monkeypatch.setenv("SMARTIDF_MIRROR", str(mirror))
    for ds in catalog.DATASETS:
        assert fetch.fetch(ds, allow_download=False).exists()  # raises on a checksum mismatch


def test_download_mirror_url_keeps_host_and_path(monkeypatch):
    url = catalog.get("sgp_gpe_stations").downloads[0].url
    monkeypatch.delenv("SMARTIDF_DOWNLOAD_MIRROR", raising=False)
    assert fetch.source_url(url) == url
    monkeypatch.setenv("SMARTIDF_DOWNLOAD_MIRROR", "http://files.example.org/pub/")
    assert fetch.source_url(url) == (
        "http://files.example.org/pub/raw.githubusercontent.com/JuDelannoy/GrandParisExpress/"
        "d1658e05af4d4827f694c1f0527455c545e86872/DATA/DONNEES%20TRAITEES%20EN%20L93/"
        "intersect_gpe_villes.shp")


def test_download_is_checked_cached_and_listed(fresh, upstream):
    assert {r["id"]: r["status"] for r in fetch.status()}[SMALL] == "downloadable"
    path = fetch.fetch(SMALL)
    ds = catalog.get(SMALL)
    assert path == fresh / "downloads" / ds.downloads[0].relative_path
    assert fetch.sha256_of(path) == ds.downloads[0].sha256
    assert {r["id"]: r["status"] for r in fetch.status()}[SMALL] == "cache"
    served = len(upstream.requests)
    assert fetch.fetch(SMALL) == path and len(upstream.requests) == served  # from the cache


def test_originals_laid_out_in_the_mirror_are_accepted(fresh, upstream, monkeypatch, tmp_path):
    fetch.fetch("insee_cog_2026")  # the national COG, into the cache
    monkeypatch.setenv("SMARTIDF_MIRROR", str(fresh / "downloads"))
    monkeypatch.setenv("SMARTIDF_DATA_DIR", str(tmp_path / "elsewhere"))
    found = fetch.locate("insee_cog_2026")
    assert found.origin == "mirror (originals)" and found.original
    assert found.sha256 == catalog.get("insee_cog_2026").downloads[0].sha256


def test_404_is_reported_and_nothing_is_kept(fresh, upstream):
    upstream.faults[SMALL_FILE] = "404"
    report = fetch.fetch_all([catalog.get(SMALL)], progress=False)
    assert list(report.missing) == [SMALL]
    text = str(report.missing[SMALL])
    assert "HTTP 404" in text and catalog.get(SMALL).download_url.split("//")[1] in text
    assert _download_files(fresh) == []


def test_wrong_bytes_are_rejected_and_nothing_partial_is_kept(fresh, upstream):
    upstream.faults[SMALL_FILE] = "corrupt"
    with pytest.raises(FetchError, match="rejected.*sha256"):
        fetch.fetch(SMALL)
    assert _download_files(fresh) == []


def test_a_stalled_server_times_out_with_a_clear_error(fresh, upstream, monkeypatch):
    upstream.faults[SMALL_FILE] = "stall"
    monkeypatch.setenv("SMARTIDF_DOWNLOAD_TIMEOUT", "1")
    monkeypatch.setenv("SMARTIDF_DOWNLOAD_RETRIES", "1")
    with pytest.raises(FetchError, match=r"download failed after 2 tries: timed out after 1 s"):
        fetch.fetch(SMALL)
    # each try gave up on its own stalled answer (the server holds it for 120 s): two GETs
    assert [name for name, _range in upstream.requests] == [SMALL_FILE, SMALL_FILE]
    assert not (fresh / "downloads" / catalog.get(SMALL).downloads[0].relative_path).exists()


def test_an_interrupted_download_is_resumed_on_the_next_run(fresh, upstream, monkeypatch):
    upstream.faults[SMALL_FILE] = "cut"
    monkeypatch.setenv("SMARTIDF_DOWNLOAD_RETRIES", "0")
    with pytest.raises(FetchError, match="kept in ind-306.csv.part"):
        fetch.fetch(SMALL)
    dl = catalog.get(SMALL).downloads[0]
    part = (fresh / "downloads" / dl.relative_path).with_name(SMALL_FILE + ".part")
    assert 0 < part.stat().st_size < dl.size
    received = part.stat().st_size
    path = fetch.fetch(SMALL)  # the next run asks for the rest only
    assert fetch.sha256_of(path) == dl.sha256 and not part.exists()
    assert upstream.requests[-1] == (SMALL_FILE, f"bytes={received}-")


def test_a_tampered_cache_file_is_downloaded_again(fresh, upstream):
    path = fetch.fetch(SMALL)
    path.write_bytes(b"tampered\n")
    assert fetch.sha256_of(fetch.fetch(SMALL)) == catalog.get(SMALL).downloads[0].sha256


def test_fetch_command_downloads_everything_once(fresh, upstream, capsys):
    n = len(catalog.DATASETS)
    assert cli.main(["data", "list"]) == 0
    listing = capsys.readouterr().out
    urls = {dl.url: dl.size for ds in catalog.DATASETS for dl in ds.downloads}
    assert (f"0/{n} datasets present locally; {n} downloadable ({len(urls)} files, "
            f"{sum(urls.values()) / 1e6:.1f} MB") in listing  # the shared Saint-Denis file once
    assert cli.main(["data", "fetch", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"{n}/{n} datasets present" in out
    urls = {dl.url for ds in catalog.DATASETS for dl in ds.downloads}
    assert len(upstream.requests) == len(urls)  # the Saint-Denis file serves two datasets
    assert all(r["status"] == "cache" for r in fetch.status())
    assert cli.main(["data", "list"]) == 0
    assert f"{n}/{n} datasets present locally; 0 downloadable" in capsys.readouterr().out
    assert cli.main(["data", "fetch", "--quiet"]) == 0 and len(upstream.requests) == len(urls)


def test_fetch_command_says_incomplete(fresh, upstream, capsys):
    upstream.faults["meteo.csv"] = "404"
    assert cli.main(["data", "fetch", "--quiet"]) == cli.EXIT_INCOMPLETE
    err = capsys.readouterr().err
    assert "missing: nsrdb_paris_tmy" in err and "pages: overview, solar" in err


def test_offline_lists_downloadable_files_as_missing(monkeypatch, isolated_data_dir):
    monkeypatch.delenv("SMARTIDF_MIRROR", raising=False)
    monkeypatch.setenv("SMARTIDF_OFFLINE", "1")
    with pytest.raises(FetchError) as err:
        fetch.fetch("insee_cog_2026")
    text = str(err.value)
    assert "insee_cog_2026" in text and "SMARTIDF_OFFLINE" in text
    assert catalog.get("insee_cog_2026").download_url in text
    assert str(isolated_data_dir / "downloads") in text


def test_mirror_checksum_mismatch_is_an_error(tmp_path, monkeypatch, isolated_data_dir):
    fake_mirror = tmp_path / "mirror"
    fake_mirror.mkdir()
    (fake_mirror / "insee_cog_communes_idf.csv").write_text("TYPECOM,COM\nCOM,75056\n")
    monkeypatch.setenv("SMARTIDF_MIRROR", str(fake_mirror))
    monkeypatch.setenv("SMARTIDF_OFFLINE", "1")
    with pytest.raises(FetchError, match="checksum mismatch"):
        fetch.fetch("insee_cog_2026")
    assert fetch.fetch("insee_cog_2026", verify=False).exists()


def test_file_url_mirror_and_a_custom_dataset(tmp_path, monkeypatch, isolated_data_dir):
    """A ``file://`` download mirror works too (an internal file share)."""
    content = b"a,b\n1,2\n"
    url = "https://example.org/files/served.csv"
    share = tmp_path / "share" / "example.org" / "files"
    share.mkdir(parents=True)
    (share / "served.csv").write_bytes(content)
    ds = dataclasses.replace(
        catalog.get("nsrdb_paris_tmy"), id="test_download", file_name="served.csv",
        sha256=hashlib.sha256(content).hexdigest(),
        downloads=(catalog.Download(url, hashlib.sha256(content).hexdigest(), len(content)),))
    monkeypatch.delenv("SMARTIDF_MIRROR", raising=False)
    monkeypatch.delenv("SMARTIDF_OFFLINE", raising=False)
    monkeypatch.setenv("SMARTIDF_DOWNLOAD_MIRROR", (tmp_path / "share").as_uri())
    path = fetch.fetch(ds)
    assert path.read_bytes() == content
    assert path == config.download_dir() / "example.org" / "files" / "served.csv"
