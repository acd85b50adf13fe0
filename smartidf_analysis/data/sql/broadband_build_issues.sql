-- Build issues of the ARCEP broadband datasets (codes with no current COG mapping...).
SELECT dataset_id, code, issue, rows, measure, affected
FROM build_issues
WHERE dataset_id LIKE 'arcep_%'
ORDER BY dataset_id, code
