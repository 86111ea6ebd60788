"""Errors the pure steps raise on unusable input; the I/O layer raises them too, so callers catch one type."""

from __future__ import annotations


class MissingInputError(RuntimeError):
    """A step found no usable input (no areas, no labels, no features): upstream did not publish."""
