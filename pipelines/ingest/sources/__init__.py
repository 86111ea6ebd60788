"""Source connectors, one module per source, by study family."""
