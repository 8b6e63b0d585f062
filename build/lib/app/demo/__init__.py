"""The demo: a living service played through the real services (`charter demo`)."""
