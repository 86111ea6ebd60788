"""World country study: the steps the DAG calls, the model registry, the map."""
