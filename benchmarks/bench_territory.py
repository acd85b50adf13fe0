""""Mon territoire" goals (issue 28), measured, never asserted:

1. the page opens with its figures in <= 2 s for one visitor: Chromium opens
   ``/territoire?code=77288`` on a running ``smartidf serve`` (``--url``, or one started
   here and waited for), time from ``goto`` to the commune's fibre rate shown; 5 openings;
2. a commune's PDF in <= 5 s: in a process whose inputs are loaded (what the server and a
   batch have), one ``write_report`` with its own Chromium, and the same with a browser
   already running; plus ``smartidf report territory 77288`` as a command (cold process),
   the first time after a build (the build's inputs not kept yet) and then twice;
3. every EPCI and EPT of the region in <= 3 min: ``write_level("epci")`` then ``"ept"`` in one
   process, inputs load included.

Run from the repository root with the database built (``smartidf data build``)::

    .venv/bin/python benchmarks/bench_territory.py [--url http://127.0.0.1:5006] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CODE = "77288"
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "ui"))


def page_openings(url: str, n: int = 5, path: str = f"/territoire?code={CODE}",
                  shown: str = "tr[data-figure='fibre_rate'] td.value") -> list[float]:
    from playwright.sync_api import sync_playwright
    from serving import CHROMIUM, CHROMIUM_ARGS

    times = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(n):
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(f"{url}{path}", timeout=120_000)
            page.locator(shown).first.wait_for(timeout=120_000)
            times.append(time.perf_counter() - start)
            page.close()
        browser.close()
    return times


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--url", help="a running smartidf serve (default: start one)")
    args.add_argument("--out", default=None, help="folder for the reports (default: a temporary one)")
    opts = args.parse_args()
    out = Path(opts.out or tempfile.mkdtemp(prefix="bench-territory-"))
    print(f"machine load (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    def openings(url):
        return (page_openings(url), page_openings(url, path="/overview", shown=".headline-card"))

    if opts.url:
        times, baseline = openings(opts.url)
    else:
        from serving import served

        from smartidf_analysis import config

        with served(config.db_path(), out) as url:
            times, baseline = openings(url)
    print(f"1. page /territoire?code={CODE} with figures: median {statistics.median(times):.2f} s, "
          f"min {min(times):.2f} s, max {max(times):.2f} s ({len(times)} openings); the overview "
          f"page to its headline cards, same server: median {statistics.median(baseline):.2f} s")

    start = time.perf_counter()
    from smartidf_analysis.apps.territoire import report
    from smartidf_analysis.reporting import territory as terr

    terr.precompute()  # what the page's load does: inputs, every level's figures and flows
    print(f"   inputs and every level's figures loaded in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    report.write_report(CODE, out / "commune.pdf")
    own = time.perf_counter() - start
    with report.PdfPrinter() as printer:
        report.write_report(CODE, out / "warm.pdf", printer=printer)  # the browser's first page
        start = time.perf_counter()
        report.write_report(CODE, out / "commune2.pdf", printer=printer)
        shared = time.perf_counter() - start
    from smartidf_analysis.data import stored

    cli = {}
    for kept in (False, True, True):  # first after a build (nothing kept yet), then as usual
        if not kept:
            for file in stored.cache_dir().glob("prepared_inputs-*.pickle"):
                file.unlink()
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "smartidf_analysis", "report", "territory", CODE,
                        "--out", str(out / "cli.pdf")], check=True, capture_output=True)
        cli.setdefault(kept, []).append(time.perf_counter() - start)
    print(f"2. commune PDF: {own:.2f} s with its own Chromium, {shared:.2f} s with a running one; "
          f"the command in a cold process: {min(cli[True]):.1f}-{max(cli[True]):.1f} s with the "
          f"build's inputs kept beside the database (data/stored.py), {cli[False][0]:.1f} s the "
          "first time after a build (computing and keeping them)")

    start = time.perf_counter()
    written = report.write_level("epci", out / "epci", progress=False)
    written += report.write_level("ept", out / "ept", progress=False)
    total = time.perf_counter() - start
    start = time.perf_counter()
    for level in ("epci", "ept"):
        subprocess.run([sys.executable, "-m", "smartidf_analysis", "report", "territories",
                        "--level", level, "--out", str(out / f"cli-{level}")], check=True,
                       capture_output=True)
    commands = time.perf_counter() - start
    print(f"3. {len(written)} EPCI and EPT PDFs in {total:.1f} s in a warm process "
          f"({total / len(written):.2f} s each); the two commands `smartidf report territories "
          f"--level epci|ept` from cold processes {commands:.1f} s; in {out}")


if __name__ == "__main__":
    main()
