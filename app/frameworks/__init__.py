"""Charter: the frameworks domain."""
