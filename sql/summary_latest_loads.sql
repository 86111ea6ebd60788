-- The newest load attempt of every source: what `sdg87 run` and `sdg87 lineage --latest` report.
SELECT r.source, r.dataset, r.status, r.rows_in, r.rows_published, r.validation_success, r.finished_at
FROM ingest_run AS r
WHERE r.started_at = (SELECT MAX(r2.started_at) FROM ingest_run AS r2 WHERE r2.source = r.source)
ORDER BY r.source
