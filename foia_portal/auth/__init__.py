"""Staff accounts: sign-in, roles and API tokens."""
