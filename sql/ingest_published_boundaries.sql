-- Published areas with a geometry: centroid, size and simplified shape, for the boundary-change rules.
SELECT area_id, level, study, centroid_lon, centroid_lat, area_km2, geometry_simplified_wkb
FROM area
WHERE geometry_wkb IS NOT NULL
