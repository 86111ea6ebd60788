-- Every area already in the warehouse, for the ingest gates' "area exists" expectations.
SELECT area_id, level, study
FROM area
