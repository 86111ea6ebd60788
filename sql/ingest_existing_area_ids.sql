-- Which of the given area ids exist already (areas a source inserts only when absent).
-- Parameter area_ids: an expanding list of area ids.
SELECT area_id
FROM area
WHERE area_id IN :area_ids
