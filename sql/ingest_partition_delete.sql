-- Delete a source's partition (the observation rows its loads published) before its new file is inserted,
-- inside the publishing transaction.
-- Parameter source: the ingest source name, e.g. 'brazil_population'
DELETE FROM observation
WHERE ingest_run_id IN (SELECT run_id FROM ingest_run WHERE source = :source)
