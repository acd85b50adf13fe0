-- Every commune and Paris arrondissement with its groupings, population 2023, area and
-- boundary (WKB, WGS84): the open-data service's communes collection (smartidf publish).
SELECT c.commune_code, c.commune_name, c.kind, c.parent_code, c.department_code,
       d.department_name, c.epci_siren, c.epci_name, c.ept_code, c.ept_name, c.population,
       c.population_total, c.area_km2, c.centroid_lon, c.centroid_lat, c.geometry_wkb
FROM communes AS c
LEFT JOIN departments AS d USING (department_code)
ORDER BY c.commune_code
