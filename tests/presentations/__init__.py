"""Tests of app.presentations (OpenID4VP)."""
