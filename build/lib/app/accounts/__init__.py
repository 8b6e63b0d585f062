"""Charter: the accounts domain."""
