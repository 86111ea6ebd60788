-- Messages per kind and status.
SELECT kind, status, COUNT(*) AS messages, SUM(n_areas) AS areas
FROM delivery
GROUP BY kind, status
ORDER BY kind, status
