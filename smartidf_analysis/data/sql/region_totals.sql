-- Region headline figures: communes, population, area [km²] (Paris counted once); the area is
-- a fixed-point sum (db.sum_sql): the same bits on any thread count.
SELECT count(*) FILTER (WHERE kind = 'COM') AS communes,
       count(*) FILTER (WHERE kind = 'ARM') AS arrondissements,
       sum(population) FILTER (WHERE kind = 'COM') AS population,
       CAST(sum(CAST(area_km2 AS DECIMAL(38, 9))) FILTER (WHERE kind = 'COM') AS DOUBLE) AS area_km2,
       (SELECT bool_or(synthetic) FROM provenance) AS synthetic
FROM communes
