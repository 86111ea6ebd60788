"""ILAB cell parsing: ordinal levels, plain counts, percent units (cases taken from the real file)."""

from __future__ import annotations

import math

import pytest

from pipelines.ingest.world_ilab import advancement_ordinal, plain_count


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Significant Advancement", 4),
        ("Moderate Advancement", 3),
        ("Minimal Advancement", 2),
        ("Minimal Advancement – Efforts Made but Continued Practice that Delayed Advancement", 1),
        ("Minimal Advancement– Efforts Made but Continued Law that Delayed Advancement", 1),
        ("No Advancement", 0),
        ("No Advancement – Efforts Made but Complicit in Forced Child Labor", 0),
    ],
)
def test_advancement_ordinal(label, expected):
    assert advancement_ordinal(label) == expected


@pytest.mark.parametrize("label", ["No Assessment", None, float("nan"), "Unknown"])
def test_no_assessment_is_missing_not_zero(label):
    assert math.isnan(advancement_ordinal(label))


@pytest.mark.parametrize(("cell", "expected"), [("2,168", 2168.0), ("10‡", 10.0), ("0*", 0.0), ("45", 45.0)])
def test_plain_count(cell, expected):
    assert plain_count(cell) == expected


@pytest.mark.parametrize("cell", ["Unknown", "Unknown*", "Unavailable", "N/A", "28 (2 federal)", ""])
def test_text_counts_are_missing(cell):
    assert math.isnan(plain_count(cell))
