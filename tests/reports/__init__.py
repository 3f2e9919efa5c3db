"""Tests of the staff reports."""
