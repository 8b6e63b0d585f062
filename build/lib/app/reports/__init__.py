"""Charter: the reports domain."""
