"""The solar page: the page (:mod:`.page`), its state and results cache (:mod:`.state`), its
texts (:mod:`.display`) and labels (:mod:`.texts`)."""

from .page import SolarPage, build_page
from .state import SolarPageData, SolarState

__all__ = ["build_page", "SolarPage", "SolarPageData", "SolarState"]
