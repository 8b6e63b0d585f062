"""The garbage collector and the C allocator set for a long-running server process."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

# A page allocates many short-lived objects; with CPython's default of 700 allocations per
# young collection, a single render runs dozens of them. Fewer, larger collections cost less.
YOUNG_THRESHOLD = 10_000

# glibc's mallopt() parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
# Request bodies arrive in pieces of 64 KiB to a few hundred KiB. glibc's defaults give each
# piece fresh pages from the kernel (mmap, or the heap's top grown and trimmed again), so reading
# 100 MB cost ~21,000 page faults, about 0.1 s of CPU here; keeping such blocks in the heap, and
# up to TRIM_BYTES of free heap unreturned, lets the next piece reuse the last one's memory.
MMAP_BYTES = 4 * 1024 * 1024
TRIM_BYTES = 32 * 1024 * 1024


def settle() -> None:
    """Called once at start-up: everything loaded so far (modules, templates, the app) lives as
    long as the process, so move it out of the collector's sight; full collections then only
    look at what requests allocate."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
    keep_freed_memory()


def keep_freed_memory() -> bool:
    """Tune glibc's allocator as above; False (and nothing changed) on another C library."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name)
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:  # musl, macOS
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_BYTES)) and bool(
        mallopt(M_TRIM_THRESHOLD, TRIM_BYTES)
    )
