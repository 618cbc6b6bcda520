"""API: faq_endpoints (being built)."""
