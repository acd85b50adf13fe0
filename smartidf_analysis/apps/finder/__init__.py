""""Mon télécentre": the page (:mod:`.page`) and its labels (:mod:`.texts`)."""

from .page import FinderPage, build_page
from .state import HUBS, FinderData, FinderState

__all__ = ["build_page", "HUBS", "FinderData", "FinderPage", "FinderState"]
