-- Latest vintage per source among the observations the features of a target period could use:
-- vintage before the period starts, except employer-list events (labels as published by the latest edition).
SELECT o.source, MAX(o.vintage) AS vintage
FROM observation AS o
JOIN area AS a ON a.area_id = o.area_id
WHERE a.study = :study
  AND a.level = :level
  AND o.period < :period
  AND (o.vintage < :period OR o.indicator_code IN (:events_code, :workers_code))
GROUP BY o.source
ORDER BY o.source
