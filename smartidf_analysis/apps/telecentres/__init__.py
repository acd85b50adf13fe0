"""The telecentres page: the page (:mod:`.page`), its texts and tables (:mod:`.display`) and
labels (:mod:`.texts`)."""

from .page import TelecentresPage, TelecentresPageData, TelecentresState, build_page

__all__ = ["TelecentresPage", "TelecentresPageData", "TelecentresState", "build_page"]
