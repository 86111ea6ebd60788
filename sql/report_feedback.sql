-- Every recorded outcome of an alert.
SELECT f.alert_id, f.outcome, f.action_date, f.confirmed_cases
FROM feedback AS f
ORDER BY f.alert_id, f.outcome
