-- The ingest sources whose loads produced the observations of the given data sources (the keys of a
-- score's data_vintage). Their latest loads decide whether the scores' inputs can be trusted.
SELECT DISTINCT r.source AS ingest_source
FROM ingest_run AS r
WHERE r.run_id IN (
    SELECT DISTINCT o.ingest_run_id FROM observation AS o WHERE o.source IN :sources
)
ORDER BY ingest_source
