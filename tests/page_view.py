"""A page as its user sees it, outside a server: the layout of ``page.__panel__()`` and the
panes in it found by the CSS classes the browser tests use, the widgets by their label, the
CSV downloads as frames. Page tests set ``page.state`` (public parameters) and read these,
never the page's private attributes."""

from __future__ import annotations

import html
import io
import re

import pandas as pd
import panel as pn

# CommonMark: a backslash before an ASCII punctuation character shows that character
MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


class PageView:
    def __init__(self, page) -> None:
        self.page = page
        self.layout = page.__panel__()  # outside a server: the inline layout

    def pane(self, css_class: str):
        """The one pane of the layout that has ``css_class``."""
        found = [p for p in self.layout.select(pn.viewable.Viewable)
                 if css_class in (getattr(p, "css_classes", None) or [])]
        assert len(found) == 1, (css_class, found)
        return found[0]

    def shown(self, kind: type = pn.viewable.Viewable) -> list:
        """The objects of type ``kind`` that the page shows: in the layout, neither they nor
        a layout around them hidden, and of tabs only the active tab's."""
        found: list = []

        def walk(obj) -> None:
            if not getattr(obj, "visible", True):
                return
            if isinstance(obj, kind):
                found.append(obj)
            children = getattr(obj, "objects", None) or []
            if isinstance(obj, pn.Tabs):
                children = children[obj.active:obj.active + 1]
            for child in children:
                walk(child)

        walk(self.layout)
        return found

    def visible(self, css_class: str) -> bool:
        return any(p is self.pane(css_class) for p in self.shown())

    def text(self, css_class: str) -> str:
        """What the pane with ``css_class`` shows ("" when it is hidden): of a Markdown pane,
        its text with Markdown's backslash escapes and HTML's entities read as the browser
        shows them (``apps.safe_text`` escapes what comes from URLs and files)."""
        if not self.visible(css_class):
            return ""
        pane = self.pane(css_class)
        text = str(pane.object)
        if isinstance(pane, pn.pane.Markdown):
            text = html.unescape(MARKDOWN_ESCAPE.sub(r"\1", text))
        return text

    def alerts(self, alert_type: str) -> list[str]:
        """The texts of the alerts of ``alert_type`` ("danger", "warning"...) shown."""
        return [str(a.object) for a in self.shown(pn.pane.Alert) if a.alert_type == alert_type]

    def widget(self, kind: type, label: str):
        """The widget of type ``kind`` labelled ``label``."""
        found = [w for w in self.layout.select(kind) if w.name == label]
        assert len(found) == 1, (label, found)
        return found[0]

    def tables(self) -> list[pd.DataFrame]:
        """What each table of the page shows, in layout order."""
        return [t.value for t in self.layout.select(pn.widgets.Tabulator)]

    def downloads(self) -> list[str]:
        return [d.filename for d in self.layout.select(pn.widgets.FileDownload)]

    def csv(self, filename: str, **read_csv) -> pd.DataFrame:
        """The CSV a user downloads as ``filename``, read back."""
        found = [d for d in self.layout.select(pn.widgets.FileDownload)
                 if d.filename == filename]
        assert len(found) == 1, (filename, self.downloads())
        data = found[0].callback()
        if isinstance(data, io.StringIO | io.BytesIO):
            data.seek(0)
        return pd.read_csv(data, **read_csv)

    def figures(self) -> list:
        """The Bokeh figures the page shows (in layout order)."""
        return [p.object for p in self.shown(pn.pane.Bokeh) if p.object is not None]


# ----------------------------------------------------------------- the solar page
def solar_roofs_shown(view) -> pd.DataFrame:
    """The roofs CSV of the solar page; its totals caption must state the CSV's count and
    sums (GWh and MWp), formatted as the page formats numbers."""
    from smartidf_analysis.apps.i18n import fmt_number

    roofs = view.csv("solar_roofs.csv", dtype={"roof_id": str, "commune_code": str})
    lang = view.page.lang
    totals = view.text("solar-totals")
    assert f"**{fmt_number(len(roofs), lang)} " in totals, totals
    assert f"**{fmt_number(roofs['annual_kwh'].sum() / 1e6, lang, 2)} GWh" in totals, totals
    assert f"**{fmt_number(roofs['peak_power_kwp'].sum() / 1e3, lang, 2)} " in totals, totals
    return roofs


def monthly_bars(view):
    """The data of the monthly bars the page shows (None when hidden)."""
    import holoviews as hv

    bars = [p.object for p in view.shown(pn.pane.HoloViews) if isinstance(p.object, hv.Bars)]
    return bars[0].data if bars else None
