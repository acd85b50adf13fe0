"""The 2.5D buildings page: the page (:mod:`.page`) and its labels (:mod:`.texts`)."""

from .page import BuildingsPage, BuildingsPageData, BuildingsState, build_page, set_production

__all__ = ["BuildingsPage", "BuildingsPageData", "BuildingsState", "build_page", "set_production"]
