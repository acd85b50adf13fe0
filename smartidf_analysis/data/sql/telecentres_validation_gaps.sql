-- Validations that cannot be tied to a station: an empty zdc_id, or a zdc_id absent from the
-- stations table. One row per (issue, zdc_id, stop name), largest first.
SELECT CASE WHEN coalesce(v.zdc_id, '') = '' THEN 'empty_zdc_id'
            ELSE 'zdc_id_not_in_stations' END AS issue,
       coalesce(v.zdc_id, '') AS zdc_id,
       v.stop_name,
       count(*) AS rows,
       sum(v.validations)::DOUBLE AS validations,
       min(v.day) AS first_day,
       max(v.day) AS last_day
FROM station_validations AS v
WHERE coalesce(v.zdc_id, '') = ''
   OR v.zdc_id NOT IN (SELECT zdc_id FROM stations WHERE zdc_id IS NOT NULL)
GROUP BY ALL
ORDER BY issue, validations DESC, zdc_id, stop_name
