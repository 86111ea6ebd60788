"""The GX gate on small synthetic frames (hand-made, not real data)."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from pipelines.quality import SuiteSpec, validate_frame
from pipelines.quality.suites import observation_suite


def _frame(**overrides) -> pd.DataFrame:
    base = {
        "area_id": ["BRA.1500107", "BRA.1500131"],
        "period": [date(2020, 1, 1), date(2020, 1, 1)],
        "indicator_code": ["x_count", "x_pct"],
        "source": ["synthetic", "synthetic"],
        "vintage": [date(2021, 1, 1), date(2021, 1, 1)],
        "freq": ["year", "year"],
        "value": [3.0, 40.0],
        "unit": ["count", "percent"],
    }
    base.update(overrides)
    return pd.DataFrame(base)


def _suite(row_count=(1, 10)):
    return observation_suite(
        "synthetic", {"BRA.1500107", "BRA.1500131"}, {"x_count", "x_pct"}, {"synthetic"}, row_count
    )


@pytest.fixture(scope="module")
def gx_loaded():
    # The first validation imports GX (seconds); share it across this module's tests.
    validate_frame(_frame(), _suite())


def _rules(report) -> set[tuple[str, str]]:
    return {(f.rule, f.column) for f in report.failed}


def test_clean_frame_passes(gx_loaded):
    report = validate_frame(_frame(), _suite())
    assert report.success and report.failed == []


def test_negative_count_and_percent_over_100_fail_with_examples(gx_loaded):
    report = validate_frame(_frame(value=[-1.0, 140.0]), _suite())
    assert not report.success
    assert ("expect_column_values_to_be_between", "value (unit count)") in _rules(report)
    assert ("expect_column_values_to_be_between", "value (unit percent)") in _rules(report)
    example = next(f for f in report.failed if f.column == "value (unit count)").examples[0]
    assert example["value"] == -1.0 and example["area_id"] == "BRA.1500107"


def test_duplicate_compound_key_fails(gx_loaded):
    frame = _frame(area_id=["BRA.1500107", "BRA.1500107"], indicator_code=["x_count", "x_count"],
                   unit=["count", "count"])  # fmt: skip
    report = validate_frame(frame, _suite())
    assert ("expect_compound_columns_to_be_unique", "area_id,period,indicator_code,source,vintage") in _rules(
        report
    )


def test_nan_value_fails_not_null(gx_loaded):
    report = validate_frame(_frame(value=[np.nan, 1.0]), _suite())
    assert ("expect_column_values_to_not_be_null", "value") in _rules(report)


def test_unknown_area_and_vintage_before_period_fail(gx_loaded):
    frame = _frame(area_id=["BRA.9999999", "BRA.1500131"], vintage=[date(2019, 1, 1), date(2021, 1, 1)])
    rules = _rules(validate_frame(frame, _suite()))
    assert ("expect_column_values_to_be_in_set", "area_id") in rules
    assert ("expect_column_pair_values_a_to_be_greater_than_b", "vintage>=period") in rules


def test_empty_frame_fails_row_count(gx_loaded):
    report = validate_frame(_frame().iloc[0:0], _suite())
    assert ("expect_table_row_count_to_be_between", "(table)") in _rules(report)


def test_one_row_passes_and_missing_column_fails(gx_loaded):
    assert validate_frame(_frame().iloc[:1], _suite()).success
    report = validate_frame(_frame().drop(columns=["vintage"]), _suite())
    assert ("expect_column_to_exist", "vintage") in _rules(report)


def test_validation_does_not_mutate_the_frame(gx_loaded):
    frame = _frame()
    before = frame.copy()
    validate_frame(frame, _suite())
    pd.testing.assert_frame_equal(frame, before)


def test_summary_json_lists_failures(gx_loaded):
    spec = SuiteSpec(name="synthetic", columns=("a",), key=("a",), row_count=(1, 1))
    report = validate_frame(pd.DataFrame({"a": [1, 1]}), spec)
    assert '"rule": "expect_column_values_to_be_unique"' in report.summary_json()


def test_area_parent_must_be_in_the_frame(gx_loaded):
    from pipelines.quality.suites import area_suite

    frame = pd.DataFrame(
        {
            "area_id": ["BRA", "BRA.PA", "BRA.1500107"],
            "level": ["0", "1", "2"],
            "parent_id": [None, "BRA", "BRA.MT"],  # synthetic: MT is not in this frame
            "name": ["Brasil", "Pará", "Abaetetuba"],
            "iso3": ["BRA"] * 3,
            "study": ["brazil"] * 3,
            "centroid_lon": [-53.0, -53.0, -48.9],
            "centroid_lat": [-10.8, -4.0, -1.7],
            "area_km2": [8.5e6, 1.2e6, 1610.7],
        }
    )
    spec = area_suite(
        "synthetic", r"^BRA(?:\.[A-Z]{2}|\.\d{7})?$", {"0", "1", "2"}, (1, 10), ["BRA", "BRA.PA"]
    )
    report = validate_frame(frame, spec)
    assert _rules(report) == {("expect_column_values_to_be_in_set", "parent_id")}
    assert report.failed[0].examples[0]["area_id"] == "BRA.1500107"
