"""Tests of the shared web layer: catalogs, formatting, templates, static files."""
