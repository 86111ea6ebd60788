-- The world-estimate runs, newest first: one per published partition (period, model version), with the
-- time it was written. Country-level alerts compare the newest with the one before.
SELECT period, model_version, MAX(scored_at) AS scored_at
FROM country_estimate
WHERE model_name = :model_name
GROUP BY period, model_version
ORDER BY MAX(scored_at) DESC, period DESC
LIMIT 2
