"""Fault tests: killed servers, a database that goes away, an unusable key store."""
