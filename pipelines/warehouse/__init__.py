"""The warehouse: schema, engine, migrations and keyed writes (SQLite by default, PostgreSQL in production)."""
