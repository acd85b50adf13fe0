-- ARCEP 2018T1 dwellings whose commune code has no current COG commune (listed in
-- build_issues): the synthetic roof stock cannot place them; they are reported, not dropped.
SELECT p.commune_code, p.commune_code_2018, p.commune_name, p.department_code, p.dwellings
FROM premises AS p
LEFT JOIN communes AS c USING (commune_code)
WHERE c.commune_code IS NULL
ORDER BY p.commune_code
