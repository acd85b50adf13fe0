-- Home-to-work flows (INSEE RP 2014 MOBPRO) summed per (home, work) commune, optionally per
-- mode and per CSP group, inside DuckDB. Paris stays as its 20 arrondissements here.
--   $by_mode, $by_csp (BOOLEAN): keep that breakdown; otherwise the column is NULL.
--   $modes (VARCHAR[]), $csps (INTEGER[]): the modes and CSP groups kept.
-- workers are sums of survey weights: summed in fixed point (DECIMAL, 1e-9 worker, as
-- db.sum_sql does) so that the result does not depend on the order DuckDB's threads add the
-- rows in, and rows sorted, so that every later pandas sum adds them in one order.
SELECT home_code,
       work_code,
       CASE WHEN $by_mode THEN mode END AS mode,
       CASE WHEN $by_csp THEN csp END AS csp,
       CAST(sum(CAST(workers AS DECIMAL(38, 9))) AS DOUBLE) AS workers
FROM commuting_flows
WHERE list_contains($modes, mode)
  AND list_contains($csps, csp)
GROUP BY ALL
ORDER BY home_code, work_code, mode, csp
