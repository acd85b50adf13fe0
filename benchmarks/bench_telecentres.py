"""Telecentres benchmark: siting at full size (every home commune × every candidate station,
p = 200) exactly (HiGHS MILP) and greedily, and a slider change on the dashboard page.

Prints times with ratios against the greedy heuristic measured in the same run, the MILP's
status and optimality gap, and how far greedy lands from the optimum. Never asserts on time.

    SMARTIDF_DB=/path/to/real.duckdb .venv/bin/python benchmarks/bench_telecentres.py [--stress]

``--stress`` adds the largest instance: all 942 IDFM stations of the region (every mode, no
fibre filter) as candidates, where the p-median MILP hits its time limit and the gap comes
from the Lagrangian bound.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from common import report, timed

from smartidf_analysis import config
from smartidf_analysis import telecentres as tc
from smartidf_analysis.siting.mclp import MaximalCoveringLocation
from smartidf_analysis.siting.pmedian import PMedian


def instance(inputs: tc.TelecentreInputs, scenario: tc.Scenario):
    """Cost matrix (home communes × candidate stations) and daily users per home commune."""
    demand = tc.demand_by_commune(inputs.flows, scenario).set_index("home_code")
    users = demand["daily_users"].reindex(inputs.homes.index).fillna(0.0).to_numpy()
    index = np.flatnonzero(inputs.candidates(scenario)["candidate"].to_numpy())
    return inputs.distances[:, index], users


def bench_mclp(cost, users, radius, p, label, rows, notes):
    greedy_s, greedy = timed(lambda: MaximalCoveringLocation.from_cost_matrix(
        cost, users, radius, p).solve("greedy"))
    exact_s, exact = timed(lambda: MaximalCoveringLocation.from_cost_matrix(
        cost, users, radius, p).solve("milp", time_limit=60), repeat=1)
    shortfall = 1 - greedy.covered_demand / exact.covered_demand
    rows += [(f"MCLP {label} greedy", greedy_s, f"covers {greedy.perc_cov:.2f} %"),
             (f"MCLP {label} MILP", exact_s,
              f"{exact.status}, gap {exact.mip_gap:.2e}, covers {exact.perc_cov:.2f} %")]
    notes.append(f"MCLP {label}: greedy {100 * shortfall:.2f} % below the optimum")


def bench_pmedian(cost, users, p, label, rows, notes, time_limit=60.0):
    greedy_s, greedy = timed(lambda: PMedian.from_cost_matrix(cost, users, p).solve("greedy"))
    exact_s, exact = timed(lambda: PMedian.from_cost_matrix(cost, users, p).solve(
        "milp", time_limit=time_limit), repeat=1)
    excess = greedy.objective / exact.objective - 1
    rows += [(f"p-median {label} greedy", greedy_s, f"mean {greedy.mean_dist:.3f} km"),
             (f"p-median {label} MILP", exact_s,
              f"{exact.status}, gap {exact.mip_gap:.2e}, mean {exact.mean_dist:.3f} km")]
    notes.append(f"p-median {label}: greedy {100 * excess:.2f} % above the best solution found")


def bench_page(rows, notes) -> None:
    from bokeh.document import Document

    from smartidf_analysis.apps import telecentres as app
    from smartidf_analysis.apps.shell import setup

    setup()
    started = time.perf_counter()
    page = app.TelecentresPage(lang="fr")
    page.__panel__().server_doc(Document())
    rows.append(("page: first build (inputs loaded)", time.perf_counter() - started, ""))
    times = []
    for p in (190, 150, 120, 90, 60):  # new scenarios each time: no cache hit
        start = time.perf_counter()
        page.state.n_sites = p  # outside a server the update is done when this returns
        times.append(time.perf_counter() - start)
    rows.append(("page: slider change (greedy + redraw)", float(np.median(times)),
                 f"max {max(times):.3f} s over {len(times)} changes, server side"))
    notes.append("page timing = recompute + Bokeh model updates in the server; the browser "
                 "adds the websocket round trip (see tests/ui/test_telecentres.py output)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stress", action="store_true", help="add the 942-station instance")
    args = parser.parse_args()
    print(f"database: {config.db_path()}")
    load_s, inputs = timed(lambda: tc.load_inputs(), repeat=1)
    _ = inputs.distances
    rows: list[tuple[str, float, str]] = [("load inputs (flows, stations, fibre)", load_s, "")]
    notes: list[str] = []

    default = tc.DEFAULT
    cost, users = instance(inputs, default)
    n, m = cost.shape
    print(f"full size: {n} home communes × {m} candidate stations, p = {default.n_sites}")
    bench_mclp(cost, users, 5.0, 200, "R=5 p=200", rows, notes)
    bench_mclp(cost, users, 3.0, 200, "R=3 p=200", rows, notes)
    bench_mclp(cost, users, 5.0, 50, "R=5 p=50", rows, notes)
    bench_pmedian(cost, users, 200, "p=200", rows, notes)
    if args.stress:
        wide = default.but(fibre_threshold=0.0, candidate_modes=tc.STATION_MODES)
        cost_w, users_w = instance(inputs, wide)
        print(f"stress: {cost_w.shape[0]} × {cost_w.shape[1]} candidate stations")
        bench_mclp(cost_w, users_w, 5.0, 200, "all stations R=5 p=200", rows, notes)
        bench_mclp(cost_w, users_w, 5.0, 50, "all stations R=5 p=50", rows, notes)
        bench_pmedian(cost_w, users_w, 200, "all stations p=200", rows, notes, time_limit=60)
    bench_page(rows, notes)
    report("Telecentres siting", rows, baseline="MCLP R=5 p=200 greedy")
    print()
    for note in notes:
        print("-", note)


if __name__ == "__main__":
    main()
