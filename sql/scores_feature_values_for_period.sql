-- Stored feature values of one feature set for one target period (the period being scored).
SELECT area_id, period, name, value
FROM feature_value
WHERE feature_set = :feature_set
  AND period = :period
ORDER BY area_id, name
