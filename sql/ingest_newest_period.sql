-- The newest observation period a source has published (NULL if none): the freshness floor of its next load.
-- Parameter source: the ingest source name, e.g. 'world_gapminder'
SELECT MAX(o.period) AS newest
FROM observation AS o
JOIN ingest_run AS r ON r.run_id = o.ingest_run_id
WHERE r.source = :source
