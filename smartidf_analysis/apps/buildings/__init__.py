"""The 2.5D buildings page: the page (:mod:`.page`), its state and roofs (:mod:`.state`)
and its labels (:mod:`.texts`)."""

from .page import BuildingsPage, build_page
from .state import BuildingsPageData, BuildingsState, set_production

__all__ = ["build_page", "BuildingsPage", "BuildingsPageData", "BuildingsState", "set_production"]
