-- All stored feature values of one feature set (long: one row per area, target period and feature).
SELECT area_id, period, name, value
FROM feature_value
WHERE feature_set = :feature_set
ORDER BY period, area_id, name
