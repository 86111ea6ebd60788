-- Confirmed cases and false alarms officers reported on alerts, per alert's area and target period: the
-- labels feedback may add to training. The caller decides what counts (only confirmed cases > 0 do).
SELECT a.area_id, a.period, f.outcome, f.confirmed_cases, f.action_date, f.recorded_at
FROM feedback AS f
JOIN alert AS a ON a.alert_id = f.alert_id
WHERE f.outcome IN ('confirmed', 'false_alarm')
ORDER BY a.area_id, a.period, f.outcome, f.alert_id
