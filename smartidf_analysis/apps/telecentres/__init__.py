"""The telecentres page: the page (:mod:`.page`), its texts and tables (:mod:`.display`) and
labels (:mod:`.texts`)."""

from .page import TelecentresPage
from .state import TelecentresPageData, TelecentresState

__all__ = ["TelecentresPage", "TelecentresPageData", "TelecentresState"]
