"""Tests of the worker's side: claim links, personal pages, certificates."""
