"""Tests of training providers: registration, accreditation and their API clients."""
