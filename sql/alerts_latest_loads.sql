-- Per source: status and finish time of its latest load, finish time and run id of its latest successful
-- load (published or unchanged). Used to refuse sending scores built on rejected or stale inputs, and to
-- name the data-quality results behind the scores.
SELECT s.source,
       (SELECT r.status FROM ingest_run AS r
         WHERE r.source = s.source ORDER BY r.started_at DESC LIMIT 1) AS last_status,
       MAX(s.finished_at) AS last_finished_at,
       MAX(CASE WHEN s.status IN ('published', 'unchanged') THEN s.finished_at END) AS last_ok_at,
       (SELECT r.run_id FROM ingest_run AS r
         WHERE r.source = s.source AND r.status IN ('published', 'unchanged')
         ORDER BY r.started_at DESC LIMIT 1) AS last_ok_run_id
FROM ingest_run AS s
GROUP BY s.source
ORDER BY s.source
