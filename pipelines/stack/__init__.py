"""The distributed profile on one machine: PostgreSQL, Redis, an SMTP sink, an MLflow tracking server and
Airflow (API server, scheduler, DAG processor, two Celery workers) as plain processes on loopback ports.

``python -m pipelines.stack up|down|status`` (``make up`` / ``make down``). State lives in
``$SDG87_HOME/stack/``: ``stack.json`` (ports, secrets, pids), ``profile.env`` (the ``SDG87_*`` settings of
the profile, to ``source`` in a shell), ``<service>.log`` and the PostgreSQL data folder.
"""
