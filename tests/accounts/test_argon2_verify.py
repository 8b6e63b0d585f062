"""Signing in checks argon2id hashes on one thread: the same answers as argon2-cffi's own
verification, for hashes argon2-cffi made, without starting a thread per lane."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from argon2.low_level import hash_secret_raw
from hypothesis import given, settings
from hypothesis import strategies as st

from app.accounts import argon2_verify, passwords


@settings(max_examples=40, deadline=None)
@given(
    password=st.binary(max_size=64),
    salt=st.binary(min_size=8, max_size=32),
    time_cost=st.integers(1, 3),
    lanes=st.integers(1, 4),
    hash_len=st.integers(16, 48),
)
def test_one_thread_gives_the_hash_argon2_cffi_gives(
    password: bytes, salt: bytes, time_cost: int, lanes: int, hash_len: int
) -> None:
    memory = 8 * lanes * 4  # KiB: small, and at least 8 blocks per lane
    ours = argon2_verify.argon2id_raw(password, salt, time_cost, memory, lanes, hash_len)
    theirs = hash_secret_raw(password, salt, time_cost, memory, lanes, hash_len, Type.ID)
    assert ours == theirs


@settings(max_examples=30, deadline=None)
@given(password=st.text(max_size=40), other=st.text(max_size=40), lanes=st.integers(1, 4))
def test_verification_agrees_with_argon2_cffi(password: str, other: str, lanes: int) -> None:
    hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=lanes)
    stored = hasher.hash(password)
    assert argon2_verify.verify(stored, password)
    try:
        theirs = hasher.verify(stored, other)
    except VerifyMismatchError:
        theirs = False
    assert argon2_verify.verify(stored, other) is theirs


def test_the_real_parameters_verify_and_refuse() -> None:
    stored = passwords.HASHER.hash("correct horse battery staple")
    assert passwords._verify(stored, "correct horse battery staple")
    assert not passwords._verify(stored, "correct horse battery stapl")
    assert not passwords._verify(None, "correct horse battery staple")  # no such account


@pytest.mark.parametrize(
    "broken",
    [
        "",
        "not a hash",
        "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$",  # no hash
        "$argon2id$v=19$m=65536,t=3,p=4$!!!!$aGFzaGhhc2hoYXNoaGFzaA",  # salt not base64
        "$argon2id$v=19$m=65536,t=3$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",  # no p
        "$argon2id$v=19$m=1,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",  # memory too low
    ],
)
def test_a_broken_hash_is_refused_not_a_crash(broken: str) -> None:
    if argon2_verify.verifiable_here(broken):
        with pytest.raises(InvalidHashError):
            argon2_verify.verify(broken, "password")
    assert passwords._verify(broken, "password") is False


def test_hashes_of_another_kind_are_left_to_argon2_cffi() -> None:
    older = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1, type=Type.I).hash("pw")
    assert not argon2_verify.verifiable_here(older)
    assert passwords._verify(older, "pw") and not passwords._verify(older, "pW")


def _threads() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    raise AssertionError("no Threads: line")


def _most_threads_while(work: Callable[[], object]) -> int:
    """How many more threads this process had, at most, while `work()` ran in a thread of its own."""
    done = threading.Event()

    def run() -> None:
        try:
            work()
        except VerifyMismatchError:
            pass
        finally:
            done.set()

    runner = threading.Thread(target=run)
    baseline = _threads()
    runner.start()
    most = baseline
    while not done.is_set():
        most = max(most, _threads())
        time.sleep(0.0005)
    runner.join()
    return most - baseline


def test_signing_in_starts_no_thread_per_lane() -> None:
    stored = passwords.HASHER.hash("correct horse battery staple")
    # argon2-cffi's own check starts a thread per lane (the runner itself counts as one; other
    # threads of the test process may come and go meanwhile, hence no exact counts)
    assert _most_threads_while(lambda: passwords.HASHER.verify(stored, "wrong")) >= 3
    assert _most_threads_while(lambda: passwords._verify(stored, "wrong")) <= 1
