-- Load history, newest first, optionally for one source (source NULL = all; bind it typed, see `sdg87 lineage`).
SELECT run_id, source, dataset, status, rows_in, rows_published, validation_success, file_sha256,
       file_path, started_at, finished_at
FROM ingest_run
WHERE (:source IS NULL OR source = :source)
ORDER BY started_at DESC
LIMIT :limit
