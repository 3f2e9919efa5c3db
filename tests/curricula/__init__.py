"""Tests of provider curricula and their coverage reports."""
