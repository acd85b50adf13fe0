-- Codes of the commuting file that could not be mapped to the current COG (kept as is).
SELECT i.dataset_id, i.code, i.issue, i.rows, i.measure, i.affected
FROM build_issues AS i
JOIN provenance AS p ON p.dataset_id = i.dataset_id AND p.table_name = 'commuting_flows'
ORDER BY i.code, i.issue
