-- Existing sites imported by `smartidf data import-sites` (pre-sited in the scenarios).
SELECT site_id, name, lon, lat, x_l93, y_l93, commune_code, seats, opening_year, source,
       source_ref, file_name, file_line
FROM existing_sites
ORDER BY site_id
