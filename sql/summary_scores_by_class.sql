-- Areas per risk class for one model version and target period.
SELECT risk_class, COUNT(*) AS areas
FROM score
WHERE model_name = :model_name AND model_version = :model_version AND period = :period AND horizon = :horizon
GROUP BY risk_class
