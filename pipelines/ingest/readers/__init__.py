"""Readers of source file formats shared by several connectors: strict CSV, ILAB XML, World Bank files, geometries."""
