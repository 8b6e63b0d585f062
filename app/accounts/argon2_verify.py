"""argon2id verification on the calling thread alone, the same answer as argon2-cffi's.

argon2's output depends on its lanes (the hash's p=4), not on how many threads compute them:
argon2-cffi always starts a thread per lane, and four busy threads on a small machine fill every
core, so each request waits for a core and finds its cache cold (a page's p99 was 3.2x its idle
p99 with argon2 running elsewhere on two cores, even at the lowest priority; 1.4x with one
thread). One thread takes longer per sign-in (~0.12 s instead of ~0.08 s here) and leaves the
other cores to everyone else. The same libargon2 computes it, through argon2-cffi's own binding.
"""

from __future__ import annotations

import base64
import binascii
import hmac

from argon2 import Type, extract_parameters
from argon2.exceptions import InvalidHashError
from argon2.low_level import ARGON2_VERSION, core, ffi, lib


def _b64(text: str) -> bytes:
    """PHC strings carry base64 without its padding."""
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def argon2id_raw(
    password: bytes, salt: bytes, time_cost: int, memory_cost: int, lanes: int, hash_len: int
) -> bytes:
    """The raw argon2id (version 0x13) hash, computed by one thread whatever `lanes` is."""
    out = ffi.new("uint8_t[]", hash_len)
    pwd = ffi.new("uint8_t[]", password)
    salt_buffer = ffi.new("uint8_t[]", salt)
    context = ffi.new(
        "argon2_context *",
        {
            "out": out,
            "outlen": hash_len,
            "pwd": pwd,
            "pwdlen": len(password),
            "salt": salt_buffer,
            "saltlen": len(salt),
            "secret": ffi.NULL,
            "secretlen": 0,
            "ad": ffi.NULL,
            "adlen": 0,
            "t_cost": time_cost,
            "m_cost": memory_cost,
            "lanes": lanes,
            "threads": 1,
            "version": ARGON2_VERSION,
            "allocate_cbk": ffi.NULL,
            "free_cbk": ffi.NULL,
            "flags": lib.ARGON2_DEFAULT_FLAGS,
        },
    )
    result = core(context, Type.ID.value)
    if result != lib.ARGON2_OK:
        raise InvalidHashError(ffi.string(lib.argon2_error_message(result)).decode())
    return bytes(ffi.buffer(out, hash_len))


def verifiable_here(encoded: str) -> bool:
    """Whether this module can check `encoded`: an argon2id hash of version 0x13."""
    return encoded.startswith(f"$argon2id$v={ARGON2_VERSION}$")


def verify(encoded: str, password: str) -> bool:
    """Whether `password` matches the encoded argon2id hash; InvalidHashError if it is not one."""
    if not verifiable_here(encoded):
        raise InvalidHashError("not an argon2id v=19 hash")
    parameters = extract_parameters(encoded)
    salt_text, hash_text = encoded.rsplit("$", 2)[1:]
    try:
        salt, expected = _b64(salt_text), _b64(hash_text)
    except (binascii.Error, ValueError):
        raise InvalidHashError("the salt or the hash is not base64") from None
    actual = argon2id_raw(
        password.encode("utf-8"),
        salt,
        parameters.time_cost,
        parameters.memory_cost,
        parameters.parallelism,
        len(expected),
    )
    return hmac.compare_digest(actual, expected)
