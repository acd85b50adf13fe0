"""The p-median location model (Hakimi 1964; ReVelle & Swain 1970), solved exactly as a MILP
with SciPy's HiGHS or by a greedy heuristic; when the MILP stops before proving optimality,
a Lagrangian bound (and heuristic) measures the gap. See :mod:`smartidf_analysis.siting` for
the shared interface, the solver choice and the references, and
:mod:`smartidf_analysis.siting.base` for the ``solve`` bookkeeping.
"""

from __future__ import annotations

import time

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from smartidf_analysis.siting.base import LocationModel, SitingSettingsError


class PMedian(LocationModel):
    """p-median problem (Hakimi 1964; ReVelle & Swain 1970): choose ``p`` sites minimising
    the demand-weighted distance of every client to its nearest chosen site::

        min  Σ_i Σ_j a_i d_ij z_ij
        s.t. Σ_j z_ij = 1                 for every client i
             z_ij ≤ x_j                   for every pair (i, j)
             Σ_j x_j = p,  x_j ∈ {0, 1},  z_ij ≥ 0

    Exact reduction used: client i is only given its ``m − p + 1`` nearest candidates,
    since any set of p open sites contains at least one of them (so the optimum is
    unchanged and the model shrinks by about p / m). Clients with zero demand are left out.

    :meth:`~smartidf_analysis.siting.base.LocationModel.solve`: exactly (``"milp"``) or
    greedily (``"greedy"``: add the site that lowers the total weighted distance most, Kuehn &
    Hamburger's ADD heuristic, then alternate allocation and 1-median relocation while it
    helps). ``time_limit`` [s] bounds the whole exact solve: HiGHS gets 75 % of it; if it stops
    before proving optimality, the best of its solution, the greedy one and the Lagrangian
    heuristic is kept and ``mip_gap`` is measured against the best of HiGHS's dual bound and
    the Lagrangian bound (:meth:`lagrangian_bound`).

    Pre-sited facilities (``fixed``): ``x_j = 1`` for them and ``Σ_j x_j = p + |fixed|`` (the
    reduction keeps the ``m − (p + |fixed|) + 1`` nearest); the greedy opens them first, the
    relocation never moves them, the Lagrangian relaxation keeps them open.

    Results: ``selected`` (pre-sited included; ``new_selected`` without them), ``cli2fac``
    (nearest chosen site), ``fac2cli``, ``mean_dist``
    (demand-weighted mean distance [cost unit]), ``objective`` (Σ a_i d_i), ``bound``,
    ``mip_gap``, ``status``, ``solve_time_s``.

    Parameters
    ----------
    name : str
        A name for the model.
    cost_matrix : array_like of float, shape (n, m)
        Cost (distance [km]) from each client to each candidate site; finite, non-negative.
    weights : array_like of float, shape (n,)
        Client demands [any unit, e.g. workers].
    p_facilities : int
        Number of NEW sites to open.
    fixed : array_like of int, optional
        Column indices of the pre-sited facilities.

    Raises
    ------
    SitingSettingsError
        For negative or non-finite costs, or the settings
        :class:`~smartidf_analysis.siting.base.LocationModel` rejects.
    """

    def __init__(self, name, cost_matrix, weights, p_facilities, fixed=None):
        super().__init__(name, cost_matrix, weights, p_facilities, fixed)
        if np.any(~np.isfinite(self.cost_matrix)) or np.any(self.cost_matrix < 0):
            raise SitingSettingsError("costs must be finite and non-negative")
        self.mean_dist = np.nan
        self.lagrangian_objective = np.inf
        self.lagrangian_selection = np.array([], dtype=int)

    @classmethod
    def from_cost_matrix(cls, cost_matrix, weights, p_facilities: int,
                         name: str = "pmedian", fixed=None) -> PMedian:
        """Build the model from a clients × sites cost matrix and client ``weights``;
        ``fixed``: columns of pre-sited facilities (``p_facilities`` new sites are added).

        Parameters
        ----------
        cost_matrix : array_like of float, shape (n, m)
            Cost (distance [km]) from each client to each candidate site.
        weights : array_like of float, shape (n,)
            Client demands [any unit, e.g. workers].
        p_facilities : int
            Number of NEW sites to open.
        name : str, default "pmedian"
            A name for the model.
        fixed : array_like of int, optional
            See above.

        Returns
        -------
        PMedian
            The model, not yet solved.

        Raises
        ------
        SitingSettingsError
            For meaningless settings.
        """
        return cls(name, cost_matrix, weights, p_facilities, fixed)

    def _solve_exact(self, time_limit: float, mip_rel_gap: float, started: float) -> bool:
        # the MILP gets 75 % of the budget, the fall-back (greedy + Lagrangian) the rest
        return self._milp(0.75 * time_limit, mip_rel_gap, started)

    def _after_time_limit(self, found: bool, started: float, time_limit: float) -> None:
        greedy = PMedian(self.name, self.cost_matrix, self.weights, self.p_facilities,
                         self.fixed).solve("greedy")
        if not found or greedy.objective < self.objective:
            self.selected, self.objective = greedy.selected, greedy.objective
            self.status += "+greedy"
        lagrangian = self.lagrangian_bound(self.objective, deadline=started + time_limit)
        self.bound = np.nanmax([self.bound, lagrangian])
        if self.lagrangian_objective < self.objective:
            self.selected = self.lagrangian_selection
            self.objective = self.lagrangian_objective
            self.status += "+lagrangian"
        self.mip_gap = self._gap_to_bound(maximise=False)

    def _greedy(self) -> None:
        a = self.weights
        keep = a > 0
        cost, w = self.cost_matrix[keep], a[keep]
        totals = w @ cost  # total weighted distance if each site were the only one
        open_ = np.zeros(self.n_facilities, bool)
        current = None
        for step in range(self.n_open):
            totals[open_] = np.inf
            # the pre-sited facilities open first
            j = int(self.fixed[step]) if step < len(self.fixed) else int(np.argmin(totals))
            open_[j] = True
            if current is None:
                current = cost[:, j].copy()
                totals = w @ np.minimum(current[:, None], cost)
                continue
            new = np.minimum(current, cost[:, j])
            changed = new < current
            if changed.any():  # only the clients that moved to j change the totals
                sub = cost[changed]
                totals = totals - w[changed] @ (np.minimum(current[changed, None], sub)
                                                - np.minimum(new[changed, None], sub))
            current = new
        self.selected = np.flatnonzero(open_)
        self._alternate(cost, w)

    def _alternate(self, cost: np.ndarray, w: np.ndarray, max_rounds: int = 30) -> None:
        """Location–allocation alternation (Maranzana 1964, *Operational Research
        Quarterly* 15(3), 261–270, doi:10.2307/3007214): allocate clients to their nearest
        site, move each site to its cluster's 1-median; repeat while the total falls."""
        selected = self.selected.copy()
        best = float(w @ cost[:, selected].min(axis=1))
        for _ in range(max_rounds):
            owner = cost[:, selected].argmin(axis=1)
            members = sparse.csr_matrix((w, (owner, np.arange(len(w)))),
                                        shape=(len(selected), len(w)))
            cluster_cost = members @ cost  # p × m: each cluster's cost at every candidate
            moved = selected.copy()
            pre_sited = {int(j) for j in self.fixed}
            taken = set(pre_sited)
            for c in np.argsort(-np.asarray(members.sum(axis=1)).ravel()):
                if int(selected[c]) in pre_sited:
                    continue  # a pre-sited facility does not move
                order = np.argsort(cluster_cost[c], kind="stable")
                moved[c] = next(j for j in order if j not in taken)
                taken.add(moved[c])
            total = float(w @ cost[:, moved].min(axis=1))
            if total >= best * (1 - 1e-12):
                break
            selected, best = moved, total
        self.selected = np.sort(selected)

    def _milp(self, time_limit, gap, started) -> bool:
        a = self.weights
        clients = np.flatnonzero(a > 0)
        m, p = self.n_facilities, self.n_open
        keep = m - p + 1
        cost = self.cost_matrix[clients]
        if keep < m:
            near = np.argpartition(cost, keep - 1, axis=1)[:, :keep]
        else:
            near = np.broadcast_to(np.arange(m), (len(clients), m))
        k, q = len(clients), near.size
        rows = np.repeat(np.arange(k), near.shape[1])
        cols = near.ravel()
        zi = np.arange(q)
        assign = sparse.csr_matrix((np.ones(q), (rows, m + zi)), shape=(k, m + q))
        link = sparse.csr_matrix((np.r_[np.ones(q), -np.ones(q)],
                                  (np.r_[zi, zi], np.r_[m + zi, cols])), shape=(q, m + q))
        card = sparse.csr_matrix(np.r_[np.ones(m), np.zeros(q)])
        c = np.r_[np.zeros(m), a[clients][rows] * cost[rows, cols]]
        res = milp(c=c, integrality=np.r_[np.ones(m), np.zeros(q)],
                   bounds=Bounds(np.r_[self._fixed_lower_bounds(m), np.zeros(q)], 1),
                   constraints=[LinearConstraint(assign, 1, 1), LinearConstraint(link, -np.inf, 0),
                                LinearConstraint(card, p, p)],
                   options={"time_limit": time_limit, "mip_rel_gap": gap, "presolve": True})
        return self._finish_milp(res, m, started, 1.0) is not None

    def lagrangian_bound(self, upper: float, iterations: int = 300,
                         deadline: float | None = None) -> float:
        """A lower bound on the optimum by Lagrangian relaxation of the assignment
        constraints, maximised by subgradient steps (Cornuéjols, Fisher & Nemhauser 1977,
        *Management Science* 23(8), 789–810, doi:10.1287/mnsc.23.8.789; Beasley 1993,
        *EJOR* 65(3), 383–399): L(λ) = Σ_i λ_i + Σ of the p smallest ρ_j, with
        ρ_j = Σ_i min(0, a_i d_ij − λ_i). ``upper``: the best known objective (step size).
        Used to report a gap when the MILP stops before proving optimality. Each
        relaxation's p sites are also a feasible solution: the best one is kept in
        ``lagrangian_selection`` / ``lagrangian_objective`` (the Lagrangian heuristic).
        ``deadline`` (a ``time.perf_counter()`` value) stops the iterations early.

        Parameters
        ----------
        upper : float
            See above [demand × cost unit].
        iterations : int, default 300
            Maximum number of subgradient steps.
        deadline : float, optional
            See above [s, ``time.perf_counter()`` clock].

        Returns
        -------
        float
            The best Lagrangian lower bound found [demand × cost unit, like ``objective``].
        """
        keep = self.weights > 0
        cost = self.weights[keep, None] * self.cost_matrix[keep]
        p = self.p_facilities
        fixed = self.fixed
        free = np.setdiff1d(np.arange(self.n_facilities), fixed)
        lam = cost.min(axis=1) if not len(self.selected) else cost[:, self.selected].min(axis=1)
        best, theta, stall = -np.inf, 2.0, 0
        for iteration in range(iterations):
            if deadline is not None and iteration >= 50 and time.perf_counter() > deadline:
                break
            reduced = np.minimum(0.0, cost - lam[:, None])
            rho = reduced.sum(axis=0)
            # pre-sited facilities are open in the relaxation too; p more among the others
            open_ = np.r_[fixed, free[np.argpartition(rho[free], p - 1)[:p]]].astype(int)
            value = lam.sum() + rho[open_].sum()
            primal = float(cost[:, open_].min(axis=1).sum())
            if primal < self.lagrangian_objective:
                self.lagrangian_objective = primal
                self.lagrangian_selection = np.sort(open_)
            if value > best + 1e-9 * abs(best if np.isfinite(best) else 1):
                best, stall = value, 0
            else:
                stall += 1
                if stall >= 20:
                    theta, stall = theta / 2, 0
            g = 1.0 - (cost[:, open_] < lam[:, None]).sum(axis=1)
            norm = float(g @ g)
            if norm == 0 or theta < 1e-6:
                break
            lam = np.maximum(0.0, lam + theta * (upper - value) / norm * g)
        return float(best)

    def _distance_to_selected(self) -> np.ndarray:
        return self.cost_matrix[:, self.selected].min(axis=1)

    def _results(self) -> None:
        cost = self.cost_matrix[:, self.selected]
        self.cli2fac = self.selected[cost.argmin(axis=1)]
        d = cost.min(axis=1)
        self.mean_dist = float(self.weights @ d / self.weights.sum())
        if self.method == "greedy":
            self.objective = float(self.weights @ self._distance_to_selected())
        self._fac2cli()
