"""The exception a failed data-quality gate raises."""

from __future__ import annotations


class DataQualityError(Exception):
    """A staging frame failed its expectation suite; nothing was published.

    The message names the dataset and file, every failed expectation (rule and column) and a few
    example bad rows. ``report`` holds the structured :class:`~pipelines.quality.gx_validate.ValidationReport`.
    """

    def __init__(self, message: str, report=None, quarantine_path=None) -> None:
        super().__init__(message)
        self.report = report
        self.quarantine_path = quarantine_path
