"""The telecentres page: the page (:mod:`.page`), its texts and tables (:mod:`.display`) and
labels (:mod:`.texts`)."""

from .page import TelecentresPage, build_page
from .state import TelecentresPageData, TelecentresState

__all__ = ["build_page", "TelecentresPage", "TelecentresPageData", "TelecentresState"]
