"""Charter: the organisations domain."""
