"""Every served page class, in navigation order (the server warms their caches)."""

from __future__ import annotations

from .broadband import BroadbandPage
from .buildings import BuildingsPage
from .commuting import CommutingPage
from .finder import FinderPage
from .overview import OverviewPage
from .page import Page
from .solar import SolarPage
from .telecentres import TelecentresPage
from .territoire.page import TerritoirePage

PAGE_CLASSES: tuple[type[Page], ...] = (OverviewPage, BroadbandPage, CommutingPage,
                                          TelecentresPage, FinderPage, SolarPage, BuildingsPage,
                                          TerritoirePage)
