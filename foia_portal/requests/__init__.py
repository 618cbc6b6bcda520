"""FOIA request intake: the form, the requester's confirmation and status pages."""
