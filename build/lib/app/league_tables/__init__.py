"""Charter: the league_tables domain."""
