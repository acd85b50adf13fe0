"""The broadband page: the page (:mod:`.page`), its state (:mod:`.state`), its tables
(:mod:`.display`) and labels (:mod:`.texts`)."""

from .page import BroadbandPage, build_page
from .state import BroadbandPageData, BroadbandState

__all__ = ["build_page", "BroadbandPage", "BroadbandPageData", "BroadbandState"]
