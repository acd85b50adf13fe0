"""The overview page (:mod:`.page`)."""

from .page import OverviewData, OverviewPage, OverviewState, build_page

__all__ = ["OverviewData", "OverviewPage", "OverviewState", "build_page"]
