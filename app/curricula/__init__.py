"""Provider curricula mapped to a harmonized standard version, and their coverage reports."""
