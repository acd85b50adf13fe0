-- Every harmonisation issue of the last build, largest first.
SELECT dataset_id, code, issue, rows, measure, affected
FROM build_issues
ORDER BY dataset_id, affected DESC, code
