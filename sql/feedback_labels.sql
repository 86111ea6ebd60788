-- Outcomes reported on alerts, per (area, target period): confirmed cases and false alarms. Labels for a
-- later model to use next to the inspection records (they exist only where an alert was sent).
SELECT a.area_id, a.period,
       SUM(CASE WHEN f.outcome = 'confirmed' THEN COALESCE(f.confirmed_cases, 0) ELSE 0 END) AS confirmed_cases,
       MAX(CASE WHEN f.outcome = 'false_alarm' THEN 1 ELSE 0 END) AS false_alarm,
       MIN(f.action_date) AS first_action_date
FROM feedback AS f
JOIN alert AS a ON a.alert_id = f.alert_id
GROUP BY a.area_id, a.period
ORDER BY a.area_id, a.period
