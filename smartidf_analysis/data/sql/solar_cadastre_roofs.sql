-- The solar cadastre roofs of the Saint-Denis GeoPackage (APUR / MGP layer
-- potentielsolaire_toitures), with their polygon (WKB, WGS84).
SELECT roof_id, usable_area_m2, solar_class, production_kwh, mean_irradiation_kwh_m2, roof_shape,
       lon, lat, geometry_wkb
FROM solar_cadastre_roofs
ORDER BY roof_id
