"""Public pages: home, the FOIA guide, health check, error pages, templating and headers."""
