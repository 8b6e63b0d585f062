"""Charter: the evidence domain."""
