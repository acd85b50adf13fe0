-- Current communes and Paris arrondissements with their groupings and population 2023
-- (no geometry; has_boundary says whether a polygon exists for the map).
SELECT commune_code, commune_name, kind, parent_code, department_code, epci_siren, epci_name,
       ept_code, ept_name, population, geometry_wkb IS NOT NULL AS has_boundary
FROM communes
ORDER BY commune_code
