-- Provenance of the datasets feeding the given tables, with the original's URL: the source,
-- vintage and licence of each collection of the open-data service (smartidf publish).
SELECT dataset_id, table_name, title, producer, vintage, licence, url, synthetic, origin
FROM provenance
WHERE list_contains($tables, table_name)
ORDER BY dataset_id
