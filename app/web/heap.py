"""The garbage collector set for a long-running server process."""

from __future__ import annotations

import gc

# A page allocates many short-lived objects; with CPython's default of 700 allocations per
# young collection, a single render runs dozens of them. Fewer, larger collections cost less.
YOUNG_THRESHOLD = 10_000


def settle() -> None:
    """Called once at start-up: everything loaded so far (modules, templates, the app) lives as
    long as the process, so move it out of the collector's sight; full collections then only
    look at what requests allocate."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
