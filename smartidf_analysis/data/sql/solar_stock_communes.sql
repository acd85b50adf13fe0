-- Map units for the synthetic roof stock (arrondissements for Paris, communes elsewhere) with
-- their dwellings: ARCEP 2018T1 dwellings summed per current COG code (merged 2018 codes add
-- up); Paris, given as 75056 in the ARCEP file, is split over its 20 arrondissements by their
-- share of the INSEE 2023 population (dwellings_method says which rule applied).
WITH dw AS (
    SELECT commune_code, sum(dwellings) AS dwellings, count(*) AS source_rows
    FROM premises
    GROUP BY commune_code
),
units AS (
    SELECT c.commune_code, c.commune_name, c.kind, c.department_code, c.population, c.area_km2,
           c.centroid_lon, c.centroid_lat, dw.dwellings AS own_dwellings, dw.source_rows,
           sum(c.population) FILTER (WHERE c.kind = 'ARM') OVER () AS paris_population
    FROM communes AS c
    LEFT JOIN dw USING (commune_code)
    WHERE c.kind = 'ARM' OR c.commune_code <> '75056'
)
SELECT commune_code, commune_name, kind, department_code, population, area_km2,
       centroid_lon, centroid_lat,
       CASE WHEN kind = 'ARM'
            THEN (SELECT dwellings FROM dw WHERE commune_code = '75056')
                 * population / paris_population
            ELSE own_dwellings END AS dwellings,
       CASE WHEN kind = 'ARM' THEN 'paris_split_by_population'
            WHEN own_dwellings IS NULL THEN 'missing'
            WHEN source_rows > 1 THEN 'arcep_merged_codes'
            ELSE 'arcep' END AS dwellings_method
FROM units
ORDER BY commune_code
