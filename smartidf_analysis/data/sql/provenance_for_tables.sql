-- Provenance rows of the datasets feeding the given tables (for source captions).
SELECT dataset_id, table_name, title, producer, vintage, licence, synthetic
FROM provenance
WHERE list_contains($tables, table_name)
ORDER BY dataset_id
