-- The world countries with their name and centroid (EPSG:4326, degrees).
SELECT area_id, name, centroid_lon AS lon, centroid_lat AS lat
FROM area
WHERE level = :level
ORDER BY area_id
