"""Benchmarks: `python bench/run.py` (see README.md). Not tests, and not part of the app."""
