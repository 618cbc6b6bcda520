"""The Annual FOIA Report and the office's dashboard figures."""
