-- The newest published load of one source: its checksum and staging row count (none if never published).
-- Parameter source: the ingest source name, e.g. 'brazil_employer_list'
SELECT file_sha256, rows_in
FROM ingest_run
WHERE source = :source AND status = 'published'
ORDER BY started_at DESC, run_id DESC
LIMIT 1
