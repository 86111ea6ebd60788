"""Command groups of the ``sdg87`` CLI (see ``pipelines/cli.py``)."""
