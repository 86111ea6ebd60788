"""Files a Brazil training run logs to MLflow: backtest tables and figures, the risk map."""
