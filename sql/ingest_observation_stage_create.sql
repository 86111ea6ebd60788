-- PostgreSQL only: a session-private staging copy of `observation`, dropped when the transaction ends.
-- Bulk loads COPY into it, then merge with ingest_observation_stage_merge.
CREATE TEMPORARY TABLE ingest_observation_stage (LIKE observation INCLUDING DEFAULTS) ON COMMIT DROP
