-- Rows currently held per source: observations stored under the source's name (loads that replace a
-- partition or reload a vintage count once); a source that writes no observations (boundaries → area)
-- holds what its newest published load published.
SELECT r.source,
       COALESCE(o.n, (SELECT r2.rows_published FROM ingest_run AS r2
                      WHERE r2.source = r.source AND r2.status = 'published'
                      ORDER BY r2.started_at DESC LIMIT 1)) AS rows_published,
       COUNT(*) AS loads
FROM ingest_run AS r
LEFT JOIN (SELECT source, COUNT(*) AS n FROM observation GROUP BY source) AS o ON o.source = r.source
WHERE r.status = 'published'
GROUP BY r.source, o.n
ORDER BY r.source
