-- ARCEP commune information 2018T1: the FttH rate denominator and zoning flags.
SELECT commune_code, commune_code_2018, commune_name, department_code, epci_siren,
       dwellings, establishments, very_dense_zone, l3313_commitment, private_intention,
       rural, mountain, infrastructure_operators
FROM premises
ORDER BY commune_code_2018
