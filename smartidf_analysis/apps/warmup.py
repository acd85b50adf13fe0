"""Server process setup, run by ``panel serve --setup`` (``smartidf serve``): the heap is
frozen after warm-up.

In each server process (``--num-procs``: Panel runs the setup file once per process),
:func:`warm_caches` imports every page module, loads every page's shared data for the
database build being served (:meth:`~.page.Page.load`: tables, indicators, geometry) and
makes each page once outside a session (the default view's results cached), so the first
visitors do not pay for it. Not ``panel serve --warm``: with several processes on
Python < 3.12 Panel warms without a session context, and the stylesheet models it creates
then (shared by every later session) point at Panel's CDN, which fails offline (17 console
errors per page, measured with Panel 1.9.4). Once the server's
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


def warm_caches() -> list[str]:
    """Load the shared data of every page (see :mod:`smartidf_analysis.apps.page`) for the served database;
    returns the pages warmed. A page whose data cannot be loaded (no database, missing
    datasets) is logged and left to show its own message.

    Returns
    -------
    list of str
        The pages warmed.
    """
    # absolute imports: this file is run as a script by --setup
    from smartidf_analysis import config
    from smartidf_analysis.apps import pages
    from smartidf_analysis.apps.page import cached_data
    from smartidf_analysis.data import db

    warmed = []
    for page_class in pages.PAGE_CLASSES:
        try:
            database = str(config.db_path())
            with db.pinned(database):  # keys and reads of one build
                cached_data(page_class, database, db.build_key(database))
                # one page made outside a session, at once: the results of the default
                # view (solar yield cube and roof results, siting solve...) enter the shared
                # caches, and the modules a first render imports are imported (measured
                # before: ten solar pages opened at once each computed the same yield
                # cube, 2.2 s of server CPU per page)
                page_class(lang="fr").__panel__()
            warmed.append(page_class.page)
        except Exception as exc:  # noqa: BLE001 - the page reports its own problem (and
            # logs its traceback) to its visitors: here, one line
            log.warning("could not warm the %s page: %s: %.300s", page_class.page,
                        type(exc).__name__, exc)
    return warmed


def setup() -> None:
    """Once per server process: every page's data loaded, then, once the server's loop
    runs, the heap frozen."""
    import panel as pn
    from tornado.ioloop import IOLoop

    from smartidf_analysis.apps.shell import page_html_key
    from smartidf_analysis.apps.supervisor import worker_dies_with_server
    from smartidf_analysis.apps.updates import check_panel_version

    worker_dies_with_server()  # a forked worker stops with the process that forked it
    check_panel_version()  # the pages' workaround of a Panel bug was checked on this release
    pn.config.session_key_func = page_html_key  # the HTML of `--reuse-sessions`
    log.info("pages warmed: %s", warm_caches())
    IOLoop.current().add_callback(freeze_heap)


if __name__ == "panel_setup_module":  # executed by `panel serve --setup <this file>`
    setup()
