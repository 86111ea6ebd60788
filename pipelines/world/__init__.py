"""World country study: the steps the DAG calls, the model registry, the map."""

WORLD = {"study": "world", "level": "0"}  # the query parameters that select the world study's countries
