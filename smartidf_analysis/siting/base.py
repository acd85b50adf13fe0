"""The base class of the location models (as PySAL spopt's ``LocateSolver``): the settings'
checks, the result attributes, and the ``solve`` bookkeeping every model shares - method
check, timing, status, the fall-back when HiGHS stops on its time limit, the results. A model
supplies ``_greedy``, ``_solve_exact``, ``_after_time_limit`` and ``_results``. See
:mod:`smartidf_analysis.siting.mclp` for the solver choice and the references.
"""

from __future__ import annotations

import time

import numpy as np

from smartidf_analysis.errors import SmartidfError

METHODS = ("milp", "greedy")
_MILP_STATUS = {0: "optimal", 1: "time_limit", 2: "infeasible", 3: "unbounded", 4: "error"}


class SitingSettingsError(SmartidfError, ValueError):
    """Settings that make a location model meaningless (p larger than the candidates, zero
    demand, radius 0…); the message says which, in plain words. ``kind`` names the case
    ("p_too_large", "p_invalid", "no_candidates", "zero_demand", "radius",
    "nothing_in_reach", "invalid") and ``values`` its numbers, so a page can translate it.

    Parameters
    ----------
    message : str
        The plain-words explanation.
    kind : str, default "invalid"
        The case (one of the names above).
    **values
        The numbers of the case (e.g. ``p``, ``candidates``, ``radius`` [km]).
    """

    def __init__(self, message: str, kind: str = "invalid", **values):
        super().__init__(message)
        self.kind = kind
        self.values = values


def _check_fixed(fixed, m: int) -> np.ndarray:
    """The pre-sited facilities as sorted unique column indices in [0, m)."""
    if fixed is None:
        return np.array([], dtype=int)
    arr = np.asarray(fixed).ravel()
    if arr.size and (arr.dtype.kind not in "iu" or arr.min() < 0 or arr.max() >= m):
        raise SitingSettingsError(f"pre-sited facilities must be column indices in [0, {m})",
                                  "invalid")
    return np.unique(arr.astype(int))


def _check_common(cost: np.ndarray, weights: np.ndarray, p: int, n_fixed: int = 0) -> None:
    if cost.ndim != 2:
        raise SitingSettingsError("the cost matrix must be 2-D (clients × candidate sites)")
    n, m = cost.shape
    if weights.shape != (n,):
        raise SitingSettingsError(f"{len(weights)} weights for {n} clients")
    if m == 0:
        raise SitingSettingsError("no candidate site: relax the candidate filters",
                                  "no_candidates")
    if int(p) != p or p < 1:
        raise SitingSettingsError(f"the number of sites p must be a whole number ≥ 1 (got {p})",
                                  "p_invalid", p=p)
    if p > m - n_fixed:
        raise SitingSettingsError(f"p = {p} new sites asked but only {m - n_fixed} candidate "
                                  "sites exist besides the pre-sited ones",
                                  "p_too_large", p=int(p), candidates=int(m - n_fixed))
    if np.any(~np.isfinite(weights)) or np.any(weights < 0):
        raise SitingSettingsError("demand weights must be finite and non-negative")
    if not weights.sum() > 0:
        raise SitingSettingsError("zero demand: nothing to serve with these settings",
                                  "zero_demand")


class LocationModel:
    """Shared state, result attributes and ``solve`` bookkeeping of the location models.

    ``fixed``: column indices of **pre-sited** facilities (sites that already exist: they
    are open in every solution, exact or greedy, and serve demand); ``p_facilities`` then
    counts the NEW sites only, so a solution opens ``p + len(fixed)`` sites. ``selected``
    lists every open site (pre-sited included), ``new_selected`` the new ones.

    Parameters
    ----------
    name : str
        A name for the model (shown in results).
    cost_matrix : array_like of float, shape (n, m)
        Cost (distance [km]) from each of n clients to each of m candidate sites.
    weights : array_like of float, shape (n,)
        Client demands (finite, non-negative, not all zero) [any unit, e.g. workers].
    p_facilities : int
        Number of NEW sites to open (at least 1, at most m − len(fixed)).
    fixed : array_like of int, optional
        Column indices of the pre-sited facilities.

    Raises
    ------
    SitingSettingsError
        When the settings make the model meaningless (see its ``kind``).
    """

    def __init__(self, name: str, cost_matrix, weights, p_facilities: int, fixed=None):
        self.name = name
        self.cost_matrix = np.asarray(cost_matrix, dtype=float)
        self.weights = np.asarray(weights, dtype=float)
        self.p_facilities = int(p_facilities) if np.isfinite(p_facilities) else -1
        m = self.cost_matrix.shape[1] if self.cost_matrix.ndim == 2 else 0
        self.fixed = _check_fixed(fixed, m)
        _check_common(self.cost_matrix, self.weights, p_facilities, len(self.fixed))
        self.method: str | None = None
        self.status: str | None = None
        self.selected = np.array([], dtype=int)  # indices of the chosen candidate sites
        self.objective = np.nan
        self.bound = np.nan
        self.mip_gap = np.nan
        self.solve_time_s = np.nan
        self.cli2fac = np.full(self.cost_matrix.shape[0], -1)  # serving site per client
        self.fac2cli: list[np.ndarray] = []

    def solve(self, method: str = "milp", time_limit: float = 60.0,
              mip_rel_gap: float = 1e-4) -> LocationModel:
        """Solve exactly (``"milp"``: HiGHS, stops at ``mip_rel_gap`` or ``time_limit`` [s])
        or by the model's greedy heuristic (``"greedy"``, ``status`` "heuristic"). When the
        MILP stops before proving optimality, the model's fall-back runs (a greedy solution,
        bounds) and ``solve_time_s`` counts the whole solve. Returns ``self``.

        Parameters
        ----------
        method : {"milp", "greedy"}
            Exact MILP (HiGHS) or the greedy heuristic.
        time_limit : float, default 60.0
            Time budget of the exact solve [s].
        mip_rel_gap : float, default 1e-4
            Relative MIP gap at which HiGHS stops [fraction].

        Returns
        -------
        LocationModel
            ``self``, with the result attributes filled.

        Raises
        ------
        ValueError
            If ``method`` is not one of :data:`METHODS`.
        """
        if method not in METHODS:
            raise ValueError(f"unknown method {method!r}; use one of {list(METHODS)}")
        started = time.perf_counter()
        self.method = method
        if method == "greedy":
            self._greedy()
            self.status = "heuristic"
            self.solve_time_s = time.perf_counter() - started
        else:
            found = self._solve_exact(time_limit, mip_rel_gap, started)
            if self.status != "optimal":
                self._after_time_limit(found, started, time_limit)
                self.solve_time_s = time.perf_counter() - started  # the whole solve
        self._results()
        return self

    def _greedy(self) -> None:
        raise NotImplementedError

    def _solve_exact(self, time_limit: float, mip_rel_gap: float, started: float) -> bool:
        """Run the MILP (reading HiGHS's result with :meth:`_finish_milp`); False when it
        found no feasible solution in time."""
        raise NotImplementedError

    def _after_time_limit(self, found: bool, started: float, time_limit: float) -> None:
        """Improve or complete a solution the MILP could not prove optimal, and its gap."""
        raise NotImplementedError

    def _results(self) -> None:
        raise NotImplementedError

    @property
    def n_open(self) -> int:
        """Sites open in a solution: the new ones and the pre-sited ones."""
        return self.p_facilities + len(self.fixed)

    @property
    def new_selected(self) -> np.ndarray:
        """The chosen NEW sites (``selected`` without the pre-sited ones)."""
        return np.setdiff1d(self.selected, self.fixed)

    def _fixed_lower_bounds(self, n_x: int) -> np.ndarray:
        """Lower bounds of the MILP's site variables: 1 for pre-sited facilities."""
        lb = np.zeros(n_x)
        lb[self.fixed] = 1.0
        return lb

    @property
    def n_clients(self) -> int:
        """Number of demand points (rows of the cost matrix)."""
        return self.cost_matrix.shape[0]

    @property
    def n_facilities(self) -> int:
        """Number of candidate facilities (columns of the cost matrix)."""
        return self.cost_matrix.shape[1]

    def _finish_milp(self, res, n_x: int, started: float, sign: float):
        """Read HiGHS's result: selection, objective (in the model's sense), dual bound, gap.
        Returns the solution vector, or None when no feasible solution was found in time."""
        self.solve_time_s = time.perf_counter() - started
        self.status = _MILP_STATUS.get(res.status, "error")
        bound = getattr(res, "mip_dual_bound", None)
        self.bound = sign * float(bound) if bound is not None else np.nan
        gap = getattr(res, "mip_gap", None)
        self.mip_gap = float(gap) if gap is not None else np.nan
        if res.x is None:
            return None
        x = np.round(res.x[:n_x]).astype(int)
        self.selected = np.flatnonzero(x == 1)
        self.objective = sign * float(res.fun)
        return res.x

    def _gap_to_bound(self, maximise: bool) -> float:
        obj, bound = self.objective, self.bound
        if not (np.isfinite(obj) and np.isfinite(bound)) or obj == 0:
            return np.nan
        return max(0.0, (bound - obj) / abs(obj) if maximise else (obj - bound) / abs(obj))

    def _fac2cli(self) -> None:
        self.fac2cli = [np.flatnonzero(self.cli2fac == j) for j in range(self.n_facilities)]
