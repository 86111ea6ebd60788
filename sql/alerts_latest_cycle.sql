-- The scoring cycles of one model for its newest target period: one row per (model_version, horizon).
-- The caller picks the highest model version (compared as a number) and its shortest horizon.
SELECT DISTINCT period, model_version, horizon
FROM score
WHERE model_name = :model_name
  AND period = (SELECT MAX(period) FROM score WHERE model_name = :model_name)
