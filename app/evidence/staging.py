"""Staging an upload: its bytes go to a temporary file beside the blobs while its SHA-256 is
computed and its bytes counted (stopping as soon as it is too large); then its type is judged
by content and it gets a safe name. Nothing is stored yet; a refused upload leaves nothing behind.

Bytes arrive either already parsed by Litestar (an UploadFile, copied here in 1 MiB chunks) or
straight from the request as it streams in (receiving.py feeds a Receiver).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

import anyio.to_thread

from app.errors import DomainError, Invalid, TooLarge
from app.evidence import content_types, filenames
from app.evidence.storage import Storage, storage_for
from app.settings import Settings

log = logging.getLogger("charter.evidence")
CHUNK_BYTES = 1024 * 1024
WRITEBACK_BYTES = 8 * CHUNK_BYTES
IOV_MAX = 1024  # Linux's limit on the pieces of one writev


class Upload(Protocol):
    """What a parsed multipart file part gives us (Litestar's UploadFile has both)."""

    filename: str
    file: IO[bytes]


@dataclass
class Received:
    """A file part written to a temporary file, not yet checked."""

    tmp_path: Path | None  # None when it was too large and nothing was kept
    sha256: str
    size: int
    filename: str
    too_large: bool = False
    no_room: bool = False  # the disk was full: nothing was kept


@dataclass
class Staged:
    """An upload written to a temporary file and checked, not yet stored."""

    tmp_path: Path
    sha256: str
    size: int
    file_type: content_types.FileType
    filename: str  # sanitised


class NoRoom(DomainError):
    """The evidence folder's disk (or the process's file size limit) has no room for a file."""

    status_code = 507


# No space left, over a disk quota, over the process's file size limit.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def is_no_room(exc: OSError) -> bool:
    return exc.errno in _NO_ROOM


@contextlib.contextmanager
def room_for(filename: str) -> Iterator[None]:
    """Turn a full disk met while writing `filename` into NoRoom, saying so (and logging it:
    the service's administrator needs to know)."""
    try:
        yield
    except OSError as exc:
        if not is_no_room(exc):
            raise
        log.warning("no room to save an upload in the evidence store: %s", exc)
        raise no_room(filename) from exc


def no_room(filename: str) -> NoRoom:
    shown = filenames.display_name(filename)
    message = (
        f"The selected file '{shown}' could not be saved because the evidence store is full."
        " Nothing was saved. Try again later, or ask the service's administrator to make room"
    )
    return NoRoom(message, problems={"file": message})


def too_large_message(filename: str, settings: Settings) -> str:
    shown = filenames.display_name(filename)
    return f"The selected file '{shown}' must be {settings.max_upload_mb} MB or smaller"


class Receiver:
    """One file being written to a temporary file: hashed and counted as it goes, refused with
    TooLarge the moment it passes the limit. write() blocks (run it in a worker thread)."""

    def __init__(self, store: Storage, filename: str, settings: Settings) -> None:
        self.store = store
        self.filename = filename
        self.settings = settings
        self.size = 0
        self.tmp_path = store.temp_file()
        self._digest = hashlib.sha256()
        self._out = self.tmp_path.open("wb")
        self._not_yet_flushing = 0

    def write(self, data: bytes) -> None:
        self.count(len(data))
        self.hash_and_write([data])

    def hash_and_write(self, pieces: Sequence[bytes]) -> None:
        self.hash_pieces(pieces)
        self.write_pieces(pieces)

    def count(self, size: int) -> None:
        """Add `size` bytes to the count; TooLarge once it passes the limit."""
        self.size += size
        if self.size > self.settings.max_upload_bytes:
            message = too_large_message(self.filename, self.settings)
            raise TooLarge(message, problems={"file": message})

    # hash_pieces() and write_pieces() may run at once in two threads (hashlib and file writes
    # release the GIL); each must see the pieces in order.
    def hash_pieces(self, pieces: Sequence[bytes]) -> None:
        for piece in pieces:
            self._digest.update(piece)

    def write_pieces(self, pieces: Sequence[bytes]) -> None:
        self._out.flush()
        _write_all(self._out.fileno(), pieces)
        self._not_yet_flushing += sum(map(len, pieces))
        if self._not_yet_flushing >= WRITEBACK_BYTES:
            self._start_writeback()

    def _start_writeback(self) -> None:
        """Have the kernel start writing what we wrote so far to disk, without waiting for it,
        so the fsync before storing finds little left to do (100 MB: 45 ms -> 4-19 ms here),
        and a large upload does not crowd the page cache."""
        self._not_yet_flushing = 0
        if hasattr(os, "posix_fadvise"):
            self._out.flush()
            os.posix_fadvise(self._out.fileno(), 0, 0, os.POSIX_FADV_DONTNEED)

    def close(self) -> Received:
        self._out.close()
        return Received(self.tmp_path, self._digest.hexdigest(), self.size, self.filename)

    def discard(self) -> None:
        self._out.close()
        self.store.discard(self.tmp_path)


def _write_all(fd: int, pieces: Sequence[bytes]) -> None:
    """Write every piece, in order, in as few system calls as the kernel allows."""
    views = [memoryview(piece) for piece in pieces]
    while views:
        written = os.writev(fd, views[:IOV_MAX])
        while views and written >= len(views[0]):
            written -= len(views.pop(0))
        if written:
            views[0] = views[0][written:]


def copy_upload(upload: Upload, receiver: Receiver) -> Received:
    """Copy a parsed upload into the receiver in 1 MiB chunks (blocking)."""
    upload.file.seek(0)
    while chunk := upload.file.read(CHUNK_BYTES):
        receiver.write(chunk)
    return receiver.close()


async def stage(source: Upload | Received | None, settings: Settings) -> Staged:
    """Check an upload. Invalid({"file": ...}) or TooLarge if it is missing, empty, too large or
    not an allowed type; its temporary file is removed then."""
    if source is None or not getattr(source, "filename", ""):
        raise Invalid({"file": "Select a file"})
    store = storage_for(settings)
    if isinstance(source, Received):
        received = source
    else:
        receiver = Receiver(store, source.filename, settings)
        try:
            with room_for(source.filename):
                received = await anyio.to_thread.run_sync(copy_upload, source, receiver)
        except BaseException:
            receiver.discard()
            raise
    return await _check(received, store, settings)


async def _check(received: Received, store: Storage, settings: Settings) -> Staged:
    shown = filenames.display_name(received.filename)
    try:
        if received.no_room:
            raise no_room(received.filename)
        if received.too_large or received.tmp_path is None:
            message = too_large_message(received.filename, settings)
            raise TooLarge(message, problems={"file": message})
        if received.size == 0:
            raise Invalid({"file": f"The selected file '{shown}' is empty"})
        try:
            file_type = await anyio.to_thread.run_sync(
                content_types.detect, received.tmp_path, received.filename
            )
        except content_types.Refused as refused:
            raise Invalid(
                {
                    "file": f"The selected file '{shown}' must be a {content_types.ALLOWED_LABELS}"
                    f" file: {refused}"
                }
            ) from None
    except BaseException:
        if received.tmp_path is not None:
            store.discard(received.tmp_path)
        raise
    return Staged(
        received.tmp_path,
        received.sha256,
        received.size,
        file_type,
        filenames.sanitise(received.filename, file_type),
    )


def discard(settings: Settings, staged: Iterable[Staged | Received]) -> None:
    store = storage_for(settings)
    for item in staged:
        if item.tmp_path is not None:
            store.discard(item.tmp_path)
