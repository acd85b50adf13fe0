"""Document events raised in callback threads are handed to the server's event loop.

Why: with ``--num-threads`` Panel runs widget callbacks in a thread pool, and every change
such a callback makes to a page is scheduled with ``Document.add_next_tick_callback``,
which raises a ``SessionCallbackAdded`` event on the document from that thread. Bokeh's
``DocumentCallbackManager`` is not thread-safe: while the event loop holds the same
document (``hold``/``unhold``, which Panel does around every batch of model changes it
applies, and ``apps.shell.apply_changes`` too), the thread's event is appended to the held
events at the moment the loop swaps them out, and is lost. The callback is then never
scheduled: the page keeps its loading spinner and never shows the result of that change.
Measured: 41–45 of 20,000 callbacks lost in a stress loop (a thread adding callbacks while
another holds and unholds the document), and in ``benchmarks/load.py`` one telecentres
change in about three runs of 20 sessions × 60 s never answered ("no update within 30 s").
Panel 1.9.4 serialises its own threaded ``hold`` (``_HOLD_LOCK``) but not this path.

The fix: :func:`install` wraps ``DocumentCallbackManager.trigger_on_change`` so that, for a
document of a server session, an event raised off the loop's thread is re-raised on the
loop (``IOLoop.add_callback``, thread-safe, first in first out), where holds happen. The
callback object is still returned at once; it only reaches the session one loop iteration
later. Only those session-callback events are handed over: a model change made off the
loop keeps Bokeh's own path. Panel makes some that are not meant for the browser: while a
page is saved as an HTML snapshot in a callback thread it points the shared stylesheet
models at its CDN for a moment; handed to the loop, they reached the browser, which then
tried to load six stylesheets from the internet. Documents without a session (notebooks,
the snapshot's own document) are untouched.
"""

from __future__ import annotations

import logging
import threading

from bokeh.document.callbacks import DocumentCallbackManager
from bokeh.document.events import SessionCallbackAdded, SessionCallbackRemoved

log = logging.getLogger("smartidf.apps.loop_events")
_ORIGINAL = DocumentCallbackManager.trigger_on_change
_LOOP: dict = {}  # "loop": the server's IOLoop, "thread": the ident of its thread


def _trigger_on_change(self: DocumentCallbackManager, event) -> None:
    loop = _LOOP.get("loop")
    if loop is not None and threading.get_ident() != _LOOP["thread"]:
        doc = self._document()
        if (isinstance(event, SessionCallbackAdded | SessionCallbackRemoved)
                and doc is not None and doc.session_context is not None):
            loop.add_callback(_ORIGINAL, self, event)
            return
    _ORIGINAL(self, event)


def install(loop) -> None:
    """Hand document events raised off ``loop``'s thread to ``loop`` (a tornado IOLoop);
    call from the thread running ``loop``. Idempotent; :func:`uninstall` undoes it."""
    _LOOP.update(loop=loop, thread=threading.get_ident())
    DocumentCallbackManager.trigger_on_change = _trigger_on_change
    log.info("document events from callback threads go through the event loop")


def uninstall() -> None:
    """Bokeh's own ``trigger_on_change`` again (tests)."""
    DocumentCallbackManager.trigger_on_change = _ORIGINAL
    _LOOP.clear()


def installed() -> bool:
    return DocumentCallbackManager.trigger_on_change is _trigger_on_change
