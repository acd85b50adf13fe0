"""Load benchmark of the served app: N concurrent browser sessions against 127.0.0.1.

Starts `smartidf serve` on a free local port, then N headless Chromium pages (Debian's
/usr/bin/chromium, Playwright async API) each open a page and repeatedly change a widget
(the overview's population / density buttons: the map is recoloured in place),
timing widget-to-update latency until the map caption reflects the new state. Bounded:
--duration seconds, at most --max-changes changes per session. Then 100 sessions are
opened and closed in batches and the server's memory is compared before and after (once
unused sessions have been cleaned up).

    SMARTIDF_DB=data/smartidf.duckdb .venv/bin/python benchmarks/load.py --sessions 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "ui"))
from serving import CHROMIUM, CHROMIUM_ARGS, start_server, stop_server, wait_http  # noqa: E402

PAGE = "overview"
CAPTION = ".map-caption p"  # the text lives in the pane's shadow DOM


def rss_mib(proc: psutil.Process) -> float:
    """Resident memory of the server process and its children [MiB]."""
    procs = [proc, *proc.children(recursive=True)]
    return sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20


async def one_session(browser, url: str, duration: float, max_changes: int,
                      latencies: list[float], errors: list[str]) -> None:
    context = await browser.new_context()
    page = await context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        await page.goto(f"{url}/{PAGE}", timeout=120_000)
        caption = page.locator(CAPTION).first
        await caption.wait_for(timeout=120_000)
        await page.wait_for_selector("canvas", timeout=120_000)  # the session is live
        buttons = [page.get_by_role("button", name="Densité (hab./km²)"),
                   page.get_by_role("button", name="Population", exact=True)]
        deadline = time.monotonic() + duration  # from when this session's page is ready
        for change in range(max_changes):
            if time.monotonic() > deadline:
                break
            before = await caption.inner_text()
            start = time.perf_counter()
            await buttons[change % 2].click()
            for _ in range(600):  # at most 30 s
                if await caption.inner_text() != before:
                    break
                await asyncio.sleep(0.05)
            else:
                errors.append("no update within 30 s")
                continue
            latencies.append(time.perf_counter() - start)
            await asyncio.sleep(0.5)
    except Exception as exc:  # noqa: BLE001 - counted as an error of the run
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        await context.close()


async def run(url: str, sessions: int, duration: float, max_changes: int, proc, churn: int):
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        latencies: list[float] = []
        errors: list[str] = []
        await asyncio.gather(*(one_session(browser, url, duration, max_changes, latencies,
                                           errors) for _ in range(sessions)))
        print(f"{sessions} concurrent sessions, {len(latencies)} widget changes, "
              f"{len(errors)} errors")
        if latencies:
            q = statistics.quantiles(latencies, n=100)
            print(f"widget-to-update latency: p50 {statistics.median(latencies):.3f} s, "
                  f"p95 {q[94]:.3f} s, max {max(latencies):.3f} s")
        for e in errors[:5]:
            print("  error:", e)
        # memory hygiene: open and close `churn` sessions, let the server clean them up
        await asyncio.sleep(15)
        before = rss_mib(proc)
        churn_errors: list[str] = []
        for start in range(0, churn, 10):
            batch = min(10, churn - start)
            await asyncio.gather(*(one_session(browser, url, 0, 0, [], churn_errors)
                                   for _ in range(batch)))
        await asyncio.sleep(25)  # > unused-session lifetime + check interval
        after = rss_mib(proc)
        await browser.close()
    print(f"server memory: {before:.0f} MiB before {churn} sessions, {after:.0f} MiB after "
          f"(growth {100 * (after - before) / before:+.1f} %), {len(churn_errors)} errors")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of changes")
    parser.add_argument("--max-changes", type=int, default=40, help="per session")
    parser.add_argument("--churn", type=int, default=100, help="sessions for the memory test")
    parser.add_argument("--num-threads", type=int, default=4)
    args = parser.parse_args()
    db = Path(os.environ.get("SMARTIDF_DB", REPO / "data" / "smartidf.duckdb"))
    tmp = REPO / "data" / "bench"
    tmp.mkdir(parents=True, exist_ok=True)
    server, url, log = start_server(db, tmp, "--num-threads", str(args.num_threads),
                                    "--unused-session-lifetime", "5000",
                                    "--check-unused-sessions", "2000")
    try:
        wait_http(f"{url}/{PAGE}")
        asyncio.run(run(url, args.sessions, args.duration, args.max_changes,
                        psutil.Process(server.pid), args.churn))
    finally:
        stop_server(server)
    print(f"server log: {log}")


if __name__ == "__main__":
    main()
