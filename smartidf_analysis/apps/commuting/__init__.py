"""The commuting page: the page (:mod:`.page`), its state and cached tables (:mod:`.state`)
and its labels (:mod:`.texts`)."""

from .page import CommutingPage, build_page
from .state import CommutingState

__all__ = ["build_page", "CommutingPage", "CommutingState"]
