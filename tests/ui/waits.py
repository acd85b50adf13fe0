"""Waits on what the page shows, never on time: BokehJS's own rendering state and Panel's
loading markers, polled by Playwright until they hold (or its timeout fails the test)."""

from __future__ import annotations

from playwright.sync_api import expect

# BokehJS marks a document idle once every root's view has rendered (it then sends the
# server a DocumentReady event); a root added later makes it busy until that root renders.
_DOCUMENTS_IDLE = """() => window.Bokeh !== undefined && Bokeh.documents.length > 0
    && Bokeh.documents.every((doc) => doc.is_idle)"""

# The figures titled with `title`, as a JavaScript expression over `title`
_FIGURES = """[...Bokeh.index.query((view) => view.model.type === "Figure"
    && view.model.title != null && String(view.model.title.text).includes(title))]"""

# Once each of them has painted what its models hold: a view's `ready` promise chains its
# pending (throttled) paints; two animation frames later the canvas is on screen.
_PAINTED = f"""async (title) => {{
    await Promise.all({_FIGURES}.map((view) => view.ready));
    await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}}"""


def wait_rendered(page, timeout: float) -> None:
    """Until every Bokeh document of the page has rendered and no Panel component shows its
    loading spinner (Panel's ``pn-loading`` class; the locator pierces shadow roots)."""
    page.wait_for_function(_DOCUMENTS_IDLE, timeout=timeout)
    expect(page.locator(".pn-loading")).to_have_count(0, timeout=timeout)


def wait_figure_painted(page, title: str, timeout: float) -> None:
    """Until a Bokeh figure titled with ``title`` exists and has painted its current state."""
    page.wait_for_function(f"(title) => window.Bokeh !== undefined && {_FIGURES}.length > 0",
                           arg=title, timeout=timeout)
    page.evaluate(_PAINTED, title)
