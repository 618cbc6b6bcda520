"""The statute's rules, shared by every area: the clock, the status machine, tracking numbers,
the vocabulary. Nothing here imports an area or the app's plumbing (foia_portal/platform/)."""
