"""Changes a user makes to one widget are applied in the order they were made, and Panel's
busy state counts every change handled in callback threads.

Why: with ``--num-threads`` Panel hands each batch of browser changes to a widget to its
thread pool. On the loop, ``Syncable._server_change`` adds a change to the widget's
pending changes and schedules a batch unless some are already pending; in a thread,
``Syncable._change_event`` takes the pending changes, sets the widget's parameters and
runs the page's callbacks. Two races follow. (1) Two changes made close together (two
clicks on a selector while the first update is still computing) can run in two threads
at once, and nothing orders them: the older value may be set after the newer one, and the
widget, the URL and the page's figures keep the older choice while the browser shows the
newer. (2) The loop reads "some are pending", a thread then takes them, and the loop adds
the new change to the thread's fresh, empty set without scheduling a batch: it is never
applied, nor is any later change to that widget (each finds one pending). Measured with
Panel's own code in the harness of ``tests/test_change_order.py`` (1,000 releases of a
throttled slider, each batch handed to a pool of two threads, the interpreter switching
threads as often as it can), 8 runs of 50 trials: 2–10 trials per run ended on an older
value, by up to 643 changes; 13 of the 400 left changes pending forever and 1 raised a
``KeyError`` (two threads sharing the widget's record of the events it is processing).
With this module: none of either in 400 trials.

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
(other widgets and other sessions still run in parallel); the loop's check-and-add and the
thread's take of the pending changes hold one short lock (while a change is recorded and a
batch scheduled, never while a callback runs); Panel's busy-counter updates hold another.
Only threads wait on a widget's lock (the loop never runs ``_change_event`` for a served
page), and no thread holding one waits for a lock that the loop holds while waiting: no
deadlock.
"""

from __future__ import annotations

import logging
import threading

from panel.io.state import _state, set_curdoc
from panel.reactive import Syncable

log = logging.getLogger("smartidf.apps.change_order")
_ORIGINAL = Syncable._change_event
_ORIGINAL_SERVER_CHANGE = Syncable._server_change
_ORIGINAL_ADD_BUSY = _state._add_busy_event
_ORIGINAL_CLEANUP_BUSY = _state._cleanup_busy_counter
_LOCK_ATTRIBUTE = "_smartidf_change_lock"
_CREATING = threading.Lock()
_BUSY = threading.RLock()  # Panel's process-wide busy counter
_PENDING = threading.Lock()  # pending changes recorded or taken: held briefly, no callback


def _lock_of(widget) -> threading.RLock:
    lock = widget.__dict__.get(_LOCK_ATTRIBUTE)
    if lock is None:
        with _CREATING:
            lock = widget.__dict__.setdefault(_LOCK_ATTRIBUTE, threading.RLock())
    return lock


def _change_event(self: Syncable, doc) -> None:
    # Panel's own body, with the swap of the pending changes under _PENDING
    with _lock_of(self):
        with _PENDING:
            events, self._events = self._events, {}
        with set_curdoc(doc):
            self._process_events(events)


def _server_change(self: Syncable, doc, ref, subpath, attr, old, new) -> None:
    if doc.session_context is None:  # not served: Panel may process the change right here
        return _ORIGINAL_SERVER_CHANGE(self, doc, ref, subpath, attr, old, new)
    with _PENDING:  # served: it only records the change and schedules a batch
        return _ORIGINAL_SERVER_CHANGE(self, doc, ref, subpath, attr, old, new)


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
    Syncable._server_change = _server_change
    _state._add_busy_event = _add_busy_event
    _state._cleanup_busy_counter = _cleanup_busy_counter
    log.info("browser changes to one widget are applied in order")


def uninstall() -> None:
    """Panel's own methods again (tests)."""
    Syncable._change_event = _ORIGINAL
    Syncable._server_change = _ORIGINAL_SERVER_CHANGE
    _state._add_busy_event = _ORIGINAL_ADD_BUSY
    _state._cleanup_busy_counter = _ORIGINAL_CLEANUP_BUSY


def installed() -> bool:
    """True while :func:`install` is in effect."""
    return (Syncable._change_event is _change_event and Syncable._server_change is _server_change
            and _state._add_busy_event is _add_busy_event)
