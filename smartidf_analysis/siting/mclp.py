"""Location models for siting shared workplaces: maximal covering and p-median, solved
exactly as mixed-integer linear programs or by greedy heuristics.

:class:`MaximalCoveringLocation` lives here, ``PMedian`` in
:mod:`smartidf_analysis.siting.pmedian`, their shared base class (the ``solve`` bookkeeping,
HiGHS's result, the checks of the settings) in :mod:`smartidf_analysis.siting.base`, as
spopt's ``LocateSolver``. Both follow PySAL spopt's interface
(``from_cost_matrix``, ``solve``, results as attributes: ``fac2cli``, ``cli2fac``,
``perc_cov``, ``mean_dist``…) so that a reader of spopt finds their way, but they run on
NumPy/SciPy only.

Solver: :func:`scipy.optimize.milp`, SciPy's interface to **HiGHS** (Huangfu & Hall 2018).
Chosen over PuLP (CBC) and spopt because it is already a dependency (no new package, no
solver binary to ship), HiGHS is the strongest open-source MIP solver of the three, and the
result carries the MIP gap and dual bound that the issue asks to report. ``mip_gap`` is
HiGHS's relative gap ``|primal − dual| / |primal|`` at termination (0 when proven optimal);
greedy solutions report ``mip_gap = NaN`` (no bound).

Costs are distances [km] between ``n`` clients (demand points, rows) and ``m`` candidate
facilities (columns); ``weights`` are client demands [any unit, e.g. daily users].

References
----------
* Church, R. & ReVelle, C. (1974). The maximal covering location problem. *Papers of the
  Regional Science Association* 32, 101–118. doi:10.1007/BF01942293
* Hakimi, S. L. (1964). Optimum locations of switching centers and the absolute centers and
  medians of a graph. *Operations Research* 12(3), 450–459. doi:10.1287/opre.12.3.450
* ReVelle, C. & Swain, R. (1970). Central facilities location. *Geographical Analysis* 2(1),
  30–42. doi:10.1111/j.1538-4632.1970.tb00142.x
* Pirkul, H. & Schilling, D. (1991). The maximal covering location problem with capacities on
  total workload. *Management Science* 37(2), 233–248. doi:10.1287/mnsc.37.2.233
* Nemhauser, G., Wolsey, L. & Fisher, M. (1978). An analysis of approximations for maximizing
  submodular set functions. *Mathematical Programming* 14, 265–294 (greedy ≥ (1 − 1/e) of the
  optimum for the uncapacitated covering objective). doi:10.1007/BF01588971
* Huangfu, Q. & Hall, J. A. J. (2018). Parallelizing the dual revised simplex method.
  *Mathematical Programming Computation* 10, 119–142. doi:10.1007/s12532-017-0130-5
* Laszlo, J. et al. (2021). spopt: a python package for solving spatial optimization problems
  in PySAL. *JOSS*. doi:10.21105/joss.03330
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from smartidf_analysis.siting.base import LocationModel, SitingSettingsError


class MaximalCoveringLocation(LocationModel):
    """Maximal covering location problem (MCLP; Church & ReVelle 1974), optionally with a
    capacity per site (Pirkul & Schilling 1991).

    Choose ``p`` sites among ``m`` candidates to maximise the demand lying within the service
    radius S of a chosen site. With ``a_i`` the demand of client i, ``d_ij`` the cost and
    ``N_i = {j : d_ij ≤ S}``::

        max  Σ_i a_i y_i
        s.t. y_i ≤ Σ_{j ∈ N_i} x_j      for every client i
             Σ_j x_j = p
             x_j ∈ {0, 1},  0 ≤ y_i ≤ 1   (y is integral at the optimum for integral x)

    Capacitated form (capacity ``C_j`` per site, ``z_ij`` demand of i served at j)::

        max  Σ_ij z_ij
        s.t. Σ_{j ∈ N_i} z_ij ≤ a_i;  Σ_{i : j ∈ N_i} z_ij ≤ C_j x_j;  z_ij ≤ a_i x_j
             Σ_j x_j = p,  x_j ∈ {0, 1},  z_ij ≥ 0

    :meth:`~smartidf_analysis.siting.base.LocationModel.solve`: exactly (``"milp"``, HiGHS,
    stops at ``mip_rel_gap`` or ``time_limit`` [s]; on the time limit, the greedy solution is
    kept if better) or by the greedy heuristic (``"greedy"``: add the site with the largest
    uncovered demand in reach, ties to the lowest index; then, unless ``interchange`` is False
    and without capacities, swap sites while a swap covers more).

    Pre-sited facilities (``fixed``, sites that already exist): ``x_j = 1`` for them and
    ``Σ_j x_j = p + |fixed|``, so ``p`` NEW sites are placed given the existing ones; the
    greedy opens them first and its interchange never swaps them out.

    Results (after :meth:`solve`): ``selected`` (site indices, pre-sited included;
    ``new_selected`` without them), ``covered_demand``,
    ``perc_cov`` [% of total demand], ``served`` (demand served per client), ``fac_served``
    (demand served per site), ``cli2fac`` (the nearest chosen site within the radius, −1 if
    none), ``fac2cli``, ``n_cli_uncov``, ``objective``, ``bound``, ``mip_gap``, ``status``,
    ``solve_time_s``.

    Parameters
    ----------
    name : str
        A name for the model.
    cost_matrix : array_like of float, shape (n, m)
        Distance from each client to each candidate site [km].
    weights : array_like of float, shape (n,)
        Client demands [any unit, e.g. workers].
    service_radius : float
        The service radius S [km, the unit of ``cost_matrix``], positive.
    p_facilities : int
        Number of NEW sites to open.
    capacities : float or array_like of float, optional
        Capacity per site (scalar or one per candidate) [unit of ``weights``], positive;
        ``None`` for the uncapacitated problem.
    interchange : bool, default True
        Follow the greedy ADD by vertex substitution (uncapacitated only).
    fixed : array_like of int, optional
        Column indices of the pre-sited facilities.

    Raises
    ------
    SitingSettingsError
        For a non-positive radius or capacity, no demand within the radius of any candidate,
        or the settings :class:`~smartidf_analysis.siting.base.LocationModel` rejects.
    """

    def __init__(self, name, cost_matrix, weights, service_radius, p_facilities, capacities=None,
                 interchange: bool = True, fixed=None):
        super().__init__(name, cost_matrix, weights, p_facilities, fixed)
        self.interchange = bool(interchange)
        if not np.isfinite(service_radius) or service_radius <= 0:
            raise SitingSettingsError(f"the catchment radius must be positive (got {service_radius})",
                                      "radius", radius=service_radius)
        self.service_radius = float(service_radius)
        self.coverage = sparse.csr_matrix((self.cost_matrix <= self.service_radius).astype(float))
        if capacities is not None:
            caps = np.broadcast_to(np.asarray(capacities, dtype=float), (self.n_facilities,))
            if np.any(~np.isfinite(caps)) or np.any(caps <= 0):
                raise SitingSettingsError("site capacities must be positive")
            self.capacities = caps.copy()
        else:
            self.capacities = None
        if not (self.weights * (self.coverage.sum(axis=1).A1 > 0)).sum() > 0:
            raise SitingSettingsError(
                f"no demand lies within {service_radius:g} km of any candidate site",
                "nothing_in_reach", radius=service_radius)
        self.served = np.zeros(self.n_clients)
        self.fac_served = np.zeros(self.n_facilities)
        self.covered_demand = np.nan
        self.perc_cov = np.nan
        self.n_cli_uncov = self.n_clients

    @classmethod
    def from_cost_matrix(cls, cost_matrix, weights, service_radius: float, p_facilities: int,
                         capacities=None, name: str = "mclp",
                         interchange: bool = True, fixed=None) -> MaximalCoveringLocation:
        """Build the model from a clients × sites cost matrix [km] and client ``weights``.
        ``interchange``: follow the greedy ADD by vertex substitution (uncapacitated only).
        ``fixed``: columns of pre-sited facilities (open in every solution; ``p_facilities``
        new sites are added to them).

        Parameters
        ----------
        cost_matrix : array_like of float, shape (n, m)
            Distance from each client to each candidate site [km].
        weights : array_like of float, shape (n,)
            Client demands [any unit, e.g. workers].
        service_radius : float
            The service radius [km].
        p_facilities : int
            Number of NEW sites to open.
        capacities : float or array_like of float, optional
            Capacity per site [unit of ``weights``].
        name : str, default "mclp"
            A name for the model.
        interchange : bool, default True
            See above.
        fixed : array_like of int, optional
            See above.

        Returns
        -------
        MaximalCoveringLocation
            The model, not yet solved.

        Raises
        ------
        SitingSettingsError
            For meaningless settings.
        """
        return cls(name, cost_matrix, weights, service_radius, p_facilities, capacities,
                   interchange, fixed)

    def _solve_exact(self, time_limit: float, mip_rel_gap: float, started: float) -> bool:
        if self.capacities is None:
            return self._milp(time_limit, mip_rel_gap, started)
        return self._milp_capacitated(time_limit, mip_rel_gap, started)

    def _after_time_limit(self, found: bool, started: float, time_limit: float) -> None:
        self._keep_better_greedy(found)

    def _keep_better_greedy(self, found: bool) -> None:
        """After a time-limited MILP: keep the greedy solution if it is better (or the only
        one), and measure the gap of what is kept against HiGHS's dual bound."""
        greedy = MaximalCoveringLocation(self.name, self.cost_matrix, self.weights,
                                         self.service_radius, self.p_facilities,
                                         self.capacities, self.interchange,
                                         self.fixed).solve("greedy")
        if not found or greedy.covered_demand > self.objective:
            self.selected, self.served = greedy.selected, greedy.served
            self.fac_served, self.objective = greedy.fac_served, greedy.covered_demand
            self.status += "+greedy"
        self.mip_gap = self._gap_to_bound(maximise=True)

    # ------------------------------------------------------------------ solvers
    def _greedy(self) -> None:
        a, cover = self.weights, self.coverage
        residual = a.copy()
        self.fac_served = np.zeros(self.n_facilities)
        chosen: list[int] = []
        open_ = np.zeros(self.n_facilities, bool)
        cover_t = cover.T.tocsr()
        for step in range(self.n_open):
            if step < len(self.fixed):  # the pre-sited facilities open first
                j = int(self.fixed[step])
                chosen.append(j)
                open_[j] = True
                self._fill(j, cover_t, residual)
                continue
            gains = cover_t @ residual
            if self.capacities is not None:
                gains = np.minimum(gains, self.capacities)
            gains[open_] = -1.0
            j = int(np.argmax(gains))
            chosen.append(j)
            open_[j] = True
            self._fill(j, cover_t, residual)
        self.selected = np.array(sorted(chosen), dtype=int)
        self.served = a - residual
        if self.capacities is None and self.interchange:
            self._interchange()

    def _fill(self, j: int, cover_t, residual: np.ndarray) -> None:
        """Serve the residual demand in reach of site ``j`` (with a capacity: its nearest
        clients first)."""
        clients = cover_t.indices[cover_t.indptr[j]:cover_t.indptr[j + 1]]
        if self.capacities is None:
            residual[clients] = 0.0
            return
        left = self.capacities[j]
        for i in clients[np.argsort(self.cost_matrix[clients, j], kind="stable")]:
            take = min(left, residual[i])
            residual[i] -= take
            left -= take
            self.fac_served[j] += take
            if left <= 0:
                break

    def _interchange(self, max_passes: int = 20) -> None:
        """Vertex substitution (Teitz & Bart 1968): swap a chosen site for an unchosen one
        while that raises the covered demand; each swap never lowers it."""
        a, cover = self.weights, self.coverage
        cover_t = cover.T.tocsr()
        open_ = np.zeros(self.n_facilities, bool)
        open_[self.selected] = True
        count = cover[:, open_].sum(axis=1).A1
        for _ in range(max_passes):
            improved = False
            for j in np.setdiff1d(np.flatnonzero(open_), self.fixed):  # pre-sited stay
                mine = cover_t.indices[cover_t.indptr[j]:cover_t.indptr[j + 1]]
                count[mine] -= 1
                uncovered = a * (count == 0)
                loss = uncovered[mine].sum()
                gains = cover_t @ uncovered
                gains[open_] = -np.inf
                k = int(np.argmax(gains))
                if gains[k] > loss * (1 + 1e-12) + 1e-12:
                    open_[j], open_[k] = False, True
                    added = cover_t.indices[cover_t.indptr[k]:cover_t.indptr[k + 1]]
                    count[added] += 1
                    improved = True
                else:
                    count[mine] += 1
            if not improved:
                break
        self.selected = np.flatnonzero(open_)
        self.served = np.where(count > 0, a, 0.0)

    def _milp(self, time_limit, gap, started) -> bool:
        a = self.weights
        reach = self.coverage.sum(axis=1).A1 > 0
        clients = np.flatnonzero(reach & (a > 0))
        m, k = self.n_facilities, len(clients)
        sub = self.coverage[clients]
        # y_i - sum_{j in N_i} x_j <= 0
        link = sparse.hstack([-sub, sparse.identity(k, format="csr")], format="csr")
        card = sparse.csr_matrix(np.r_[np.ones(m), np.zeros(k)])
        res = milp(c=np.r_[np.zeros(m), -a[clients]],
                   integrality=np.r_[np.ones(m), np.zeros(k)],
                   bounds=Bounds(np.r_[self._fixed_lower_bounds(m), np.zeros(k)], 1),
                   constraints=[LinearConstraint(link, -np.inf, 0),
                                LinearConstraint(card, self.n_open, self.n_open)],
                   options={"time_limit": time_limit, "mip_rel_gap": gap, "presolve": True})
        if self._finish_milp(res, m, started, -1.0) is None:
            return False
        self.served = np.zeros(self.n_clients)
        covered = self.coverage[:, self.selected].sum(axis=1).A1 > 0
        self.served[covered] = a[covered]
        return True

    def _milp_capacitated(self, time_limit, gap, started) -> bool:
        a, caps = self.weights, self.capacities
        cover = self.coverage.tocoo()
        keep = a[cover.row] > 0
        rows, cols = cover.row[keep], cover.col[keep]
        m, q = self.n_facilities, len(rows)
        zi = np.arange(q)
        client_rows = sparse.csr_matrix((np.ones(q), (rows, m + zi)), shape=(self.n_clients, m + q))
        site_rows = sparse.csr_matrix(
            (np.r_[np.ones(q), -caps], (np.r_[cols, np.arange(m)], np.r_[m + zi, np.arange(m)])),
            shape=(m, m + q))
        pair_rows = sparse.csr_matrix(
            (np.r_[np.ones(q), -a[rows]], (np.r_[zi, zi], np.r_[m + zi, cols])), shape=(q, m + q))
        card = sparse.csr_matrix(np.r_[np.ones(m), np.zeros(q)])
        ub = np.r_[np.ones(m), a[rows]]
        res = milp(c=np.r_[np.zeros(m), -np.ones(q)], integrality=np.r_[np.ones(m), np.zeros(q)],
                   bounds=Bounds(np.r_[self._fixed_lower_bounds(m), np.zeros(q)], ub),
                   constraints=[LinearConstraint(client_rows, -np.inf, a),
                                LinearConstraint(site_rows, -np.inf, 0),
                                LinearConstraint(pair_rows, -np.inf, 0),
                                LinearConstraint(card, self.n_open, self.n_open)],
                   options={"time_limit": time_limit, "mip_rel_gap": gap, "presolve": True})
        sol = self._finish_milp(res, m, started, -1.0)
        if sol is None:
            return False
        z = np.clip(sol[m:], 0, None)
        self.served = np.bincount(rows, weights=z, minlength=self.n_clients)
        self.fac_served = np.bincount(cols, weights=z, minlength=m)
        return True

    # ------------------------------------------------------------------ results
    def _results(self) -> None:
        sel = self.selected
        cost = self.cost_matrix[:, sel]
        within = cost <= self.service_radius
        nearest = np.where(within, cost, np.inf).argmin(axis=1) if len(sel) else np.zeros(0, int)
        has = within.any(axis=1) if len(sel) else np.zeros(self.n_clients, bool)
        self.cli2fac = np.where(has, sel[nearest] if len(sel) else -1, -1)
        if self.capacities is None:  # served demand goes to the nearest chosen site in reach
            self.fac_served = np.bincount(self.cli2fac[has], weights=self.served[has],
                                          minlength=self.n_facilities)
        self.served = np.minimum(self.served, self.weights)
        self.covered_demand = float(self.served.sum())
        self.perc_cov = 100.0 * self.covered_demand / float(self.weights.sum())
        self.n_cli_uncov = int(((self.served <= 0) & (self.weights > 0)).sum())
        if self.method == "greedy":
            self.objective = self.covered_demand
        self._fac2cli()
