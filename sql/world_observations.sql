-- Yearly observations of the world countries used by the child-labour model: prevalence (SDG 8.7.1, WDI),
-- Gapminder covariates, ILAB government response and ILO supervisory comments; ``source`` names the
-- publisher for the data vintages stored with the estimates.
SELECT o.area_id, o.period, o.indicator_code, o.source, o.value, o.vintage
FROM observation AS o
JOIN area AS a ON a.area_id = o.area_id
WHERE a.level = :level
  AND o.freq = 'year'
  AND (o.indicator_code LIKE :sdg OR o.indicator_code = :wdi OR o.indicator_code LIKE :gm
       OR o.indicator_code LIKE :ilab OR o.indicator_code LIKE :ceacr)
ORDER BY o.area_id, o.indicator_code, o.period, o.vintage
