"""The overview page (:mod:`.page`)."""

from .page import OverviewData, OverviewPage, OverviewState, build_page

__all__ = ["build_page", "OverviewData", "OverviewPage", "OverviewState"]
