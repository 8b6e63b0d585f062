"""Charter: the certificates domain."""
