"""Errors of the operations tools."""

from __future__ import annotations


class BackupError(Exception):
    """A backup that cannot be written or restored; the message says why."""
