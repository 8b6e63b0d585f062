"""Where evidence bytes live: a storage interface, and the local-folder backend behind it.

Blobs are content-addressed (named by their SHA-256), so the same file uploaded twice is kept
once, and a blob never changes once written. Callers only use `Storage`; an object-store backend
can implement it without touching them.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import re
import secrets
import tempfile
import time
from collections.abc import AsyncIterator
from functools import cache
from pathlib import Path
from typing import BinaryIO, Protocol

import anyio.to_thread

from app.settings import Settings

SHA256 = re.compile(r"^[0-9a-f]{64}$")
READ_CHUNK = 1024 * 1024
STALE_TEMP_SECONDS = 24 * 3600
TEMP_SUFFIX = ".part"
NEW_PREFIX = "new-"  # a temporary file not yet locked by its writer: only the age rule sweeps it


class Storage(Protocol):
    def temp_file(self) -> Path:
        """A new empty local file to stream an upload into; `put` or `discard` it afterwards."""
        ...

    def discard(self, tmp_path: Path) -> None:
        """Remove a temporary file that will not be stored (missing is fine)."""
        ...

    def put(self, tmp_path: Path, sha256: str | None = None) -> str:
        """Store the temporary file under its SHA-256 (computed unless the caller already did
        while writing it) and return that hash. The file is moved, never left behind."""
        ...

    def exists(self, sha256: str) -> bool: ...

    def open(self, sha256: str) -> BinaryIO:
        """The stored bytes, for reading. FileNotFoundError if there is no such blob."""
        ...

    def delete(self, sha256: str) -> None:
        """Remove a blob no evidence item refers to any more (missing is fine)."""
        ...


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(READ_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalStorage:
    """Blobs at ROOT/ab/cd/abcd...; uploads staged in ROOT/tmp on the same filesystem, so the
    final rename is atomic: a blob is either absent or complete, even if the process dies.

    The process writing a temporary file holds an exclusive lock on it until it is stored or
    discarded; the kernel drops the lock when the process dies (even by SIGKILL), so an unlocked
    temporary file is a partial upload nobody will finish, and the sweep at start removes it at
    once, without waiting for it to age, while live processes' uploads are left alone."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self._held: dict[Path, int] = {}  # temporary file -> the descriptor holding its lock

    def path_for(self, sha256: str) -> Path:
        if not SHA256.match(sha256):
            raise ValueError(f"not a SHA-256 hex digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def temp_file(self) -> Path:
        # Locked before it gets the name the sweep looks at, so no sweep can take it for abandoned.
        fd, name = tempfile.mkstemp(dir=self.tmp, prefix=NEW_PREFIX, suffix=TEMP_SUFFIX)
        fcntl.flock(fd, fcntl.LOCK_EX)
        path = self.tmp / f"upload-{secrets.token_hex(12)}{TEMP_SUFFIX}"
        os.rename(name, path)
        self._held[path] = fd
        return path

    def _release(self, tmp_path: Path) -> None:
        fd = self._held.pop(tmp_path, None)
        if fd is not None:
            os.close(fd)

    def discard(self, tmp_path: Path) -> None:
        tmp_path.unlink(missing_ok=True)
        self._release(tmp_path)

    def put(self, tmp_path: Path, sha256: str | None = None) -> str:
        try:
            return self._put(tmp_path, sha256)
        finally:
            self._release(tmp_path)

    def _put(self, tmp_path: Path, sha256: str | None) -> str:
        sha256 = sha256 or sha256_of(tmp_path)
        dest = self.path_for(sha256)
        if dest.exists():
            tmp_path.unlink()
            return sha256
        fd = os.open(tmp_path, os.O_RDONLY)
        try:
            os.fsync(fd)  # the bytes are on disk before the name points at them
        finally:
            os.close(fd)
        os.chmod(tmp_path, 0o440)
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp_path, dest)
        _fsync_dir(dest.parent)
        return sha256

    def exists(self, sha256: str) -> bool:
        return self.path_for(sha256).is_file()

    def open(self, sha256: str) -> BinaryIO:
        return self.path_for(sha256).open("rb")

    def delete(self, sha256: str) -> None:
        self.path_for(sha256).unlink(missing_ok=True)

    def sweep_temp(self, older_than_seconds: float = STALE_TEMP_SECONDS) -> int:
        """Remove uploads abandoned by a process that died mid-write (no process holds their
        lock), and any temporary file older than the cutoff. Returns how many."""
        cutoff = time.time() - older_than_seconds
        removed = 0
        for path in self.tmp.glob(f"*{TEMP_SUFFIX}"):
            try:
                if path.stat().st_mtime < cutoff or self._abandoned(path):
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue
        return removed

    def _abandoned(self, path: Path) -> bool:
        if path.name.startswith(NEW_PREFIX) or path in self._held:
            return False
        fd = os.open(path, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False  # a live process is still writing it
        finally:
            os.close(fd)
        return True


@cache
def _local(root: Path) -> LocalStorage:
    store = LocalStorage(root)
    store.sweep_temp()
    return store


def storage_for(settings: Settings) -> Storage:
    """The storage backend the settings name (today: always the local folder)."""
    return _local(settings.evidence_dir.resolve())


async def read_chunks(
    storage: Storage, sha256: str, size: int = READ_CHUNK
) -> AsyncIterator[bytes]:
    """The blob's bytes in chunks, read in a worker thread; the file is closed at the end."""
    f = await anyio.to_thread.run_sync(storage.open, sha256)
    try:
        while chunk := await anyio.to_thread.run_sync(f.read, size):
            yield chunk
    finally:
        f.close()
