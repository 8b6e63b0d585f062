"""Charter: the audit domain."""
