-- PostgreSQL only: COPY CSV rows straight into `observation` (no staging, no merge). The benchmark uses it
-- as the floor that the keyed ingest path is compared with; the pipeline itself never writes this way.
COPY observation (area_id, period, indicator_code, source, vintage, freq, value, ingest_run_id)
FROM STDIN WITH (FORMAT csv)
