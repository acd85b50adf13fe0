-- IDFM stations (2025 network), one row per station and line, for the telecentre candidates.
-- commune_code is NULL for the stations outside Île-de-France (kept: reported, not dropped).
SELECT station_id, station_name, line, mode, operator, zdc_id, lon, lat, x_l93, y_l93,
       commune_code
FROM stations
ORDER BY station_id, line
