-- The first and last inspection years with an employer-list event in the Brazil study area.
SELECT MIN(o.period) AS first_period, MAX(o.period) AS last_period
FROM observation AS o
JOIN area AS a ON a.area_id = o.area_id
WHERE a.study = :study
  AND a.level = :level
  AND o.indicator_code = :events_code
  AND o.value > 0
