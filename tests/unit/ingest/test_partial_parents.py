"""The parent-extent rule: a parent published from a regional slice is not used to judge its children, but
children moved away from a full parent (longitude and latitude swapped) still are."""

from __future__ import annotations

import pandas as pd
import shapely

from pipelines.ingest.boundary_checks import parent_violations, partial_parents


def _provinces(boxes: list[tuple[float, float, float, float]], parent: str = "BRA") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_id": [f"{parent}.{i}" for i in range(len(boxes))],
            "parent_id": parent,
            "geometry_wkb": [shapely.to_wkb(shapely.box(*b)) for b in boxes],
        }
    )


def _parent(box: tuple[float, float, float, float], area_id: str = "BRA") -> pd.DataFrame:
    return pd.DataFrame([dict(zip(["min_lon", "min_lat", "max_lon", "max_lat"], box)) | {"area_id": area_id}])


# Brazil-like provinces spread over -74..-34 lon, -34..5 lat
PROVINCES = [(-74 + 5 * i, -34 + 4 * i, -70 + 5 * i, -30 + 4 * i) for i in range(9)]


def test_a_slice_parent_is_partial_and_its_children_are_not_judged():
    frame = _provinces(PROVINCES)
    slice_parent = _parent((-61.0, -18.0, -46.0, 3.0))  # two states only
    assert partial_parents(frame, slice_parent, 5.0) == {"BRA"}
    assert parent_violations(frame, slice_parent, 5.0, 0.01) != []  # what the rule alone would say


def test_a_full_parent_is_not_partial_and_judges_its_children():
    frame = _provinces(PROVINCES)
    full = _parent((-74.0, -34.0, -30.0, 6.0))
    assert partial_parents(frame, full, 5.0) == set()
    assert parent_violations(frame, full, 5.0, 0.01) == []


def test_swapped_children_of_a_full_parent_are_still_refused():
    swapped = _provinces([(b, a, d, c) for a, b, c, d in PROVINCES])
    full = _parent((-74.0, -34.0, -30.0, 6.0))
    assert partial_parents(swapped, full, 5.0) == set()
    assert parent_violations(swapped, full, 5.0, 0.01) != []
