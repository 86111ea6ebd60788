-- Countries per intervention type in the newest estimate of the world model's newest version.
SELECT e.period, e.model_version, COALESCE(e.intervention_type, 'untyped') AS intervention_type,
       COUNT(*) AS countries
FROM country_estimate AS e
WHERE e.model_name = :model_name
  AND e.period = (SELECT MAX(period) FROM country_estimate WHERE model_name = :model_name)
GROUP BY e.period, e.model_version, COALESCE(e.intervention_type, 'untyped')
ORDER BY CAST(e.model_version AS INTEGER) DESC
