-- Benchmark only (psycopg placeholders): the synthetic indicator definitions the COPY floor's rows refer to.
INSERT INTO indicator (indicator_code, name, unit, source) VALUES (%s, %s, %s, %s)
