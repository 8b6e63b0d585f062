"""A real OpenID Connect provider (npm's oidc-provider, provider.mjs) run for the tests, and a
person signing in there as a browser would: following redirects and filling its form."""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from litestar import Litestar

from app.main import create_app
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = Path(__file__).with_name("provider.mjs")
CLIENT_ID = "charter"
CLIENT_SECRET = "charter-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_provider(
    base_url: str,
    auth_method: str = "client_secret_basic",
    clock_offset: int = 0,
    email_in_id_token: bool = False,
) -> Iterator[str]:
    """Start the provider for Charter at `base_url`; yields its issuer URL."""
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError("oidc-provider is not installed: run scripts/build_assets.sh (npm ci)")
    port = free_port()
    env = {
        **os.environ,
        "OIDC_REDIRECT_URI": base_url + "/auth/oidc/callback",
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_AUTH_METHOD": auth_method,
        "OIDC_CLOCK_OFFSET": str(clock_offset),
        "OIDC_EMAIL_IN_ID_TOKEN": "1" if email_in_id_token else "",
    }
    process = subprocess.Popen(
        ["node", str(SCRIPT), str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    issuer = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(issuer + "/.well-known/openid-configuration").status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError("the OpenID Connect provider did not start")
            time.sleep(0.1)
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def charter_for(settings: Settings, issuer: str, **changes: object) -> Litestar:
    return create_app(
        dataclasses.replace(
            settings,
            oidc_issuer=issuer,
            oidc_client_id=CLIENT_ID,
            oidc_client_secret=CLIENT_SECRET,
            **changes,  # type: ignore[arg-type]
        )
    )


async def sign_in_at_provider(
    provider_url: str, email: str, verified: bool = True, amr: str = "pwd"
) -> str:
    """Follow Charter's redirect to the provider, sign in there as `email`, and return the URL
    the provider sends the browser back to (Charter's callback, not yet visited)."""
    async with httpx.AsyncClient(timeout=20) as provider:
        answer = await provider.get(provider_url, follow_redirects=True)
        assert answer.status_code == 200, answer.text
        assert urlsplit(str(answer.url)).path.startswith("/interaction/")
        answer = await provider.post(
            str(answer.url),
            data={"login": email, "verified": "yes" if verified else "no", "amr": amr},
        )
        issuer = f"{answer.url.scheme}://{answer.url.netloc.decode()}"
        while answer.status_code in (302, 303):
            location = answer.headers["location"]
            if location.startswith("/"):
                location = issuer + location
            if not location.startswith(issuer):
                return location
            answer = await provider.get(location)
        raise AssertionError(f"the provider did not send the browser back: {answer.text[:500]}")
