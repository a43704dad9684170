"""Generators of eval suites from public datasets (one module per dataset)."""
