-- Number of roofs imported by `smartidf data import-buildings` (table imported_roofs).
SELECT count(*) AS roofs FROM imported_roofs
