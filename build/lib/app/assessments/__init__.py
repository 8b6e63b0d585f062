"""Charter: the assessments domain."""
