"""The local storage backend: content-addressed, atomic, tidy."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from app.evidence.storage import LocalStorage


def test_put_moves_the_file_under_its_hash_read_only(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    tmp = store.temp_file()
    tmp.write_bytes(b"minutes")
    sha = store.put(tmp)
    assert sha == hashlib.sha256(b"minutes").hexdigest()
    assert store.path_for(sha) == tmp_path / sha[:2] / sha[2:4] / sha
    assert not tmp.exists()
    with store.open(sha) as f:
        assert f.read() == b"minutes"
    assert store.path_for(sha).stat().st_mode & 0o222 == 0


def test_putting_the_same_bytes_again_keeps_one_copy(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    shas = []
    for _ in range(2):
        tmp = store.temp_file()
        tmp.write_bytes(b"same")
        shas.append(store.put(tmp))
    assert shas[0] == shas[1]
    assert list(store.tmp.iterdir()) == []
    assert len([p for p in tmp_path.rglob("*") if p.is_file()]) == 1


def test_hash_names_only(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).path_for("../../etc/passwd")


def test_abandoned_temporary_files_are_swept(tmp_path: Path) -> None:
    store = LocalStorage(tmp_path)
    old, fresh = store.temp_file(), store.temp_file()
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (day_ago, day_ago))
    assert store.sweep_temp() == 1
    assert not old.exists() and fresh.exists()
