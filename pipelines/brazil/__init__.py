"""Brazil municipality study: features, training inputs, training, registry, scoring, forecasts."""
