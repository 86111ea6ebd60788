"""Ingestion: one connector per source, a write-audit-publish runner, and the source families.

>>> run_source("brazil_employer_list")
{'source': 'brazil_employer_list', 'status': 'published', 'rows_in': 848, 'rows_published': 848, 'run_id': '…'}
"""

from pipelines.ingest.errors import CrosswalkError, SourceFormatError
from pipelines.ingest.registry import CONNECTORS, SOURCE_FAMILIES
from pipelines.ingest.runner import run_source
from pipelines.ingest.sample_slice import slice_sample

__all__ = [
    "CONNECTORS",
    "SOURCE_FAMILIES",
    "CrosswalkError",
    "SourceFormatError",
    "run_source",
    "slice_sample",
]
