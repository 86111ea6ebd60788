-- The newest scored (period, model version, horizon) of one model.
SELECT period, model_version, horizon, MAX(mlflow_run_id) AS mlflow_run_id, COUNT(*) AS areas
FROM score
WHERE model_name = :model_name
GROUP BY period, model_version, horizon
ORDER BY period DESC, CAST(model_version AS INTEGER) DESC, horizon
