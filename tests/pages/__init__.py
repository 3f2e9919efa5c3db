"""Tests of the public HTML pages."""
