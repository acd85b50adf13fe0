"""Queued websocket messages are always sent: none stranded by Panel's write queue.

Why: when Panel cannot write a batch of changes to a page's websocket at once (a write to
that socket is in progress), it serialises the batch into a PATCH-DOC message, queues it
(``panel.io.document._WRITE_MSGS``), marks the document as blocked (``_WRITE_BLOCK``) and
starts a task, ``_dispatch_msgs``, that sends the queue. Each such task returns at once
when the document is not marked, and a task that has sent its messages and awaited their
writes removes the mark. So when a task finishes its writes in the same loop turn as a
new batch is queued, after the new batch's task was scheduled but before it ran, it
removes the mark the new batch set, and the new task then returns without sending: the
message waits until the page's next change queues another (Panel 1.9.4). When a page's
results and the end of its loading state both wait there, it shows the loading spinner
and never the result: what ``benchmarks/load.py`` saw in about one telecentres change in
three runs of 20 sessions × 60 s ("no update within 30 s"; the map's loading state and the
new URL, sent before, had arrived). ``tests/test_write_queue.py`` replays that order with
Panel's own functions; a probe in the served app found it once in a 120 s run of
``load.py`` with Panel's code alone (flushed that time by a later change of the page).

The fix: :func:`install` wraps ``_dispatch_msgs`` so that a task finding messages queued
for its document marks the document again before Panel's code runs: it sends them.
While the mark is briefly off, nothing overtakes the queued message, since Panel also
queues new changes whenever messages are waiting. Nothing else changes.
"""

from __future__ import annotations

import logging

from panel.io import document as panel_document

log = logging.getLogger("smartidf.apps.write_queue")
_ORIGINAL = panel_document._dispatch_msgs


async def _dispatch_msgs(doc) -> None:
    if panel_document._WRITE_MSGS.get(doc):  # queued: sent by this task, whoever unmarked
        panel_document._WRITE_BLOCK[doc] = True
    await _ORIGINAL(doc)


def install() -> None:
    """Make every task of Panel's write queue send what is queued. Idempotent."""
    panel_document._dispatch_msgs = _dispatch_msgs
    log.info("queued websocket messages are sent by the next write task")


def uninstall() -> None:
    """Panel's own ``_dispatch_msgs`` again (tests)."""
    panel_document._dispatch_msgs = _ORIGINAL


def installed() -> bool:
    """True while :func:`install` is in effect."""
    return panel_document._dispatch_msgs is _dispatch_msgs
