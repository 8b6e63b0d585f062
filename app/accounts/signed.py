"""Short-lived values signed with the secret key, for state a browser holds before a session exists."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any


def _key(secret_key: str, purpose: str) -> bytes:
    # One key per purpose: a value signed for one use is worthless for another.
    return hashlib.sha256(f"charter:{purpose}:{secret_key}".encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(secret_key: str, purpose: str, payload: dict[str, Any], max_age: int) -> str:
    """`payload` (JSON) with an expiry `max_age` seconds from now, signed for `purpose`."""
    body = _b64(json.dumps({**payload, "exp": int(time.time()) + max_age}).encode())
    mac = hmac.new(_key(secret_key, purpose), body.encode(), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def unsign(secret_key: str, purpose: str, value: str | None) -> dict[str, Any] | None:
    """The payload if `value` was signed for `purpose` and has not expired, else None."""
    if not value or value.count(".") != 1 or len(value) > 4000:
        return None
    body, mac = value.split(".")
    expected = hmac.new(_key(secret_key, purpose), body.encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(expected, _unb64(mac)):
            return None
        payload = json.loads(_unb64(body))
    except (ValueError, TypeError):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("exp"), int):
        return None
    return payload if payload["exp"] >= time.time() else None
