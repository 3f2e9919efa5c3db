"""Tests of harmonized standards: schemas, seed files and the CASE export."""
