-- The Brazil municipalities' simplified polygons (WKB, EPSG:4326) for risk maps.
SELECT area_id, geometry_simplified_wkb
FROM area
WHERE study = :study
  AND level = :level
ORDER BY area_id
