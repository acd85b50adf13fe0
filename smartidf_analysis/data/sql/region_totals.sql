-- Region headline figures: communes, population, area (Paris counted once).
SELECT count(*) FILTER (WHERE kind = 'COM') AS communes,
       count(*) FILTER (WHERE kind = 'ARM') AS arrondissements,
       sum(population) FILTER (WHERE kind = 'COM') AS population,
       sum(area_km2) FILTER (WHERE kind = 'COM') AS area_km2,
       (SELECT bool_or(synthetic) FROM provenance) AS synthetic
FROM communes
