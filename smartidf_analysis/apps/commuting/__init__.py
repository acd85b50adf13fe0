"""The commuting page: the page (:mod:`.page`), its state and cached tables (:mod:`.state`)
and its labels (:mod:`.texts`)."""

from .page import CommutingPage
from .state import CommutingState

__all__ = ["CommutingPage", "CommutingState"]
