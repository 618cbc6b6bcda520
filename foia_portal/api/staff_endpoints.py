"""API: staff_endpoints (being built)."""
