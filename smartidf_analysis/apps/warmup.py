"""Server process setup, run by ``panel serve --setup`` (``smartidf serve``): the heap is
frozen after warm-up.

``panel serve --warm`` builds every page once, which imports its modules and fills the
shared caches (tables, indicators, projected geometries, yield cubes). Once the server's
event loop starts, after that warm-up, the survivors are collected and frozen
(``gc.freeze``): Python's collector never walks them again. Why: Panel runs a full
``gc.collect()`` whenever sessions close, and Python starts one itself as objects
accumulate. Each walked the whole heap, about 380,000 tracked objects once the pages are
loaded: 0.19–0.27 s per collection measured in-process, 0.2–0.7 s in the served app under
load, a stall for every session of the process. Frozen, a full collection costs what the
live sessions hold (0.09 s after five more pages). The frozen objects are never freed, which
is what a cache kept for the server's lifetime is anyway. The collection thresholds are
raised too (:data:`GC_THRESHOLDS`): with 20 open sessions (≈1 M objects) Python's automatic
full collections took 0.5–0.75 s every 10–20 s; young garbage is still collected young, and
Panel's own ``gc.collect()`` after sessions close still frees theirs.
"""

from __future__ import annotations

import gc
import logging

log = logging.getLogger("smartidf.apps.warmup")
GC_THRESHOLDS = (50_000, 20, 10)  # CPython's default: (700, 10, 10)


def freeze_heap() -> None:
    """Collect, freeze what survives (caches, modules), raise the collection thresholds."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    log.info("heap frozen after warm-up: %d objects", gc.get_freeze_count())


def setup() -> None:
    """Once the server's loop runs (after ``--warm``, once per process): heap frozen."""
    from tornado.ioloop import IOLoop

    IOLoop.current().add_callback(freeze_heap)


if __name__ == "panel_setup_module":  # executed by `panel serve --setup <this file>`
    setup()
