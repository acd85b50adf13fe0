"""Rebuilds and imports while the database is being read (issue 26 point 3): one connection per
build, closed only after its last cursor or pinned session; caches keyed on the build; only
a missing table means "no imported rows"; concurrent imports both land (file lock)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pytest
import shapely

from smartidf_analysis.data import build, db


@pytest.fixture
def live_db(synthetic_db, tmp_path, monkeypatch):
    """A private copy of the synthetic database as ``SMARTIDF_DB`` (tests write to it)."""
    path = tmp_path / "smartidf.duckdb"
    shutil.copy(synthetic_db, path)
    monkeypatch.setenv("SMARTIDF_DB", str(path))
    yield path
    db.close_shared()


def _communes(path: Path) -> int:
    return len(db.read_table("communes", ["commune_code"], path=path))


def _replace_with_fewer_communes(path: Path, drop: int = 3) -> None:
    """A new build of ``path``: a copy without ``drop`` communes renamed over it (what a
    build or an import does)."""
    new = path.with_name("next.duckdb")
    shutil.copy(path, new)
    con = duckdb.connect(str(new))
    con.execute("DELETE FROM communes WHERE commune_code IN (SELECT commune_code FROM communes "
                "WHERE commune_code NOT LIKE '751%' ORDER BY commune_code LIMIT ?)", [drop])
    con.close()
    os.replace(new, path)


def _open_fingerprints(path: Path) -> set[str]:
    """The builds of the database at ``path`` open in this process (other tests' databases,
    such as the session's synthetic one, may be open too)."""
    return {b.fingerprint for b in db.open_builds() if b.fingerprint.startswith(f"{Path(path).resolve()}:")}


def test_an_old_build_stays_open_until_its_last_cursor_closes(live_db):
    before, old = _communes(live_db), db.build_key(live_db)
    started, replaced, done, errors = threading.Event(), threading.Event(), threading.Event(), []

    def reader():  # a session's worker thread, in the middle of its reads
        try:
            with db.cursor(live_db) as cur:
                started.set()
                replaced.wait(timeout=30)
                errors.append(cur.execute("SELECT count(*) FROM communes").fetchall()[0][0])
                done.wait(timeout=30)
                errors.append(cur.execute("SELECT count(*) FROM communes").fetchall()[0][0])
        except Exception as exc:  # noqa: BLE001 - "Connection already closed" before
            errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    started.wait(timeout=30)
    _replace_with_fewer_communes(live_db)
    new = db.build_key(live_db)
    assert new != old
    assert _communes(live_db) == before - 3  # a new reader gets the new build
    assert _open_fingerprints(live_db) == {old, new}  # the old one is still used
    replaced.set()
    done.set()
    thread.join(timeout=30)
    assert errors == [before, before]  # the old cursor kept its build, with no error
    assert _open_fingerprints(live_db) == {new}  # closed with its last cursor


def test_a_pinned_session_keeps_its_build_and_its_cache_keys(live_db):
    before = _communes(live_db)
    session = db.pin(live_db)
    _replace_with_fewer_communes(live_db)
    with db.using(session):
        assert _communes(live_db) == before
        assert db.build_key() == session.fingerprint  # keys agree with the reads
    assert _communes(live_db) == before - 3
    assert db.build_key() != session.fingerprint
    assert session.fingerprint in _open_fingerprints(live_db)
    db.unpin(session)
    assert session.closed and session.fingerprint not in _open_fingerprints(live_db)


@pytest.mark.parametrize("cache", ["buildings", "solar", "commuting", "headlines", "page"])
def test_every_cache_is_keyed_on_the_build(live_db, cache):
    """The same call before and after a new build of the file: a new result, and inside a
    session pinned to the old build, the old one (never an older build's result served to
    a newer session, nor the reverse)."""
    from smartidf_analysis.apps import buildings
    from smartidf_analysis.apps.commuting import state as commuting_state
    from smartidf_analysis.apps.overview import OverviewPage
    from smartidf_analysis.reporting import headlines
    from smartidf_analysis.solar import io as sd

    def value():
        if cache == "buildings":
            return len(buildings.set_production("saint_denis_buildings"))
        if cache == "solar":
            return len(sd.irradiance_table())
        if cache == "commuting":
            return len(commuting_state.communes_table())
        if cache == "headlines":
            return headlines.theme_headlines()["value"].round(6).tolist()
        return int(OverviewPage(lang="en").data().totals["communes"])

    old = db.pin(live_db)
    with db.using(old):
        first = value()
    con_path = live_db.with_name("next.duckdb")
    shutil.copy(live_db, con_path)
    con = duckdb.connect(str(con_path))
    con.execute("DELETE FROM buildings WHERE rowid % 2 = 0")
    con.execute("DELETE FROM communes WHERE commune_code NOT LIKE '75%' AND rowid % 3 = 0")
    con.execute("DELETE FROM irradiance_hourly WHERE rowid % 2 = 0")
    con.execute("UPDATE premises SET dwellings = dwellings * 2")
    con.execute("UPDATE commuting_flows SET workers = workers * 2")
    con.execute("UPDATE fibre_deployment SET connectable_premises = connectable_premises * 2")
    con.close()
    os.replace(con_path, live_db)
    second = value()
    with db.using(old):
        again = value()
    db.unpin(old)
    assert second != first and again == first


def test_import_rows_empty_only_when_the_table_is_absent(live_db, tmp_path):
    rows, prov = db.import_rows(live_db, "existing_sites")  # the build made the table
    assert rows.empty and prov.empty
    bare = tmp_path / "bare.duckdb"
    con = duckdb.connect(str(bare))
    con.execute("CREATE TABLE provenance (x INTEGER)")
    con.close()
    assert db.import_rows(bare, "existing_sites")[0].empty  # no such table: no rows
    assert db.import_rows(tmp_path / "none.duckdb", "existing_sites")[0].empty  # no file yet
    con = duckdb.connect(str(bare))
    con.execute("CREATE TABLE existing_sites (name VARCHAR)")  # another shape
    con.close()
    with pytest.raises(db.ImportedRowsError, match="bare.duckdb"):
        db.import_rows(bare, "existing_sites")
    damaged = tmp_path / "damaged.duckdb"
    damaged.write_bytes(b"not a duckdb file" * 1000)
    with pytest.raises(db.ImportedRowsError, match="damaged.duckdb"):
        db.import_rows(damaged, "existing_sites")


def test_a_rebuild_over_an_unreadable_database_stops_and_names_it(tmp_path):
    target = tmp_path / "smartidf.duckdb"
    target.write_bytes(b"not a duckdb file" * 1000)
    with pytest.raises(db.ImportedRowsError, match=str(target)):
        build.build(synthetic=True, path=target, progress=False, force=True)
    assert target.read_bytes() == b"not a duckdb file" * 1000  # left as it was


def _site_files(path: Path, folder: Path, files: int = 2, per_file: int = 2) -> list[Path]:
    """CSV files of ``per_file`` sites each, one site per commune of the database (a point
    inside it), no two alike."""
    communes = db.query("communes_map", path=path, paris_as_one=False)
    points = [shapely.from_wkb(bytes(w)).representative_point()
              for w in communes["geometry_wkb"].iloc[: files * per_file]]
    out = []
    for f in range(files):
        lines = ["name,lat,lon,seats"]
        for k in range(per_file):
            p = points[f * per_file + k]
            lines.append(f"Site {f}-{k},{p.y:.6f},{p.x:.6f},{10 + k}")
        file = folder / f"sites-{f}.csv"
        file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        out.append(file)
    return out


@pytest.mark.parametrize("run", range(3))
def test_two_imports_started_together_both_land(live_db, tmp_path, run):
    files = _site_files(live_db, tmp_path)
    smartidf = str(Path(sys.executable).parent / "smartidf")
    env = {**os.environ, "SMARTIDF_DB": str(live_db)}
    procs = [subprocess.Popen([smartidf, "data", "import-sites", str(f)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for f in files]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    rows, prov = db.import_rows(live_db, "existing_sites")
    assert sorted(rows["name"]) == ["Site 0-0", "Site 0-1", "Site 1-0", "Site 1-1"]
    assert sorted(prov["dataset_id"]) == ["import:sites-0.csv", "import:sites-1.csv"]


def test_a_rebuild_keeps_an_import_that_lands_while_it_runs(live_db, tmp_path):
    """A build holding the lock makes an import wait; the import then lands on the new
    build (and the sites imported before the build are carried over)."""
    from smartidf_analysis.data.existing_sites import import_sites

    first, second = _site_files(live_db, tmp_path)
    import_sites(first, db_path=live_db)
    landed = threading.Event()
    with db.write_lock(live_db):
        thread = threading.Thread(target=lambda: (import_sites(second, db_path=live_db),
                                                  landed.set()))
        thread.start()
        build.build(synthetic=True, path=live_db, progress=False, force=True, scale=1.5)
        # the import cannot land while the lock is held: only the first file's sites
        assert sorted(db.import_rows(live_db, "existing_sites")[0]["name"]) == [
            "Site 0-0", "Site 0-1"]
    thread.join(timeout=120)
    assert landed.is_set()
    assert sorted(db.import_rows(live_db, "existing_sites")[0]["name"]) == [
        "Site 0-0", "Site 0-1", "Site 1-0", "Site 1-1"]
