"""Session-callback events raised in callback threads reach their session, holds or not.

Why: with ``--num-threads`` Panel runs widget callbacks in a thread pool, and every change
such a callback makes to a page is scheduled with ``Document.add_next_tick_callback``,
which raises a ``SessionCallbackAdded`` event on the document from that thread. Bokeh's
``DocumentCallbackManager`` is not thread-safe: while the event loop holds the same
document (``hold``/``unhold``, which Panel does around every batch of model changes it
applies, and ``apps.shell.apply_changes`` too), the thread's event is appended to the held
events at the moment the loop swaps them out, and is lost. The callback is then never
scheduled: the page keeps its loading spinner and never shows the result of that change.
Measured: 5–10 of 5,000 callbacks lost in a stress loop (a thread adding callbacks while
the loop holds and unholds the document, ``tests/test_loop_events.py``), none with this
module. The symptom that led here, in ``benchmarks/load.py``: one telecentres change in
about three runs of 20 sessions × 60 s never answered ("no update within 30 s", the map's
spinner on and every callback thread idle). It came back once in four runs with this module
installed: the other cause was Panel's write queue (:mod:`.write_queue`).
Panel 1.9.4 serialises its own threaded ``hold`` (``_HOLD_LOCK``) but not this path.

The fix: :func:`install` wraps ``DocumentCallbackManager.trigger_on_change`` so that a
session-callback event raised off the loop's thread, on a served document, skips the hold
and goes straight to the document's change callbacks (the server session, which hands the
callback to tornado's thread-safe ``add_callback``), as it does anyway when no hold is on.
Holding such an event batches nothing: it only delays when the callback is scheduled
(handing the event itself to the loop instead would cost one more loop turn per change,
behind every other session's work). Nor does Bokeh's ``patch_curdoc`` wrap that call, as
it does in its own path: it pushes the document on a process-wide stack
(``bokeh.io.doc._PATCHED_CURDOCS``) that the loop pushes and pops at the same time for
other sessions, so a thread's push and pop can change which document ``curdoc()`` is on
the loop in the middle of another session's callback. The server session only hands the
callback to tornado here; it needs no current document. Model changes keep Bokeh's own
path: Panel makes some off the loop that are not meant for the browser (while a page is
saved as an HTML snapshot it points the shared stylesheet models at its CDN for a moment).
Documents without a session (notebooks, the snapshot's own document) are untouched.
"""

from __future__ import annotations

import logging
import threading

from bokeh.document.callbacks import DocumentCallbackManager
from bokeh.document.events import SessionCallbackAdded, SessionCallbackRemoved

log = logging.getLogger("smartidf.apps.loop_events")
_ORIGINAL = DocumentCallbackManager.trigger_on_change
_loop_thread: int | None = None  # ident of the server loop's thread, once installed


def _trigger_on_change(self: DocumentCallbackManager, event) -> None:
    if (_loop_thread is not None and threading.get_ident() != _loop_thread
            and isinstance(event, SessionCallbackAdded | SessionCallbackRemoved)):
        doc = self._document()
        if doc is not None and doc.session_context is not None:
            # what Bokeh does with no hold on, minus patch_curdoc (see the docstring)
            for callback in self.change_callbacks():
                callback(event)
            return
    _ORIGINAL(self, event)


def install() -> None:
    """Dispatch session-callback events raised off the calling thread, the server loop's,
    at once. Idempotent; :func:`uninstall` undoes it."""
    global _loop_thread
    _loop_thread = threading.get_ident()
    DocumentCallbackManager.trigger_on_change = _trigger_on_change
    log.info("session callbacks from callback threads are dispatched unheld")


def uninstall() -> None:
    """Bokeh's own ``trigger_on_change`` again (tests)."""
    global _loop_thread
    DocumentCallbackManager.trigger_on_change = _ORIGINAL
    _loop_thread = None


def installed() -> bool:
    """True while :func:`install` is in effect."""
    return DocumentCallbackManager.trigger_on_change is _trigger_on_change
