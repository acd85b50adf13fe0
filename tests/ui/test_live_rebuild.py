"""A rebuild and two imports at once while `smartidf serve` runs and a visitor keeps changing a
widget (issue 26 point 3): the open session keeps working on its build with no error, both
imports land, and a page opened afterwards shows the new build."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import shapely
from playwright.sync_api import expect
from serving import served
from waits import wait_rendered

TIMEOUT = 120_000
SETS = {"saint_denis_buildings": "Saint-Denis", "paris13_volumes": "Paris 13"}


def _site_files(path: Path, folder: Path) -> list[Path]:
    """Two CSV files of two sites each, each site at a point inside another commune."""
    from smartidf_analysis.data import db

    communes = db.query("communes_map", path=path, paris_as_one=False)
    points = [shapely.from_wkb(bytes(w)).representative_point()
              for w in communes["geometry_wkb"].iloc[:4]]
    files = []
    for f in range(2):
        rows = [f"Live site {f}-{k},{points[2 * f + k].y:.6f},{points[2 * f + k].x:.6f}"
                for k in range(2)]
        file = folder / f"live-sites-{f}.csv"
        file.write_text("name,lat,lon\n" + "\n".join(rows) + "\n", encoding="utf-8")
        files.append(file)
    return files


@pytest.fixture
def live_db(synthetic_db, tmp_path):
    """A private copy of the synthetic database (the test rebuilds and imports into it),
    with the buildings caption of each real roof set as the open session should show it."""
    from smartidf_analysis.apps.buildings import set_production
    from smartidf_analysis.data import db

    path = tmp_path / "smartidf.duckdb"
    shutil.copy(synthetic_db, path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SMARTIDF_DB", str(path))
        counts = {s: len(set_production(s)) for s in SETS}
        population = db.query("region_totals", path=path)["population"].iloc[0]
        db.close_shared()
    assert counts["saint_denis_buildings"] != counts["paris13_volumes"]
    return path, counts, population


def _older_builds_held(path: Path) -> list[str]:
    """The files other processes (the server) hold open under ``path`` that were replaced
    since ("... (deleted)": an older build's connection still open)."""
    held = []
    for pid in psutil.pids():
        if pid == os.getpid():
            continue
        try:
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
        except OSError:  # gone, or not ours to read
            continue
        held += [link for link in links if link.startswith(str(path)) and "(deleted)" in link]
    return held


def _choose(page, roof_set: str, count: int) -> None:
    """Pick ``roof_set`` in the open page and wait for its caption (its count of buildings)."""
    select = page.get_by_role("combobox", name="Buildings")
    label = next(o.strip() for o in select.locator("option").all_inner_texts()
                 if SETS[roof_set] in o)
    select.select_option(label=label)
    expect(page.locator(".deck-caption")).to_contain_text(f"{count:,} buildings",
                                                          timeout=TIMEOUT)


def test_rebuild_and_two_imports_while_a_session_changes_a_widget(page, live_db, tmp_path,
                                                                  console_errors):
    from smartidf_analysis.data import db

    path, counts, population = live_db
    files = _site_files(path, tmp_path)
    smartidf = str(Path(sys.executable).parent / "smartidf")
    env = {**os.environ, "SMARTIDF_DB": str(path)}
    with served(path, tmp_path, "--num-procs", "1", "--unused-session-lifetime", "1000",
                "--check-unused-sessions", "500", ready="/buildings?lang=en") as url:
        # (the ready request is the first of its page key: Panel keeps that session for the
        # HTML of the key and never ends it; the visitor below gets a session of its own)
        page.set_viewport_size({"width": 1400, "height": 1000})
        page.goto(f"{url}/buildings?lang=en", timeout=TIMEOUT)
        wait_rendered(page, TIMEOUT)
        _choose(page, "paris13_volumes", counts["paris13_volumes"])
        writers = [subprocess.Popen([smartidf, "data", "build", "--synthetic", "--scale", "2",
                                     "--force", "--quiet"], env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True)]
        writers += [subprocess.Popen([smartidf, "data", "import-sites", str(f)], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                    for f in files]
        changes_during, changes_after, shown = 0, 0, "paris13_volumes"
        while any(w.poll() is None for w in writers) or changes_after < 4:
            if any(w.poll() is None for w in writers):
                changes_during += 1
            else:
                changes_after += 1
            shown = next(s for s in SETS if s != shown)
            _choose(page, shown, counts[shown])  # the open session: its own build
        outputs = [w.communicate(timeout=60)[0] for w in writers]
        assert [w.returncode for w in writers] == [0, 0, 0], outputs
        expect(page.locator(".page-error")).to_be_hidden()

        # a page opened now: the new build, with both imports
        fresh = page.context.new_page()
        fresh.goto(f"{url}/overview?lang=en", timeout=TIMEOUT)
        wait_rendered(fresh, TIMEOUT)
        rebuilt = db.query("region_totals", path=path)["population"].iloc[0]
        assert rebuilt != population
        headline = fresh.locator("text=Île-de-France").first
        expect(headline).to_be_visible(timeout=TIMEOUT)
        for name in ("live-sites-0.csv", "live-sites-1.csv"):
            expect(fresh.get_by_text(f"Existing sites imported from {name}")).to_be_visible(
                timeout=TIMEOUT)
        expect(fresh.locator("body")).to_contain_text(f"{rebuilt:,.0f}", timeout=TIMEOUT)
        expect(fresh.locator(".page-error")).to_be_hidden()
        fresh.close()

        # the open session still reads the build it opened on; once it is closed, the
        # server closes that older build's connection
        assert _older_builds_held(path), "the open session's build was closed under it"
        page.goto("about:blank")
        deadline = time.monotonic() + 120
        while _older_builds_held(path) and time.monotonic() < deadline:
            time.sleep(0.5)  # polls the condition (Panel drops closed sessions every 0.5 s)
        assert _older_builds_held(path) == []
    rows = db.import_rows(path, "existing_sites")[0]
    db.close_shared()
    assert sorted(rows["name"]) == ["Live site 0-0", "Live site 0-1", "Live site 1-0",
                                    "Live site 1-1"]
    assert console_errors == []
    print(f"widget changes while the writers ran: {changes_during}, after: {changes_after}")
