"""Brazil municipality sources: areas, employer list, census, population."""
