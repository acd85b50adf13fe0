"""State and data of the Commuting page: cached loads (keyed by database build and
selection), a frozen :class:`View` of the page values, and the param-driven
:class:`CommutingState` (synced to the URL by the page). No layout here (see
:mod:`smartidf_analysis.apps.commuting.page`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import param

from smartidf_analysis import commuting as cm
from smartidf_analysis import config, plots
from smartidf_analysis.commuting import io as cio
from smartidf_analysis.commuting.selections import commune_flows
from smartidf_analysis.data.build_cache import per_build
from smartidf_analysis.errors import UnknownCodeError

from ..safe_text import escape_markdown

PAGE_INDICATORS = ("leaving_share", "self_containment", "self_sufficiency", "relative_balance",
                   "balance", "resident_workers", "jobs", "mean_distance_residents_km",
                   "median_distance_residents_km", "mean_distance_workers_km",
                   "median_distance_workers_km", "share_tc", "share_vp", "share_nm",
                   "share_domicile")
URL_PARAMETERS = ("indicator", "modes", "csps", "paris_as_one", "commune", "n_flows")


# Loaded once per database build and selection (data/build_cache.per_build: the key is the
# build of the database read), so a rebuilt database is never served from a stale cache.
def _database() -> str:
    return str(config.db_path())


@per_build(max_items=4, path_argument="database")
def _cached_communes(database: str) -> pd.DataFrame:
    return cm.load_communes(database)


@per_build(max_items=8, path_argument="database")
def _cached_map_frame(database: str, paris_as_one: bool) -> pd.DataFrame:
    frame = cio.communes_map(paris_as_one, path=database)
    return frame[frame["geometry_wkb"].notna()].reset_index(drop=True)


@per_build(max_items=16, path_argument="database")
def _cached_pairs(database: str, modes: tuple, csps: tuple, paris_as_one: bool) -> pd.DataFrame:
    flows = cm.add_distances(cm.load_pairs((), modes, csps, path=database),
                             _cached_communes(database))
    return cm.collapse_paris(flows) if paris_as_one else flows


@per_build(max_items=16, path_argument="database")
def _cached_indicators(database: str, modes: tuple, csps: tuple,
                       paris_as_one: bool) -> pd.DataFrame:
    return cm.indicators(modes, csps, paris_as_one=paris_as_one, path=database)


@per_build(max_items=4, path_argument="database")
def _cached_provenance(database: str) -> pd.DataFrame:
    return cio.provenance(["commuting_flows"], path=database)


def communes_table() -> pd.DataFrame:
    """Commune attributes (names, groups, centroids) of the served database.

    Returns
    -------
    DataFrame
        :func:`smartidf_analysis.commuting.io.load_communes` (shared: read-only).

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database does not exist.
    """
    return _cached_communes(_database())


def map_frame(paris_as_one: bool) -> pd.DataFrame:
    """Communes with a geometry, in map order, at one Paris resolution.

    Parameters
    ----------
    paris_as_one : bool
        Paris as one commune (75056) instead of its arrondissements.

    Returns
    -------
    DataFrame
        The communes map rows with ``geometry_wkb`` (shared: read-only).

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database does not exist.
    """
    return _cached_map_frame(_database(), paris_as_one)


def _pairs(modes: tuple, csps: tuple, paris_as_one: bool) -> pd.DataFrame:
    return _cached_pairs(_database(), modes, csps, paris_as_one)


def _indicators(modes: tuple, csps: tuple, paris_as_one: bool) -> pd.DataFrame:
    return _cached_indicators(_database(), modes, csps, paris_as_one)


def source_text(lang: str = "en") -> str:
    """The commuting flows' source caption (producer, title, vintage) from the provenance.

    Parameters
    ----------
    lang : str
        ``"fr"`` or ``"en"``.

    Returns
    -------
    str
        The caption, escaped for Markdown.

    Raises
    ------
    smartidf_analysis.data.db.DatabaseMissingError
        When the database does not exist.
    """
    return escape_markdown(plots.source_caption(_cached_provenance(_database()), lang))


@dataclass(frozen=True)
class View:
    """One consistent set of page values (see :meth:`CommutingState.view`).

    Parameters
    ----------
    indicator : str
        Commune indicator on the map.
    modes : tuple of str
        Transport modes counted.
    csps : tuple
        Occupation groups counted.
    paris_as_one : bool
        Paris as one commune.
    commune : str
        INSEE code of the commune whose flows are drawn ("" for none).
    n_flows : int
        Flows drawn per direction.
    """

    indicator: str
    modes: tuple
    csps: tuple
    paris_as_one: bool
    commune: str
    n_flows: int

    def selection(self) -> tuple[tuple, tuple]:
        """The checked ``(modes, csps)``, each sorted (a cache key).

        Returns
        -------
        (tuple, tuple)
            Sorted modes and occupation groups.

        Raises
        ------
        smartidf_analysis.commuting.matrices.EmptySelectionError
            For an empty selection (unknown items raise too).
        """
        modes, csps = cm.check_selection(self.modes, self.csps)
        return tuple(sorted(modes)), tuple(sorted(csps))


class CommutingState(param.Parameterized):
    """State of the commuting page (synced to the URL)."""

    indicator = param.Selector(default="leaving_share", objects=list(PAGE_INDICATORS), doc="""
        Commune indicator on the map: shares are fractions of workers, distances km
        (straight line between commune centroids), counts workers or jobs.""")
    modes = param.ListSelector(default=list(cm.MODES), objects=list(cm.MODES), doc="""
        Transport modes of the flows counted (INSEE MOBPRO 2014 TRANS codes).""")
    csps = param.ListSelector(default=list(cm.CSPS), objects=list(cm.CSPS), doc="""
        Occupations (INSEE CS1 groups) of the workers counted.""")
    paris_as_one = param.Boolean(default=False, doc="""
        Paris as one commune (75056) instead of its 20 arrondissements.""")
    commune = param.String(default="", doc="""
        INSEE code of the commune whose flows are drawn ("" for none).""")
    n_flows = param.Integer(default=10, bounds=(1, 30), doc="""
        Largest inbound and outbound flows drawn and listed [count per direction].""")

    def view(self) -> View:
        """The current values, frozen into one consistent :class:`View`.

        Returns
        -------
        View
            The values.
        """
        return View(self.indicator, tuple(self.modes), tuple(self.csps),
                    bool(self.paris_as_one), str(self.commune).strip(), int(self.n_flows))

    def indicator_table(self, view: View | None = None) -> pd.DataFrame:
        """Commune indicators of ``view`` (the current values by default), cached per build and selection.

        Parameters
        ----------
        view : View, optional
            The values; default :meth:`view`.

        Returns
        -------
        DataFrame
            :func:`smartidf_analysis.commuting.io.indicators` of the selection (shares [0-1],
            distances [km], counts of workers and jobs), shared: read-only.
        """
        view = view or self.view()
        return _indicators(*view.selection(), view.paris_as_one)

    def commune_table(self, view: View | None = None) -> pd.DataFrame:
        """Top flows of the selected commune (UnknownCodeError for a code not on the map).

        Parameters
        ----------
        view : View, optional
            The values; default :meth:`view`.

        Returns
        -------
        DataFrame
            :func:`~smartidf_analysis.commuting.selections.commune_flows`: ``direction``,
            ``rank``, ``home_code``, ``work_code``, ``other_code``, ``workers``, ``share``
            [0-1], ``distance_km`` [km].

        Raises
        ------
        smartidf_analysis.errors.UnknownCodeError
            For a commune code not on the map.
        smartidf_analysis.commuting.matrices.EmptySelectionError
            For an empty selection.
        """
        view = view or self.view()
        pairs = _pairs(*view.selection(), view.paris_as_one)  # EmptySelectionError first
        known = map_frame(view.paris_as_one)["commune_code"]
        if view.commune and view.commune not in set(known):
            raise UnknownCodeError(f"unknown commune code(s): {view.commune}")
        return commune_flows(pairs, view.commune, view.n_flows, known_codes=known)
