"""The JSON API (/api/v1) and the FOIA.gov Agency API receiver (/api/foia-portal)."""
