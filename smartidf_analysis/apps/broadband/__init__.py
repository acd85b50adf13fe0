"""The broadband page: the page (:mod:`.page`) and its texts and tables (:mod:`.display`)."""

from .page import BroadbandPage, BroadbandPageData, BroadbandState, build_page

__all__ = ["BroadbandPage", "BroadbandPageData", "BroadbandState", "build_page"]
