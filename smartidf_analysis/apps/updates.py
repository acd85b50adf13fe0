"""What every page does with a state change that takes time: the work in a worker thread, the
result shown only if no newer change started meanwhile ("latest result wins"), the panes
busy meanwhile, and the page's first update. :class:`~.page.Page` inherits
:class:`LatestUpdates`; a page writes::

    async def _update(self, *_):
        async with self.latest(self._map_box, blank=self._show_nothing) as update:
            result = await update.run(solve, self.state.scenario())
            with pn.io.hold():
                self._show(result)

Served, ``update.run`` awaits ``asyncio.to_thread`` (:meth:`LatestUpdates.in_thread`): the
server's loop serves the other sessions meanwhile, and a newer change may start; when it has,
the older block stops at its ``run`` and shows nothing. Outside a server (tests, scripts,
notebooks) nothing waits: :meth:`LatestUpdates.first_update` runs the update at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

import panel as pn

from .shell import is_served

log = logging.getLogger("smartidf.apps.page")

#: Panel releases whose write queue can leave a message to the browser unsent (see
#: ``tests/test_upstream_bugs.py``, strict xfail): :meth:`LatestUpdates.in_thread` works around it by
#: a later change of a hidden pane, which makes Panel send what it left queued. Another
#: Panel release stops the server at start-up (:func:`check_panel_version`) until the
#: reproduction says whether the workaround is still needed.
PANEL_WRITE_QUEUE_RACE = ("1.9.4",)
FLUSH_AFTER_MS = (250, 1500)  # [ms] after an async callback's result came back


def check_panel_version(version: str | None = None) -> None:
    """Raise unless ``version`` (default: the installed Panel) is one the write-queue
    workaround was checked against (:data:`PANEL_WRITE_QUEUE_RACE`).

    Parameters
    ----------
    version : str, optional
        A Panel version; default the installed one.

    Raises
    ------
    RuntimeError
        For a version not in :data:`PANEL_WRITE_QUEUE_RACE`.
    """
    version = version or pn.__version__
    if version not in PANEL_WRITE_QUEUE_RACE:
        raise RuntimeError(
            f"Panel {version}: the served pages work around a write-queue race of Panel "
            f"{', '.join(PANEL_WRITE_QUEUE_RACE)} (apps/updates.py). Run "
            "tests/test_upstream_bugs.py: if the race is fixed (XPASS), remove the "
            "workaround; if not, add this version to PANEL_WRITE_QUEUE_RACE.")


class _Superseded(Exception):
    """A newer update started while this one waited: it shows nothing (never raised out of
    :meth:`LatestUpdates.latest`)."""


class Update:
    """One update of a page (see :meth:`LatestUpdates.latest`).

    Parameters
    ----------
    page : LatestUpdates
        The page.
    generation : int
        The page's update counter when this update started.
    channel : str
        Which of the page's independent computations it is.
    """

    def __init__(self, page: LatestUpdates, generation: int, channel: str = "main") -> None:
        self.page = page
        self.generation = generation
        self.channel = channel

    @property
    def current(self) -> bool:
        """True while no newer update of the page (on the same channel) has started."""
        return self.generation == self.page._generations.get(self.channel)

    async def run(self, func: Callable, *args, **kwargs) -> Any:
        """``func(*args, **kwargs)`` off the loop (:meth:`LatestUpdates.in_thread`); stops the
        update (it shows nothing) when a newer one started meanwhile.

        Parameters
        ----------
        func : callable
            A pure function (it must not touch the page's panes or widgets).
        *args, **kwargs
            Its arguments.

        Returns
        -------
        object
            What ``func`` returned.
        """
        try:
            result = await self.page.in_thread(func, *args, **kwargs)
        except Exception:
            if not self.current:  # the newer update shows its own result or error
                log.info("%s page: a superseded update failed", self.page.page, exc_info=True)
                raise _Superseded from None
            raise
        if not self.current:
            raise _Superseded
        return result


def run_at_once(coroutine: Coroutine) -> Any:
    """Drive ``coroutine`` to its end now, without an event loop: outside a server nothing a
    page's update awaits suspends (:meth:`LatestUpdates.in_thread` calls at once), so it ends
    at its first step, whatever loop the caller may be running in (a notebook's).

    Parameters
    ----------
    coroutine : coroutine
        A page's update.

    Returns
    -------
    object
        What the coroutine returned.

    Raises
    ------
    RuntimeError
        When the coroutine waited for something (it is closed).
    """
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("a page update waited outside a server")


class LatestUpdates:
    """The update machinery of :class:`~.page.Page` (``_generations``, ``_tasks`` and the flush
    marker are set by its ``__init__``)."""

    page: str
    user_errors: tuple[type[Exception], ...]
    _generations: dict[str, int]
    _tasks: set[asyncio.Task]
    _flushes: int
    _flush_marker: pn.pane.HTML

    async def in_thread(self, func: Callable, *args, **kwargs) -> Any:
        """``func(*args, **kwargs)`` in a worker thread when served (the event loop keeps
        serving other sessions), at once otherwise. For pure analysis functions only:
        they must not touch the page's panes or widgets.

        Served, the page is also changed a little later (:data:`FLUSH_AFTER_MS`: a hidden
        pane's text), so that whatever the caller then shows reaches the browser even when
        Panel's write queue left it queued (:data:`PANEL_WRITE_QUEUE_RACE`).

        Parameters
        ----------
        func : callable
            A pure function.
        *args, **kwargs
            Its arguments.

        Returns
        -------
        object
            What ``func`` returned.
        """
        if not is_served():
            return func(*args, **kwargs)
        result = await asyncio.to_thread(func, *args, **kwargs)
        doc = pn.state.curdoc
        if doc is not None:
            for delay in FLUSH_AFTER_MS:
                doc.add_timeout_callback(self._flush, delay)
        return result

    def _flush(self) -> None:
        """A change of the hidden marker pane: Panel then sends what it still held queued."""
        self._flushes += 1
        self._flush_marker.object = f"<!-- {self._flushes} -->"

    @contextlib.asynccontextmanager
    async def latest(self, *busy: pn.viewable.Viewable, blank: Callable[[], None] | None = None,
                     channel: str = "main") -> AsyncIterator[Update]:
        """A block whose results are shown only while it is the page's latest update: it
        starts a new update (an older one still waiting will show nothing), marks ``busy``
        panes as loading until it ends, and hides the page's messages when it succeeds.
        An error of the latest update calls ``blank()`` (no stale figures under the message)
        and goes on to the page's :meth:`~.guard.PageGuard.guard`; an error of a superseded
        one is only logged. A page with two independent computations (the finder's answer and its
        pooling table) gives the second a ``channel`` of its own: it neither supersedes the
        main one nor hides its messages.

        Parameters
        ----------
        *busy : panel.viewable.Viewable
            Panes or layouts shown as loading meanwhile (Panel's ``loading``).
        blank : callable, optional
            Empties what the update would have filled, after an error.
        channel : str
            ``"main"``, or another name for an independent computation.

        Yields
        ------
        Update
            Its ``run`` computes off the loop.
        """
        generation = self._generations[channel] = self._generations.get(channel, 0) + 1
        update = Update(self, generation, channel)
        for pane in busy:
            pane.loading = True
        try:
            yield update
        except _Superseded:
            return
        except Exception:
            if not update.current:
                log.info("%s page: a superseded update failed", self.page, exc_info=True)
                return
            if blank is not None:
                with pn.io.hold():
                    blank()
            raise
        else:
            if update.current and channel == "main":
                self.show_error(None)
        finally:
            if update.current:
                for pane in busy:
                    pane.loading = False

    def first_update(self, update: Callable[..., Awaitable], *args, **kwargs) -> None:
        """Start the page's content: ``update(*args, **kwargs)`` (an async method), served as
        a task of the server's loop (guarded: the loop serves other sessions while it
        computes), else at once (:func:`run_at_once`): outside a session (tests, scripts,
        notebooks, the server's warm-up) a visitor's error is said in the page's warning
        as when served, and any other error raises to the caller, which made the page.

        Parameters
        ----------
        update : callable
            An async method of the page.
        *args, **kwargs
            Its arguments.
        """
        if not is_served():
            try:
                run_at_once(update(*args, **kwargs))
            except self.user_errors as exc:
                self.failed(exc, getattr(update, "__name__", "first update"))
            return
        task = asyncio.get_running_loop().create_task(self.guard(update)(*args, **kwargs))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
