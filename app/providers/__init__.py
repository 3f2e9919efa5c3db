"""Training providers, their accreditation, and their OAuth API clients."""
