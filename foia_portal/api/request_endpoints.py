"""API: request_endpoints (being built)."""
