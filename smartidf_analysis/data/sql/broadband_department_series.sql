-- Baromètre department (and R11 region) FttH deployment rates [%], both sources.
SELECT zone_code, quarter, period_end, coverage_pct, source
FROM fibre_department_series
ORDER BY zone_code, quarter, source
