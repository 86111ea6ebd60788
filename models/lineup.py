"""The names of the Brazil line-up, without the models: what the gates and the alert skill check read.

Kept apart from :mod:`models.recipes` so that reading a run's metrics (the web app, the alert sender)
does not import scikit-learn. ``REFERENCE`` is the "past events + population" rule every model is compared
with; ``NAIVE_BASELINES`` the naive baselines the alert skill gate compares the champion with.
"""

from __future__ import annotations

REFERENCE = "rule"
NAIVE_BASELINES = ("persistence", "historical_frequency", "population_rate", "neighbour_rate")
