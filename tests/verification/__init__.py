"""Tests of the verification engine and its endpoints."""
