-- Employer-list observations (events and workers) of the Brazil municipalities: the labels' source.
SELECT o.area_id, o.period, o.indicator_code, o.value, o.vintage
FROM observation AS o
JOIN area AS a ON a.area_id = o.area_id
WHERE a.study = :study
  AND a.level = :level
  AND o.indicator_code IN (:events_code, :workers_code)
ORDER BY o.area_id, o.period, o.indicator_code, o.vintage
