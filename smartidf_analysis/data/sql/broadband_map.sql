-- Commune polygons for the coverage map: current COM communes, Paris as one commune
-- (75056, the unit of ARCEP's premises count).
SELECT commune_code, commune_name, department_code, geometry_wkb
FROM communes
WHERE kind = 'COM' AND geometry_wkb IS NOT NULL
ORDER BY commune_code
