"""The page as one standalone HTML file: what a decision maker attaches to an e-mail (the
"save the page" button of every page's sidebar)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable

import panel as pn

from .i18n import tr


def snapshot_button(page: str, make_objects: Callable[[], list], lang: str
                    ) -> pn.widgets.FileDownload:
    """The "save the page" button: :func:`snapshot_html` of ``make_objects()`` in a worker
    thread (an async callback: the server's loop serves the other sessions while the page is
    copied and saved, seconds for a map page).

    Parameters
    ----------
    page : str
        A page of :data:`~.shell.PAGES` (title and file name).
    make_objects : callable
        Returns the objects to save (copies, :meth:`~.page.Page.snapshot`).
    lang : str
        Language of the label and the title.

    Returns
    -------
    panel.widgets.FileDownload
        The button.
    """
    async def saved() -> io.StringIO:
        return await asyncio.to_thread(snapshot_html, page, make_objects, lang)

    return pn.widgets.FileDownload(callback=saved, filename=f"smartidf-{page}.html",
                                   label=tr("save_html", lang), color="light",
                                   sizing_mode="stretch_width")


def snapshot_html(page: str, make_objects: Callable[[], list], lang: str) -> io.StringIO:
    """The page's current content as one standalone HTML file (resources inlined, no
    server needed): what a decision maker attaches to an e-mail. ``make_objects()`` gives
    the objects to save: copies made for the snapshot, never the session's own objects.

    Saving an object makes Bokeh models for the saved document that Panel keeps and updates
    at every later change of the object; saving the session's objects tied them to that
    document for good: a later change (a checkbox on the overview) put this session's
    stylesheet models into it ("Models must be owned by only a single document,
    ImportedStyleSheet" in the server log) and re-pointed them at Panel's CDN, which the
    browser then asked for (``net::ERR_NAME_NOT_RESOLVED`` offline); and the Bokeh figures
    of the session were moved into the saved document.

    Parameters
    ----------
    page : str
        A page of :data:`~.shell.PAGES` (the title).
    make_objects : callable
        Returns the objects to save (copies).
    lang : str
        Language of the title.

    Returns
    -------
    io.StringIO
        The HTML, positioned at its start.
    """
    from concurrent.futures import ThreadPoolExecutor

    from bokeh.resources import INLINE

    buffer = io.StringIO()
    title = f"{tr('app_title', lang)} — {tr(page, lang)}"

    def save() -> None:
        pn.Column(pn.pane.Markdown(f"# {title}"), *make_objects()).save(
            buffer, title=title, resources=INLINE, embed=False)

    # Made and saved in a thread of its own, where no session document is current: inside
    # the session (Panel 1.9.4), saving re-pointed the served page's stylesheets at Panel's
    # CDN, which fails offline (measured 2026-12-03: 6 failed CSS requests after one click),
    # and the copies would be made as the session's (a page is built synchronously outside a
    # session). The copy reads the session's state when it is made (Page.snapshot).
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(save).result()
    buffer.seek(0)
    return buffer
