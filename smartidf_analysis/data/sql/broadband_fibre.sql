-- ARCEP FttH connectable premises and coverage class per reporting unit and quarter:
-- geo_level COM (commune file, Paris as 75056) and ARM (Paris arrondissements file).
SELECT commune_code, commune_code_2018, geo_level, quarter, connectable_premises, arcep_class
FROM fibre_deployment
ORDER BY geo_level, commune_code_2018, quarter
