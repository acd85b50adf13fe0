"""The overview page (:mod:`.page`)."""

from .page import OverviewData, OverviewPage, OverviewState

__all__ = ["OverviewData", "OverviewPage", "OverviewState"]
