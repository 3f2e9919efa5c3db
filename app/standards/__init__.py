"""Harmonized standards: the NASSC certifications, their outcomes and their delivery bounds."""
