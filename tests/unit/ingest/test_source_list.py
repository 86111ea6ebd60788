"""The one source list (pipelines/ingest/sources.toml): every name has a connector and every connector a
family, areas load first, and the DAGs read the same list."""

from __future__ import annotations

from pipelines.ingest.registry import CONNECTORS, SOURCE_FAMILIES


def test_every_listed_source_has_a_connector_and_every_connector_is_listed():
    listed = [name for names in SOURCE_FAMILIES.values() for name in names]
    assert len(listed) == len(set(listed)), "a source is listed twice"
    assert set(listed) == set(CONNECTORS)


def test_each_family_loads_its_areas_first():
    assert {family: names[0] for family, names in SOURCE_FAMILIES.items()} == {
        "brazil": "brazil_areas",
        "world": "world_areas",
    }
