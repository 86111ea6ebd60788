"""Files a world training run logs to MLflow: the prevalence map."""
