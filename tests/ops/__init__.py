"""Tests of metrics and backups."""
