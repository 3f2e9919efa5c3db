"""Errors of the staff reports."""

from __future__ import annotations

from app.errors import ValidationFailed


class InvalidPeriod(ValidationFailed):
    slug = "invalid-report-period"
    title = "The report period ends before it starts"
