"""API: portal_endpoints (being built)."""
