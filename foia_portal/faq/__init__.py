"""The searchable FAQ."""
