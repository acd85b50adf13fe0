"""The one error path of every page (:class:`~.page.Page` inherits :class:`PageGuard`).

Two kinds of errors, two messages:

- one of the page's ``user_errors`` (the project's own errors of
  :mod:`smartidf_analysis.errors` that a visitor's values can cause: a commune code that does
  not exist, an empty selection, an impossible siting setting) is the visitor's doing, not a
  failure: a warning (``page-input`` alert) says what is wrong with the values
  (:meth:`PageGuard.explain`), the page stays usable and the log gets one line;
- anything else is a bug or a broken database: the log gets the traceback and the page shows
  its generic translated error (``page-error`` alert), never the exception's text (a
  ``ValueError`` raised deep in a library would otherwise read as a bad setting).
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable

import panel as pn

from smartidf_analysis.data import db
from smartidf_analysis.errors import SmartidfError

from .safe_text import escape_markdown

log = logging.getLogger("smartidf.apps.page")


class PageGuard:
    """The error path of :class:`~.page.Page` (its alerts are made by its ``__init__``)."""

    page: str
    user_errors: tuple[type[SmartidfError], ...]
    error_label: str
    error_alert: pn.pane.Alert
    input_alert: pn.pane.Alert

    def explain(self, exc: SmartidfError) -> str:
        """What the page says of one of its ``user_errors`` (Markdown; a value the visitor
        typed is escaped); by default the error's own text, escaped.

        Parameters
        ----------
        exc : SmartidfError
            The error.

        Returns
        -------
        str
            The message.
        """
        return escape_markdown(exc)

    def show_error(self, exc: BaseException | None, message: str | None = None) -> None:
        """Show ``message`` (default: the page's generic translated error) in the page's
        error alert; with neither, hide both the error and the warning (an update succeeded).

        Parameters
        ----------
        exc : BaseException or None
            The error (not shown to the user).
        message : str, optional
            Text shown instead of the generic one.
        """
        if exc is None and message is None:
            self.error_alert.visible = self.input_alert.visible = False
            return
        self.error_alert.object = message or self.tr(self.error_label)
        self.error_alert.visible = True

    def failed(self, exc: Exception, where: str = "callback") -> None:
        """The one error path: one of the page's ``user_errors`` as a warning explained by
        :meth:`explain` and logged briefly; anything else logged with its traceback and
        shown as the generic error, never its text. One message at a time: each hides the
        other.

        Parameters
        ----------
        exc : Exception
            The error.
        where : str
            What failed (for the log).
        """
        if isinstance(exc, self.user_errors):
            log.info("%s page: %s: %s: %s", self.page, where, type(exc).__name__, exc)
            self.input_alert.object = self.explain(exc)
            self.error_alert.visible, self.input_alert.visible = False, True
            return
        log.error("%s page: %s failed", self.page, where, exc_info=exc)
        self.input_alert.visible = False
        self.show_error(exc)

    def guard(self, func: Callable) -> Callable:
        """``func`` (a callback, plain or async) run under the session's pinned build, its
        errors going to :meth:`failed`.

        Parameters
        ----------
        func : callable
            The callback.

        Returns
        -------
        callable
            The wrapped callback (it returns None after an error).
        """
        name = getattr(func, "__name__", repr(func))
        page = self

        if inspect.iscoroutinefunction(func):
            @functools.wraps(func)
            async def guarded_async(*args, **kwargs):
                try:
                    with db.using(page.build):
                        return await func(*args, **kwargs)
                except Exception as exc:  # noqa: BLE001 - sorted by failed(): never a traceback
                    page.failed(exc, name)
            return guarded_async

        @functools.wraps(func)
        def guarded_sync(*args, **kwargs):
            try:
                with db.using(page.build):
                    return func(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - sorted by failed(): never a traceback
                page.failed(exc, name)
        return guarded_sync
