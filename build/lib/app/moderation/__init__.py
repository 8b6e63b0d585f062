"""Charter: the moderation domain."""
