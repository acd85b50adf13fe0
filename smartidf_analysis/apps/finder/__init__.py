""""Mon télécentre": the page (:mod:`.page`) and its labels (:mod:`.texts`)."""

from .page import HUBS, FinderData, FinderPage, FinderState, build_page

__all__ = ["HUBS", "FinderData", "FinderPage", "FinderState", "build_page"]
