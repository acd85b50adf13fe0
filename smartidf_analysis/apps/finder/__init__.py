""""Mon télécentre": the page (:mod:`.page`) and its labels (:mod:`.texts`)."""

from .page import FinderPage
from .state import HUBS, FinderData, FinderState

__all__ = ["HUBS", "FinderData", "FinderPage", "FinderState"]
