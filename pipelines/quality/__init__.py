"""Data-quality gates: expectation suites written as code, run with Great Expectations.

A gate that fails raises :class:`DataQualityError`; the caller publishes nothing.
"""

from pipelines.quality.errors import DataQualityError
from pipelines.quality.gx_validate import FailedExpectation, ValidationReport, validate_frame
from pipelines.quality.suite_spec import SuiteSpec

__all__ = ["DataQualityError", "FailedExpectation", "SuiteSpec", "ValidationReport", "validate_frame"]
