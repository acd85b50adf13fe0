-- Build issues of the tables the telecentre analysis reads (unmatched codes, stations
-- outside the region...), to show next to its results.
SELECT i.dataset_id, i.code, i.issue, i.rows, i.measure, i.affected
FROM build_issues AS i
WHERE i.dataset_id IN (SELECT dataset_id FROM provenance
                       WHERE table_name IN ('commuting_flows', 'stations', 'station_validations'))
ORDER BY i.dataset_id, i.code, i.issue
