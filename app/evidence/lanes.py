"""Two threads for one large upload: one hashes its bytes, one writes them, each batch in order.

The event loop hands a batch to both and goes on receiving; it waits only when more than
`limit` bytes are still being hashed or written, so memory stays bounded. Each lane is a
thread of its own taking batches from a queue (not an executor: futures, their locks and the
wake-ups they cost the event loop were a fifth of its time for a 100 MB upload), and it wakes
the loop only when the loop is waiting for it. Once a lane fails, both skip what is left.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Sequence
from queue import SimpleQueue

Work = Callable[[Sequence[bytes]], None]
_STOP = -1


class Lanes:
    def __init__(self, hash_pieces: Work, write_pieces: Work, limit: int) -> None:
        self.limit = limit
        self.submitted = 0
        self.failure: BaseException | None = None
        self._loop = asyncio.get_running_loop()
        self._waiter: asyncio.Future[None] | None = None
        self._lanes = [
            _Lane(self, hash_pieces, "upload-hash"),
            _Lane(self, write_pieces, "upload-write"),
        ]

    async def submit(self, pieces: Sequence[bytes], size: int) -> None:
        """Queue a batch for both lanes; return once no more than `limit` bytes are in them.
        Raises what a lane raised (a full disk, say)."""
        self._raise_failure()
        self.submitted += size
        for lane in self._lanes:
            lane.queue.put((pieces, size))
        await self._wait_until(self.limit)
        self._raise_failure()

    async def finish(self) -> None:
        """Wait until every batch is hashed and written (or skipped after a failure), then stop
        the lanes. Raises what a lane raised."""
        try:
            await self._wait_until(0)
        finally:
            for lane in self._lanes:
                lane.queue.put(((), _STOP))
        self._raise_failure()

    def _in_flight(self) -> int:
        return self.submitted - min(lane.done for lane in self._lanes)

    async def _wait_until(self, most: int) -> None:
        while self._in_flight() > most:
            self._waiter = self._loop.create_future()
            # A lane records its progress before it looks for a waiter: either it sees this
            # one, or the progress it made is seen here.
            if self._in_flight() > most:
                await self._waiter
            self._waiter = None

    def progressed(self) -> None:
        """Called by a lane's thread after each batch."""
        if self._waiter is not None:
            self._loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _raise_failure(self) -> None:
        if self.failure is not None:
            raise self.failure


class _Lane:
    def __init__(self, lanes: Lanes, work: Work, name: str) -> None:
        self.lanes = lanes
        self.work = work
        self.queue: SimpleQueue[tuple[Sequence[bytes], int]] = SimpleQueue()
        self.done = 0
        threading.Thread(target=self._run, name=name, daemon=True).start()

    def _run(self) -> None:
        while True:
            pieces, size = self.queue.get()
            if size == _STOP:
                return
            if self.lanes.failure is None:
                try:
                    self.work(pieces)
                except BaseException as exc:  # the event loop raises it
                    self.lanes.failure = exc
            self.done += size
            self.lanes.progressed()
