-- Commune attributes needed by the commuting analysis (no geometry): names, the three
-- grouping levels (EPT, EPCI, department), Lambert-93 centroid and area for distances.
SELECT c.commune_code, c.commune_name, c.kind, c.parent_code, c.department_code,
       d.department_name, c.epci_siren, c.epci_name, c.ept_code, c.ept_name,
       c.population, c.area_km2, c.centroid_x_l93, c.centroid_y_l93,
       c.centroid_lon, c.centroid_lat
FROM communes AS c
LEFT JOIN departments AS d USING (department_code)
ORDER BY c.commune_code
