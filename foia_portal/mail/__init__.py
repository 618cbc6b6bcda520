"""Outgoing email: the outbox, the sender and the worker command."""
