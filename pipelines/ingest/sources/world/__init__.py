"""World country sources: areas, subdivisions, statistical series, ILAB, supervisory comments, crosswalk."""
