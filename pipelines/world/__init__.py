"""World country study: the steps the DAG calls, the model registry, the map."""

# The query parameters that select the countries: every level-0 area, whichever study's source published
# its row (BRA is the Brazil study's, and it is a country of the world model like any other).
WORLD = {"level": "0"}
