"""Smart Work benchmark: the "Mon télécentre" answer (package function and page update,
server side) and the Grand Paris Express scenario solved exactly.

Prints times with ratios against a baseline measured in the same run; never asserts on time.

    SMARTIDF_DB=/path/to/real.duckdb .venv/bin/python benchmarks/bench_smartwork.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np
from common import report, timed

from smartidf_analysis import config
from smartidf_analysis import telecentres as tc
from smartidf_analysis.telecentres import finder, networks

#: home/work pairs of the timing (outer ring to the business districts, inner ring, Paris)
PAIRS = [("77288", "92062"), ("95127", "75108"), ("91477", "92026"), ("78646", "75115"),
         ("93066", "94081"), ("75120", "92012"), ("77108", "93029"), ("94028", "75113")]


def bench_finder(inputs, rows, notes) -> None:
    existing, proposed = finder.site_sets(inputs)
    times = []
    for home, work in PAIRS * 5:
        for mode in finder.FINDER_MODES:
            started = time.perf_counter()
            finder.find_sites(inputs.communes, home, work, mode, 2, existing, proposed)
            times.append(time.perf_counter() - started)
    rows.append(("finder: find_sites (package)", statistics.median(times),
                 f"p95 {np.percentile(times, 95) * 1000:.1f} ms over {len(times)} answers"))


def bench_page(rows, notes) -> None:
    from bokeh.document import Document

    from smartidf_analysis.apps import finder as app
    from smartidf_analysis.apps.shell import setup

    setup()
    started = time.perf_counter()
    page = app.FinderPage(lang="fr")
    page.__panel__().server_doc(Document())
    rows.append(("finder page: first build (data loaded)", time.perf_counter() - started, ""))
    times = []
    for home, work in PAIRS:
        start = time.perf_counter()  # outside a server the update is done when set
        page.state.param.update(home=home, work=work)
        times.append(time.perf_counter() - start)
        start = time.perf_counter()
        page.state.days = 3.0 if page.state.days == 2.0 else 2.0
        times.append(time.perf_counter() - start)
    rows.append(("finder page: answer (compute + panes)", statistics.median(times),
                 f"max {max(times) * 1000:.1f} ms over {len(times)} changes, server side "
                 "(goal ≤ 200 ms)"))


def bench_gpe(inputs, rows, notes) -> None:
    for p in (50, 200):
        scenario = tc.DEFAULT.but(n_sites=p, method="milp", mip_rel_gap=0.0)
        seconds, table = timed(lambda s=scenario: networks.gpe_comparison(inputs, s), repeat=1)
        t = table.set_index("network")
        today, gpe = t.loc["stations_2025"], t.loc["stations_2025_plus_gpe"]
        rows.append((f"GPE comparison MCLP p={p} exact (2 solves)", seconds,
                     f"solves {today['solve_time_s']:.2f} + {gpe['solve_time_s']:.2f} s, "
                     f"{gpe['status']}"))
        notes.append(
            f"p={p}: demand served {today['demand_served_pct']:.2f} % → "
            f"{gpe['demand_served_pct']:.2f} % with GPE ({today['daily_users']:,.0f} → "
            f"{gpe['daily_users']:,.0f} daily users; {int(gpe['planned_sites_chosen'])} GPE "
            f"stations chosen of {int(gpe['planned_candidates'])}); km/yr "
            f"{today['km_avoided_per_year'] / 1e6:.1f} M → {gpe['km_avoided_per_year'] / 1e6:.1f} M;"
            f" hours/yr {today['hours_saved_per_year'] / 1e6:.2f} M → "
            f"{gpe['hours_saved_per_year'] / 1e6:.2f} M")


def main() -> None:
    print(f"database: {config.db_path()}")
    load_s, inputs = timed(lambda: tc.load_inputs(), repeat=1)
    _ = inputs.distances
    rows: list[tuple[str, float, str]] = [("load inputs", load_s, "")]
    notes: list[str] = []
    bench_finder(inputs, rows, notes)
    bench_page(rows, notes)
    bench_gpe(inputs, rows, notes)
    report("Smart Work", rows, baseline="finder: find_sites (package)")
    print()
    for note in notes:
        print("-", note)


if __name__ == "__main__":
    main()
