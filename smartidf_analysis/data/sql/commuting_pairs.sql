-- Home-to-work flows (INSEE RP 2014 MOBPRO) summed per (home, work) commune, optionally per
-- mode and per CSP group, inside DuckDB. Paris stays as its 20 arrondissements here.
--   $by_mode, $by_csp (BOOLEAN): keep that breakdown; otherwise the column is NULL.
--   $modes (VARCHAR[]), $csps (INTEGER[]): the modes and CSP groups kept.
-- Row order is unspecified (callers sort what they show).
SELECT home_code,
       work_code,
       CASE WHEN $by_mode THEN mode END AS mode,
       CASE WHEN $by_csp THEN csp END AS csp,
       sum(workers) AS workers
FROM commuting_flows
WHERE list_contains($modes, mode)
  AND list_contains($csps, csp)
GROUP BY ALL
