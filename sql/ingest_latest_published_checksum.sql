-- The checksum of the newest published load of one source (none if it was never published).
-- Parameter source: the ingest source name, e.g. 'brazil_employer_list'
SELECT file_sha256
FROM ingest_run
WHERE source = :source AND status = 'published'
ORDER BY started_at DESC, run_id DESC
LIMIT 1
