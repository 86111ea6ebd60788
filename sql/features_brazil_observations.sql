-- Every yearly observation of the Brazil municipalities (study area, level 2), in the warehouse's long shape.
-- Features filter by period and vintage themselves (as-of rules live in features/asof.py).
SELECT o.area_id, o.period, o.indicator_code, o.source, o.value, o.vintage
FROM observation AS o
JOIN area AS a ON a.area_id = o.area_id
WHERE a.study = :study
  AND a.level = :level
  AND o.freq = 'year'
ORDER BY o.area_id, o.indicator_code, o.period, o.vintage
