-- Rows currently held per source, from its published loads (a re-run of an unchanged file adds none).
SELECT source, SUM(rows_published) AS rows_published, COUNT(*) AS loads
FROM ingest_run
WHERE status = 'published'
GROUP BY source
ORDER BY source
