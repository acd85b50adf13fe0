-- Daily validations per IDFM correspondence zone (zdc_id), summed over the ticket categories
-- in $categories (VARCHAR[]). Rows with an empty zdc_id cannot be placed and are left out
-- here; telecentres_validation_gaps reports them.
SELECT zdc_id, day, sum(validations)::DOUBLE AS validations
FROM station_validations
WHERE coalesce(zdc_id, '') <> ''
  AND list_contains($categories, ticket_category)
GROUP BY zdc_id, day
ORDER BY zdc_id, day
