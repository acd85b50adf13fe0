-- Buildings of one source extract (apur_volumes_paris13 | dfg_saint_denis_buildings), with
-- their footprint polygon (WKB, WGS84) for the map.
SELECT building_id, source, commune_code, footprint_m2, floors, height_m, roof_material, usage,
       lon, lat, geometry_wkb
FROM buildings
WHERE source = $source
ORDER BY building_id
