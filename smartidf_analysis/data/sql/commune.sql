-- One commune (or arrondissement) by its code.
SELECT commune_code, commune_name, kind, parent_code, department_code, epci_siren, epci_name,
       ept_code, ept_name, population, population_total, area_km2, centroid_lon, centroid_lat
FROM communes
WHERE commune_code = $commune_code
