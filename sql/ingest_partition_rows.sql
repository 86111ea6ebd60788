-- How many observation rows a source's partition holds: the rows its own loads published.
-- Parameter source: the ingest source name, e.g. 'brazil_population'
SELECT COUNT(*) AS n
FROM observation
WHERE ingest_run_id IN (SELECT run_id FROM ingest_run WHERE source = :source)
