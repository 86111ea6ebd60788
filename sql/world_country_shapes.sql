-- The world countries' simplified polygons (WKB, EPSG:4326) and centroids (degrees) for the world map;
-- small states have a centroid but no polygon.
SELECT area_id, geometry_simplified_wkb, centroid_lon, centroid_lat
FROM area
WHERE level = :level
ORDER BY area_id
