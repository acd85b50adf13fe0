-- ARCEP FttH deployment per department and quarter, with the department names.
SELECT f.department_code, d.department_name, f.quarter, f.connectable_premises, f.arcep_class
FROM fibre_deployment_departments AS f
LEFT JOIN departments AS d USING (department_code)
ORDER BY f.department_code, f.quarter
