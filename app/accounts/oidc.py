"""Sign-in through an OpenID Connect provider: discovery, the code flow with PKCE, state and nonce,
and every check of the ID token (signature, issuer, audience, expiry, nonce, verified email)."""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import KeySet

from app.settings import Settings

SCOPE = "openid email profile"
CALLBACK_PATH = "/auth/oidc/callback"
CACHE_SECONDS = 3600  # discovery document and keys; unknown key ids fetch the keys again
LEEWAY = 30  # seconds of clock difference allowed with the provider
TIMEOUT = 10.0
# Asymmetric only: "none" is never accepted, and HMAC would sign with our own client secret.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
MFA_METHODS = frozenset({"mfa", "otp"})  # amr values (RFC 8176) that mean a second factor


class Refused(Exception):
    """The provider's answer does not sign anyone in; `message` says why, for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


STALE = "This sign-in has expired or was already used. Start again from the sign-in page."
NOT_VERIFIED = (
    "Your organisation's account does not show that your email address is verified, so it "
    "cannot sign you in here. Ask your IT team to verify it, or sign in with your password."
)
UNREACHABLE = "Your organisation's sign-in service could not be reached. Try again later."


@dataclass(frozen=True)
class Identity:
    email: str  # lower-cased
    amr: tuple[str, ...]  # how the provider authenticated the person

    @property
    def second_factor_used(self) -> bool:
        return bool(MFA_METHODS & set(self.amr))


_discovery: dict[str, tuple[float, dict[str, Any]]] = {}
_keys: dict[str, tuple[float, KeySet]] = {}


def redirect_uri(settings: Settings) -> str:
    return settings.base_url + CALLBACK_PATH


async def _get_json(url: str, headers: dict[str, str] | None = None) -> Any:
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            answer = await client.get(url, headers=headers)
            answer.raise_for_status()
            return answer.json()
    except (httpx.HTTPError, ValueError) as exc:
        raise Refused(UNREACHABLE) from exc


async def discovery(issuer: str) -> dict[str, Any]:
    """The provider's discovery document, cached; its `issuer` must be the one configured."""
    cached = _discovery.get(issuer)
    if cached and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    doc = await _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if not isinstance(doc, dict) or doc.get("issuer") != issuer:
        raise Refused(UNREACHABLE)
    _discovery[issuer] = (time.monotonic(), doc)
    return doc


async def _key_set(doc: dict[str, Any], fresh: bool = False) -> KeySet:
    url = doc["jwks_uri"]
    cached = _keys.get(url)
    if cached and not fresh and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    keys = KeySet.import_key_set(await _get_json(url))
    _keys[url] = (time.monotonic(), keys)
    return keys


def _client(settings: Settings, auth_method: str = "client_secret_basic") -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        scope=SCOPE,
        redirect_uri=redirect_uri(settings),
        code_challenge_method="S256",
        token_endpoint_auth_method=auth_method,
        timeout=TIMEOUT,
    )


async def start(settings: Settings) -> tuple[str, dict[str, str]]:
    """The provider's authorisation URL, and what the browser must bring back (kept signed in
    a cookie): the state, the nonce and the PKCE verifier."""
    doc = await discovery(settings.oidc_issuer)
    saved = {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "verifier": secrets.token_urlsafe(48),
    }
    async with _client(settings) as client:
        url, _ = client.create_authorization_url(
            doc["authorization_endpoint"],
            state=saved["state"],
            nonce=saved["nonce"],
            code_verifier=saved["verifier"],
        )
    return url, saved


def _auth_method(doc: dict[str, Any]) -> str:
    offered = doc.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if "client_secret_basic" not in offered and "client_secret_post" in offered:
        return "client_secret_post"
    return "client_secret_basic"


async def finish(
    settings: Settings, params: dict[str, str], saved: dict[str, Any] | None
) -> Identity:
    """Who the provider says came back to the callback with `params`; Refused otherwise."""
    if params.get("error"):
        why = params.get("error_description") or params["error"]
        raise Refused(f"Your organisation's account did not sign you in: {why[:200]}")
    if saved is None:
        raise Refused(STALE)
    if not hmac.compare_digest(str(params.get("state", "")), str(saved.get("state", ""))):
        raise Refused(STALE)
    if not params.get("code"):
        raise Refused(STALE)
    doc = await discovery(settings.oidc_issuer)
    async with _client(settings, _auth_method(doc)) as client:
        try:
            token = await client.fetch_token(
                doc["token_endpoint"],
                grant_type="authorization_code",
                code=params["code"],
                code_verifier=saved["verifier"],
            )
        except OAuthError as exc:  # a code used twice, expired, or not ours
            raise Refused(STALE) from exc
        except httpx.HTTPError as exc:
            raise Refused(UNREACHABLE) from exc
    if not token.get("id_token"):
        raise Refused(STALE)
    claims = await _checked_claims(settings, doc, token["id_token"], str(saved["nonce"]))
    email, verified = claims.get("email"), claims.get("email_verified")
    if email is None or verified is None:
        if not doc.get("userinfo_endpoint") or not token.get("access_token"):
            raise Refused(NOT_VERIFIED)
        info = await _get_json(
            doc["userinfo_endpoint"], {"Authorization": f"Bearer {token['access_token']}"}
        )
        if not isinstance(info, dict) or info.get("sub") != claims["sub"]:
            raise Refused(STALE)
        email = email if email is not None else info.get("email")
        verified = verified if verified is not None else info.get("email_verified")
    if not isinstance(email, str) or not email or verified not in (True, "true"):
        raise Refused(NOT_VERIFIED)
    amr = claims.get("amr")
    return Identity(
        email.strip().lower(), tuple(str(a) for a in amr) if isinstance(amr, list) else ()
    )


async def _checked_claims(
    settings: Settings, doc: dict[str, Any], id_token: str, nonce: str
) -> dict[str, Any]:
    """The ID token's claims once its signature (by the provider's published keys), issuer,
    audience, expiry and nonce have been checked."""
    offered = doc.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [a for a in offered if a in ALGORITHMS]
    try:
        try:
            decoded = jwt.decode(id_token, await _key_set(doc), algorithms=algorithms)
        except (BadSignatureError, ValueError, JoseError):
            # The provider may have rolled its keys since they were cached: fetch them once more.
            decoded = jwt.decode(id_token, await _key_set(doc, fresh=True), algorithms=algorithms)
        claims: dict[str, Any] = dict(decoded.claims)
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY,
            iss={"essential": True, "value": doc["issuer"]},
            aud={"essential": True, "value": settings.oidc_client_id},
            exp={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(claims)
    except (JoseError, ValueError, KeyError) as exc:
        raise Refused(STALE) from exc
    audience = claims["aud"]
    # Several audiences: OIDC Core 3.1.3.7 asks that the token was issued to us (azp).
    if (
        isinstance(audience, list)
        and len(audience) > 1
        and claims.get("azp") != settings.oidc_client_id
    ):
        raise Refused(STALE)
    return claims
