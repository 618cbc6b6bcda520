"""API: openapi (being built)."""
