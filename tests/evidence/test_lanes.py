"""The two threads that hash and write a large upload: order kept in each, the event loop held
back only past the limit in flight, a failure raised to the loop and the rest skipped."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest

from app.evidence.lanes import Lanes

KB = 1024


class Recorder:
    """A lane's work: records the pieces it is given, optionally only once `gate` is open."""

    def __init__(self, gate: threading.Event | None = None, fail_at: int | None = None) -> None:
        self.seen: list[bytes] = []
        self.gate = gate
        self.fail_at = fail_at
        self.threads: set[str] = set()

    def __call__(self, pieces: Sequence[bytes]) -> None:
        if self.gate is not None:
            assert self.gate.wait(10), "the test never opened the gate"
        self.threads.add(threading.current_thread().name)
        if self.fail_at is not None and len(self.seen) >= self.fail_at:
            raise OSError(28, "No space left on device")
        self.seen.extend(pieces)


def batches(n: int) -> list[list[bytes]]:
    return [[bytes([i]) * KB, bytes([i]) * (2 * KB)] for i in range(n)]


async def test_each_lane_sees_every_piece_in_order_in_a_thread_of_its_own() -> None:
    hashed, written = Recorder(), Recorder()
    lanes = Lanes(hashed, written, limit=4 * KB)
    sent = batches(50)
    for pieces in sent:
        await lanes.submit(pieces, sum(map(len, pieces)))
    await lanes.finish()
    expected = [piece for pieces in sent for piece in pieces]
    assert hashed.seen == expected
    assert written.seen == expected
    assert hashed.threads == {"upload-hash"}
    assert written.threads == {"upload-write"}
    assert threading.main_thread().name not in hashed.threads | written.threads


async def test_submit_returns_at_once_under_the_limit_and_waits_past_it() -> None:
    gate = threading.Event()
    lanes = Lanes(Recorder(), Recorder(gate), limit=8 * KB)
    one, two, three = ([b"x" * (3 * KB)] for _ in range(3))
    await asyncio.wait_for(lanes.submit(one, 3 * KB), 1)  # 3 KB in flight
    await asyncio.wait_for(lanes.submit(two, 3 * KB), 1)  # 6 KB
    third = asyncio.create_task(lanes.submit(three, 3 * KB))  # 9 KB: over the limit
    await asyncio.sleep(0.2)
    assert not third.done(), "the loop went on although 9 KB were still being written"
    gate.set()
    await asyncio.wait_for(third, 5)
    await asyncio.wait_for(lanes.finish(), 5)


async def test_finish_waits_for_the_slower_lane() -> None:
    gate = threading.Event()
    written = Recorder(gate)
    lanes = Lanes(Recorder(), written, limit=1024 * KB)
    await lanes.submit([b"a" * KB], KB)
    finishing = asyncio.create_task(lanes.finish())
    await asyncio.sleep(0.2)
    assert not finishing.done()
    assert written.seen == []
    gate.set()
    await asyncio.wait_for(finishing, 5)
    assert written.seen == [b"a" * KB]


async def test_a_failing_lane_is_raised_to_the_loop_and_both_skip_the_rest() -> None:
    hashed, written = Recorder(), Recorder(fail_at=2)
    lanes = Lanes(hashed, written, limit=1 * KB)  # every submit waits: the failure shows soon
    with pytest.raises(OSError, match="No space left"):
        for pieces in batches(20):
            await lanes.submit(pieces, sum(map(len, pieces)))
    with pytest.raises(OSError, match="No space left"):
        await asyncio.wait_for(lanes.finish(), 5)  # returns: nothing left running
    assert len(written.seen) == 2
    assert len(hashed.seen) <= 6  # what it took before the failure was seen, nothing after
