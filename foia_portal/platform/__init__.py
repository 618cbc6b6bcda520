"""App plumbing shared by every area: form fields, caching, logging, types (no FOIA rules)."""
