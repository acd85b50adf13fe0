"""Changes a user makes to one widget are applied in the order they were made, and Panel's
busy state counts every change handled in callback threads.

Why: with ``--num-threads`` Panel hands each batch of browser changes to a widget to its
thread pool (``Syncable._change_event``: take the widget's pending changes, set the
widget's parameters, run the page's callbacks). Two changes made close together (two
clicks on a selector while the first update is still computing) can then run in two
threads at once, and nothing orders them: the thread with the older value may set it
after the newer one, and the widget, the URL and the page's figures keep the older choice
while the browser shows the newer. Measured with Panel's own code in the harness of
``tests/test_change_order.py`` (1,000 changes to one slider, each batch handed to a pool
of two threads, the interpreter switching threads as often as it can): in 8 runs of 50
trials the final value was not the last one sent in 13–22 trials per run, by up to 398
changes, and 4 of the 400 trials raised in Panel (``KeyError``: two threads sharing the
widget's record of the events it is processing; ``TypeError``: the busy counter, below);
none with one thread, nor with this module (200 trials).

Each batch also counts itself in and out of ``pn.state.busy`` (a process-wide list,
rebuilt on every change inside ``edit_readonly``, which flips the parameter's read-only
flag and puts it back). From several threads at once the list loses entries and the flag
ends up wrong: 4 threads × 2,000 events left 268–285 entries behind (``busy`` stays
true, the template's busy indicator spinning, until Panel drops entries older than
30 s), the ``busy`` parameter writable for good, and now and then a ``TypeError`` ("Read-only
parameter 'busy' cannot be modified") raised before the batch is processed, which drops
the change. None with this module.

The fix: :func:`install` wraps ``_change_event`` in a lock per widget, so that one
widget's batches run one after the other, each taking the changes pending when it starts
(other widgets and other sessions still run in parallel), and Panel's busy-counter
updates in one process-wide lock. Only threads wait on a widget's lock (the server's loop
never runs ``_change_event`` when there is a thread pool), and no thread holding one
waits for another: no deadlock.
"""

from __future__ import annotations

import logging
import threading

from panel.io.state import _state
from panel.reactive import Syncable

log = logging.getLogger("smartidf.apps.change_order")
_ORIGINAL = Syncable._change_event
_ORIGINAL_ADD_BUSY = _state._add_busy_event
_ORIGINAL_CLEANUP_BUSY = _state._cleanup_busy_counter
_LOCK_ATTRIBUTE = "_smartidf_change_lock"
_CREATING = threading.Lock()
_BUSY = threading.RLock()  # Panel's process-wide busy counter


def _lock_of(widget) -> threading.RLock:
    lock = widget.__dict__.get(_LOCK_ATTRIBUTE)
    if lock is None:
        with _CREATING:
            lock = widget.__dict__.setdefault(_LOCK_ATTRIBUTE, threading.RLock())
    return lock


def _change_event(self: Syncable, doc) -> None:
    with _lock_of(self):
        _ORIGINAL(self, doc)


def _add_busy_event(self, event_id: str) -> None:
    with _BUSY:
        _ORIGINAL_ADD_BUSY(self, event_id)


def _cleanup_busy_counter(self, event_id: str | None = None, timeout: float = 30.0) -> None:
    with _BUSY:
        _ORIGINAL_CLEANUP_BUSY(self, event_id, timeout)


def install() -> None:
    """Apply each widget's browser changes one batch at a time; count busy events under a
    lock. Idempotent."""
    Syncable._change_event = _change_event
    _state._add_busy_event = _add_busy_event
    _state._cleanup_busy_counter = _cleanup_busy_counter
    log.info("browser changes to one widget are applied in order")


def uninstall() -> None:
    """Panel's own methods again (tests)."""
    Syncable._change_event = _ORIGINAL
    _state._add_busy_event = _ORIGINAL_ADD_BUSY
    _state._cleanup_busy_counter = _ORIGINAL_CLEANUP_BUSY


def installed() -> bool:
    """True while :func:`install` is in effect."""
    return (Syncable._change_event is _change_event
            and _state._add_busy_event is _add_busy_event)
