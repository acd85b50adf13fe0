-- Communes for a map: Paris as one commune ($paris_as_one) or as its 20 arrondissements.
SELECT commune_code, commune_name, kind, department_code, population, area_km2,
       population / nullif(area_km2, 0) AS density_per_km2, centroid_lon, centroid_lat,
       geometry_wkb
FROM communes
WHERE (kind = 'ARM' AND NOT $paris_as_one)
   OR (kind = 'COM' AND (commune_code <> '75056' OR $paris_as_one))
ORDER BY commune_code
