"""NASSC credential service: harmonized standards, signed Open Badges 3.0 credentials."""
