"""Charter: the web domain."""
