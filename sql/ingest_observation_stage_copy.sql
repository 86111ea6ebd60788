-- PostgreSQL only: the COPY statement that streams CSV rows (no header; empty unquoted field = NULL) into the
-- staging table (no parameters).
COPY ingest_observation_stage (area_id, period, indicator_code, source, vintage, freq, value, ingest_run_id)
FROM STDIN WITH (FORMAT csv)
