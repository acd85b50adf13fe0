"""Load benchmark of the served app: N concurrent sessions against 127.0.0.1.

Starts `smartidf serve` on a free local port and opens N sessions over the pages (round
robin). Each session opens its page and keeps changing one widget (overview: population /
density; broadband: the quarter; commuting: the map indicator; solar: the system losses;
telecentres: the number of sites p) with a random think time between changes, for
--duration seconds (at most --max-changes changes), timing widget-to-update latency: from
the change until the element showing the result (caption, totals, KPIs) has changed.

Drivers (--driver):
- ``client`` (default): N-1 browserless sessions speaking the Bokeh server protocol
  (load_client.py: HTTP GET of the page, its websocket, the whole document pulled; only the
  server's work is timed, and the driver itself costs a few per cent of a core) plus one
  real headless Chromium page (the *browser probe*, overview page), which reports what a
  user sees in a browser while the others load the server;
- ``browser``: all N sessions are Chromium pages on the overview (on a 2-core machine the
  browsers' rendering competes with the server: a test-machine figure, not a server one).

Then --churn sessions are opened and closed in batches of 10 (their opening times are
printed) and the server's memory is compared before and after, once unused sessions have
been cleaned up. The server runs with `smartidf serve`'s own session settings
(--unused-session-lifetime 60 s, checked every 10 s): a shorter lifetime than the time a
page waits between its GET and its websocket (10 pages opened at once queue for seconds)
makes Bokeh discard the session built for the GET and build it again for the websocket.

With ``--proxy N`` the server is N `smartidf serve` instances of one process each (other
free ports, ``--use-xheaders``) behind a real nginx running `deploy/nginx.conf` on a free
127.0.0.1 port (tests/ui/proxying.py; the client sessions keep the visitor cookie as a
browser does). Memory and CPU are those of every server process. Server memory per session:
peak resident memory during the load phase minus the idle server's before it, over the
sessions. The last line (``SUMMARY ...``) holds one row of the capacity table
(benchmarks/README.md).

    SMARTIDF_DB=data/smartidf.duckdb .venv/bin/python benchmarks/load.py --sessions 20
    SMARTIDF_DB=data/smartidf.duckdb .venv/bin/python benchmarks/load.py --sessions 20 --proxy 2
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import psutil

from smartidf_analysis import cli

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "ui"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_client  # noqa: E402
from proxying import free_port, nginx  # noqa: E402
from serving import CHROMIUM, CHROMIUM_ARGS, server_errors, start_server, stop_server, wait_http  # noqa: E402

BROWSER_PAGE = "overview"
CAPTION = ".map-caption p"  # the text lives in the pane's shadow DOM


def _tree(servers: list[psutil.Process]) -> list[psutil.Process]:
    return [p for proc in servers for p in [proc, *proc.children(recursive=True)]]


def rss_mib(servers: list[psutil.Process]) -> float:
    """Resident memory of the server processes and their children [MiB]."""
    total = 0
    for p in _tree(servers):
        with contextlib.suppress(psutil.NoSuchProcess):
            total += p.memory_info().rss
    return total / 2**20


def cpu_seconds(servers: list[psutil.Process]) -> float:
    """CPU time of the server processes and their children (the --num-procs workers) [s]."""
    total = 0.0
    for p in _tree(servers):
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


class PeakMemory(threading.Thread):
    """The servers' highest resident memory [MiB], sampled every ``every`` seconds."""

    def __init__(self, servers: list[psutil.Process], every: float = 0.5):
        super().__init__(daemon=True)
        self.servers, self.every, self.samples = servers, every, [rss_mib(servers)]
        self.done = threading.Event()

    @property
    def peak(self) -> float:
        return max(self.samples)

    def run(self) -> None:
        while not self.done.wait(self.every):
            self.samples.append(rss_mib(self.servers))


@contextlib.contextmanager
def serving(db: Path, tmp: Path, args):
    """One `smartidf serve --num-procs N`, or ``args.proxy`` instances of one process behind
    nginx; yields (base URL, [supervisor processes], [server logs], [instance URLs])."""
    if not args.proxy:
        server, url, log = start_server(db, tmp, "--num-procs", str(args.num_procs))
        try:
            yield url, [server], [log], [url]
        finally:
            stop_server(server)
        return
    port = free_port()
    started = []
    try:
        for _ in range(args.proxy):
            started.append(start_server(db, tmp, "--num-procs", "1", "--use-xheaders",
                                        "--allow-websocket-origin", f"127.0.0.1:{port}"))
        for _server, url, _log in started:
            wait_http(f"{url}/liveness")
        upstreams = [url.removeprefix("http://") for _server, url, _log in started]
        with nginx(upstreams, tmp / f"nginx-{port}", port) as proxy:
            print(f"nginx on {proxy.url} (deploy/nginx.conf) -> {', '.join(upstreams)}; "
                  f"access log {proxy.access_log}")
            yield (proxy.url, [s for s, _url, _log in started], [log for *_, log in started],
                   [url for _server, url, _log in started])
    finally:
        for server, _url, _log in started:
            stop_server(server)


def percentile(values: list[float], q: int) -> str:
    """The ``q``-th percentile of ``values`` in seconds (inclusive method), or "-"."""
    if len(values) < 2:
        return "-"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[q - 1]:.2f} s"


def summary(latencies: list[float], what: str = "changes") -> str:
    if len(latencies) < 2:
        return f"{len(latencies)} {what}"
    q = statistics.quantiles(latencies, n=100, method="inclusive")  # never above max
    return (f"{len(latencies)} {what}, p50 {statistics.median(latencies):.3f} s, "
            f"p95 {q[94]:.3f} s, max {max(latencies):.3f} s")


async def browser_session(browser, url: str, duration: float, max_changes: int, think: float,
                          latencies: list[float], errors: list[str], barrier=None) -> None:
    """One Chromium page on the overview, clicking population / density."""
    import random

    rng = random.Random(1)
    context = await browser.new_context()
    page = await context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"browser: {exc}"))
    try:
        await page.goto(f"{url}/{BROWSER_PAGE}", timeout=120_000)
        caption = page.locator(CAPTION).first
        await caption.wait_for(timeout=120_000)
        await page.wait_for_selector("canvas", timeout=120_000)  # the session is live
        buttons = [page.get_by_role("button", name="Densité (hab./km²)"),
                   page.get_by_role("button", name="Population", exact=True)]
        if barrier is not None:
            await asyncio.to_thread(barrier.wait, 600)
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
                await asyncio.sleep(0.02)
            else:
                errors.append("browser: no update within 30 s")
                continue
            latencies.append(time.perf_counter() - start)
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
    except Exception as exc:  # noqa: BLE001 - counted as an error of the run
        errors.append(f"browser: {type(exc).__name__}: {exc}")
        if barrier is not None:
            barrier.abort()
    finally:
        await context.close()


async def load_phase(url: str, args) -> tuple[list[float], list[str], dict]:
    """The concurrent sessions; returns (all latencies, errors, {label: latencies})."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            if args.driver == "browser":
                latencies: list[float] = []
                errors: list[str] = []
                await asyncio.gather(*(browser_session(
                    browser, url, args.duration, args.max_changes, args.think, latencies,
                    errors) for _ in range(args.sessions)))
                return latencies, errors, {"overview (Chromium)": latencies}
            clients = args.sessions - (1 if args.browser_probe else 0)
            result, barrier, threads = load_client.run_sessions(
                url, args.pages, clients, duration=args.duration, max_changes=args.max_changes,
                think=args.think, extra_parties=1 if args.browser_probe else 0)
            probe: list[float] = []
            if args.browser_probe:
                await browser_session(browser, url, args.duration, args.max_changes,
                                      args.think, probe, result.errors, barrier)
            for thread in threads:
                await asyncio.to_thread(thread.join)
        finally:
            await browser.close()
    by_label = {f"{page} (client)": [] for page in args.pages}
    for latency, page in zip(result.latencies, result.pages, strict=True):
        by_label[f"{page} (client)"].append(latency)
    if args.browser_probe:
        by_label["overview (Chromium probe)"] = probe
    print(f"page opening (GET to live document, 2 at a time): {summary(result.open_times, 'pages')}")
    return result.latencies + probe, result.errors, by_label


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--pages", default=",".join(load_client.RECIPES),
                        help="comma-separated pages the client sessions use, round robin")
    parser.add_argument("--driver", choices=("client", "browser"), default="client")
    parser.add_argument("--no-browser-probe", dest="browser_probe", action="store_false")
    parser.add_argument("--duration", type=float, default=120.0, help="seconds of changes")
    parser.add_argument("--max-changes", type=int, default=60, help="per session")
    parser.add_argument("--think", type=float, default=1.0,
                        help="mean seconds between an update and the next change")
    parser.add_argument("--churn", type=int, default=100, help="sessions for the memory test")
    parser.add_argument("--num-procs", type=int, default=0,
                        help="server processes (default 0: one per core, as `smartidf serve`)")
    parser.add_argument("--proxy", type=int, default=0, metavar="N",
                        help="N instances of one process each behind nginx (deploy/nginx.conf) "
                             "instead of one instance with --num-procs")
    args = parser.parse_args()
    args.pages = [p for p in args.pages.split(",") if p]
    unknown = set(args.pages) - set(load_client.RECIPES)
    if unknown:
        parser.error(f"unknown pages {sorted(unknown)}; known: {sorted(load_client.RECIPES)}")
    db = Path(os.environ.get("SMARTIDF_DB", REPO / "data" / "smartidf.duckdb"))
    tmp = REPO / "data" / "bench"
    tmp.mkdir(parents=True, exist_ok=True)
    serve_defaults = cli.parser().parse_args(["serve"])
    cleanup = (serve_defaults.unused_session_lifetime
               + serve_defaults.check_unused_sessions) / 1000 + 5  # [s] closed sessions freed
    setup = (f"{args.proxy} instances x 1 process behind nginx" if args.proxy else
             f"1 instance, --num-procs {args.num_procs or psutil.cpu_count()}")
    with serving(db, tmp, args) as (url, servers, logs, instances):
        proc = [psutil.Process(server.pid) for server in servers]
        for instance in instances:
            for page in sorted({*args.pages, BROWSER_PAGE}):
                wait_http(f"{instance}/{page}")  # first requests import and warm the caches
        idle = rss_mib(proc)
        peak = PeakMemory(proc)
        peak.start()
        began = time.monotonic()
        driver, cpu_before = psutil.Process(), cpu_seconds(proc)
        driver_before = driver.cpu_times()
        latencies, errors, by_label = asyncio.run(load_phase(url, args))
        wall = time.monotonic() - began
        peak.done.set()
        peak.join()
        per_session = (peak.peak - idle) / args.sessions
        print(f"server memory: {idle:.0f} MiB idle, {peak.peak:.0f} MiB at the peak of the load "
              f"phase ({len(peak.samples)} samples, lowest {min(peak.samples):.0f} MiB): "
              f"{per_session:.1f} MiB per session")
        driver_after = driver.cpu_times()
        driver_cpu = (driver_after.user + driver_after.system
                      - driver_before.user - driver_before.system)
        server_cpu = cpu_seconds(proc) - cpu_before
        print(f"CPU over the load phase ({psutil.cpu_count()} cores): server "
              f"{100 * server_cpu / wall:.0f} %, load driver {100 * driver_cpu / wall:.0f} % (+ Chromium)")
        print(f"{args.sessions} concurrent sessions ({args.driver} driver), "
              f"{time.monotonic() - began:.0f} s, think time {args.think:g} s ± 50 %: "
              f"{len(errors)} errors")
        print(f"widget-to-update latency, all sessions: {summary(latencies)}")
        for label, values in by_label.items():
            print(f"  {label}: {summary(values)}")
        for error in errors[:5]:
            print("  error:", error)
        time.sleep(cleanup)  # the sessions of the load phase are cleaned up
        before = rss_mib(proc)
        churn_errors, churn_open = [], {}
        for i, page in enumerate(args.pages):  # the churn spread over the pages
            count = args.churn // len(args.pages) + (i < args.churn % len(args.pages))
            errors_of_page, churn_open[page] = load_client.churn(url, page, count)
            churn_errors += errors_of_page
        print("page opening in the churn (10 at once, GET to live document):")
        for page, times in churn_open.items():
            print(f"  {page}: {summary(times, 'pages')}")
        openings = [t for times in churn_open.values() for t in times]
        print(f"  all pages: {summary(openings, 'pages')}")
        time.sleep(cleanup)
        after = rss_mib(proc)
        print(f"server memory: {before:.0f} MiB before {args.churn} sessions, {after:.0f} MiB "
              f"after (growth {100 * (after - before) / before:+.1f} %), "
              f"{len(churn_errors)} errors")
        for error in churn_errors[:3]:
            print("  churn error:", error)
    tracebacks = [b for log in logs for b in server_errors(Path(log).read_text(errors="replace"))]
    print(f"server logs: {', '.join(map(str, logs))} ({len(tracebacks)} tracebacks)")
    for block in tracebacks[:3]:
        print(block[-600:])
    print(f"SUMMARY | {setup} | {args.sessions} | {percentile(latencies, 50)} | "
          f"{percentile(latencies, 95)} | {percentile(openings, 95)} | {len(errors)} + "
          f"{len(churn_errors)} | {per_session:.1f} MiB | {100 * server_cpu / wall:.0f} % |")


if __name__ == "__main__":
    main()
