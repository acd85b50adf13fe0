-- Grand Paris Express stations (SGP 2016 plan, 69 points), candidates of the GPE scenario.
SELECT station_code, station_name, lines, interconnection, commune_code, lon, lat, x_l93, y_l93
FROM gpe_stations
ORDER BY station_code
