-- One row per catalogue dataset with its table, rows and number of build issues.
SELECT p.dataset_id, p.title, p.producer, p.vintage, p.licence, p.table_name, p.rows,
       p.synthetic, p.sha256, p.built_at, coalesce(i.issues, 0) AS build_issues
FROM provenance AS p
LEFT JOIN (SELECT dataset_id, count(*) AS issues FROM build_issues GROUP BY dataset_id) AS i
    USING (dataset_id)
ORDER BY p.dataset_id
