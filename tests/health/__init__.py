"""Tests of liveness, readiness and the OpenAPI docs."""
