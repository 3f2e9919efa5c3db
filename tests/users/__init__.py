"""Tests of staff user management."""
