"""Server warm-up, run by ``panel serve --setup`` in every server process (``smartidf serve``).

Each page is built once outside any session, which imports its modules and fills the
shared caches (tables, indicators, projected geometries, yield cubes); then the garbage
collector is told to leave everything alive at that point alone (``gc.freeze``).

Why: Panel runs a full ``gc.collect()`` whenever sessions close, and Python runs one by
itself as objects accumulate. Each walked the whole heap, about 380,000 tracked objects once
the pages are loaded (the imports of Panel, Bokeh, HoloViews, pandas and the caches): 0.19–0.27
s per collection measured in-process, 0.2–0.7 s in the served app under load, a stall for
every session of the process. Frozen objects are not walked again: a full collection then
costs what the live sessions hold (0.09 s after five more pages). The frozen objects are never
freed, which is what a cache kept for the server's lifetime is anyway.

Python still started a full collection every ~70,000 net allocations, which with 20 open
sessions walked their documents (≈1 M objects: 0.5–0.75 s, every 10–20 s under load). The
thresholds are raised (:data:`GC_THRESHOLDS`): short-lived garbage is still collected young,
and Panel's own ``gc.collect()`` after sessions close releases their memory.
"""

from __future__ import annotations

import gc
import importlib
import logging
import time

# absolute imports: panel serve executes this file as a script
from smartidf_analysis.apps.shell import PAGES, guarded

log = logging.getLogger("smartidf.apps.warmup")
GC_THRESHOLDS = (50_000, 20, 10)  # CPython's default: (700, 10, 10)


def warm_up(pages: tuple[str, ...] = PAGES) -> dict[str, float]:
    """Build each page once (errors are logged by :func:`~.shell.guarded`), collect, then
    freeze the survivors; returns the seconds each page took."""
    seconds = {}
    for page in pages:
        started = time.perf_counter()
        module = importlib.import_module(f"smartidf_analysis.apps.{page}")
        guarded(module.build_page, page)
        seconds[page] = time.perf_counter() - started
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    log.info("warm-up: pages built in %s s; %d objects frozen",
             ", ".join(f"{p} {s:.1f}" for p, s in seconds.items()), gc.get_freeze_count())
    return seconds


if __name__ == "panel_setup_module":  # executed by `panel serve --setup <this file>`
    warm_up()
