-- Whether the database being read holds the table (or, for a Parquet export, the view)
-- $table_name (db.table_exists, db.import_rows): its own catalog only, not the scratch
-- memory of the connection it is attached to.
SELECT count(*) > 0 AS present
FROM information_schema.tables
WHERE table_catalog = current_database() AND table_schema = 'main'
  AND table_name = $table_name
