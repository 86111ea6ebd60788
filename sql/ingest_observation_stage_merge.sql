-- PostgreSQL only: publish the staged rows, keyed on the observation primary key (an upsert).
INSERT INTO observation (area_id, period, indicator_code, source, vintage, freq, value, ingest_run_id)
SELECT area_id, period, indicator_code, source, vintage, freq, value, ingest_run_id
FROM ingest_observation_stage
ON CONFLICT (area_id, period, indicator_code, source, vintage)
DO UPDATE SET freq = EXCLUDED.freq, value = EXCLUDED.value, ingest_run_id = EXCLUDED.ingest_run_id
