"""The 2.5D buildings page: the page (:mod:`.page`), its state and roofs (:mod:`.state`)
and its labels (:mod:`.texts`)."""

from .page import BuildingsPage
from .state import BuildingsPageData, BuildingsState, set_production

__all__ = ["BuildingsPage", "BuildingsPageData", "BuildingsState", "set_production"]
