-- The Brazil municipalities: one row per area_id with its state, centroid (EPSG:4326), size and polygon (WKB).
SELECT area_id, parent_id, name, centroid_lon, centroid_lat, area_km2, geometry_wkb
FROM area
WHERE study = :study
  AND level = :level
ORDER BY area_id
