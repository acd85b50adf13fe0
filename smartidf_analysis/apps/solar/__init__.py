"""The solar page: the page (:mod:`.page`), its state and results cache (:mod:`.state`), its
texts (:mod:`.display`) and labels (:mod:`.texts`)."""

from .page import SolarPage
from .state import SolarPageData, SolarState

__all__ = ["SolarPage", "SolarPageData", "SolarState"]
