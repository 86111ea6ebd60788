-- One world-estimate run's rows (prevalence and interval in percent of children aged 5-17).
SELECT area_id, period, prevalence, p_lo, p_hi, intervention_type
FROM country_estimate
WHERE model_name = :model_name AND period = :period AND model_version = :model_version
ORDER BY area_id
