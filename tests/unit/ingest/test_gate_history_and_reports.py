"""History rules of the gate (row-count change, freshness), the HTML report and the operator subject.

Frames here are small, hand-made and synthetic.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pipelines.ingest.runner import with_history
from pipelines.mail.operator_notice import notice_subject
from pipelines.quality import validate_frame
from pipelines.quality.gx_validate import FailedExpectation, ValidationReport
from pipelines.quality.report_html import write_validation_html
from pipelines.quality.suites import observation_suite


def _frame(n: int, year: int = 2020) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "area_id": [f"XX{i}" for i in range(n)],
            "period": [date(year, 1, 1)] * n,
            "indicator_code": ["synthetic"] * n,
            "source": ["synthetic"] * n,
            "vintage": [date(year + 1, 1, 1)] * n,
            "freq": ["year"] * n,
            "value": [1.0] * n,
            "unit": ["count"] * n,
        }
    )


def _suite(n: int):
    return observation_suite(
        "synthetic", [f"XX{i}" for i in range(n)], {"synthetic"}, {"synthetic"}, (1, None)
    )


def _rules(report) -> set[str]:
    return {f.rule for f in report.failed}


@pytest.mark.parametrize(("previous", "rows", "ok"), [(10, 10, True), (10, 15, True), (10, 16, False), (10, 6, False), (None, 40, True)])  # fmt: skip
def test_row_count_change_versus_previous_load(previous, rows, ok):
    report = validate_frame(_frame(rows), with_history(_suite(rows), previous, None))
    assert report.success is ok
    if not ok:
        assert _rules(report) == {"expect_table_row_count_to_be_between (row_count_change)"}
        assert f"previous load: {previous} rows" in report.failed[0].detail


@pytest.mark.parametrize(
    ("newest", "year", "ok"), [(2020, 2020, True), (2019, 2020, True), (2021, 2020, False)]
)
def test_freshness_newest_period_not_older_than_published(newest, year, ok):
    report = validate_frame(_frame(3, year), with_history(_suite(3), None, newest))
    assert report.success is ok
    if not ok:
        failed = report.failed[0]
        assert (
            failed.rule == "expect_column_max_to_be_between (freshness)"
            and failed.column == "period (as year)"
        )


def test_area_suites_get_no_freshness_rule():
    from pipelines.quality.suites import area_suite

    spec = with_history(area_suite("synthetic", r"^X+$", {"0"}, (1, None)), 5, 2020)
    assert spec.newest_min == {} and spec.previous_rows == 5


def test_html_report_escapes_values_from_the_file(tmp_path):
    failed = FailedExpectation(
        "rule", "area_id", "1 unexpected values", [{"area_id": "<script>alert(1)</script>"}]
    )
    report = ValidationReport("synthetic", False, 3, [failed])
    page = write_validation_html(report, tmp_path, source="synthetic", run_id="r1", file="<b>x.csv</b>",
                                 status="rejected", rows=1)  # fmt: skip
    html = page.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;x.csv" in html
    assert "validations/synthetic/r1.html" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_operator_subject_is_one_line():
    subject = notice_subject("world_ilab\r\nBcc: someone@example.org", "data-quality gate")
    assert "\n" not in subject and "\r" not in subject and subject.startswith("[sdg87] ingest world_ilab")
