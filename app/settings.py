"""Settings: a frozen snapshot of the CHARTER_* environment variables."""

from __future__ import annotations

import ipaddress
import json
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict
from urllib.parse import urlsplit

from app.accounts.roles import Role

DEFAULT_DATABASE_URL = "sqlite:///var/charter.sqlite3"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = "8000"


def served_address(env: dict[str, str]) -> str:
    """http://HOST:PORT of `charter serve` (CHARTER_HOST and CHARTER_PORT, which it sets from its
    --host and --port): the base address when CHARTER_BASE_URL is not set, so that links written
    into certificates name the server that wrote them, not a fixed :8000."""
    host = env.get("CHARTER_HOST") or DEFAULT_HOST
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{env.get('CHARTER_PORT') or DEFAULT_PORT}"


DEFAULT_2FA_ROLES = frozenset({"admin", "lead_assessor", "assessor"})
PASSWORD_SIGN_IN_CHOICES = ("all", "admins_only")
ROLE_NAMES = frozenset(r.value for r in Role)


def _secret_key(var_dir: Path) -> str:
    """Read the key generated on first start, creating it (mode 0600) if it does not exist."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def _trusted_proxies(value: str) -> tuple[str, ...]:
    """Comma-separated IP addresses and networks (CIDR), each checked."""
    named = tuple(p.strip() for p in value.split(",") if p.strip())
    for entry in named:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise SystemExit(
                f"CHARTER_TRUSTED_PROXIES: {entry!r} is not an IP address or network (CIDR)"
            ) from None
    return named


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    evidence_dir: Path = Path("var/evidence")
    secret_key: str = ""
    base_url: str = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"
    max_upload_mb: int = 50
    var_dir: Path = Path("var")
    frameworks_dir: Path = Path("frameworks")
    allowed_hosts: tuple[str, ...] = field(default_factory=tuple)
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    signing_key: Path | None = None  # CHARTER_SIGNING_KEY: PEM key that signs certificate PDFs
    signing_cert: Path | None = None  # CHARTER_SIGNING_CERT: its PEM certificate
    signing_key_password: str | None = None  # CHARTER_SIGNING_KEY_PASSWORD (PKCS#12 or PEM)
    email: str = "none"  # CHARTER_EMAIL: none (keep the outbox, send nothing), smtp or notify
    smtp_url: str = field(default="", repr=False)  # CHARTER_SMTP_URL: smtp://user:pw@host:port
    email_from: str = "charter@localhost"  # CHARTER_EMAIL_FROM: envelope and From header
    notify_api_key: str = field(default="", repr=False)  # CHARTER_NOTIFY_API_KEY
    notify_templates: dict[str, str] = field(default_factory=dict)  # event -> Notify template id
    notify_url: str = "https://api.notifications.service.gov.uk"  # CHARTER_NOTIFY_URL
    # CHARTER_2FA_ROLES: the roles that must set up two-factor before doing anything else
    two_factor_roles: frozenset[str] = DEFAULT_2FA_ROLES
    # CHARTER_PASSWORD_SIGN_IN: "all", or "admins_only" (everyone else signs in through OIDC)
    password_sign_in: str = "all"  # noqa: S105 (a choice, not a password)
    oidc_issuer: str = ""  # CHARTER_OIDC_ISSUER: the provider's issuer URL; empty: no SSO
    oidc_client_id: str = ""  # CHARTER_OIDC_CLIENT_ID
    oidc_client_secret: str = ""  # CHARTER_OIDC_CLIENT_SECRET

    @property
    def oidc_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def password_sign_in_for_everyone(self) -> bool:
        return self.password_sign_in != "admins_only"  # noqa: S105

    # CHARTER_TRUSTED_PROXIES: the only peers whose X-Forwarded-For / -Proto are believed
    trusted_proxies: tuple[str, ...] = ()

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def sqlite_path(self) -> str:
        return self.database_url.removeprefix("sqlite:///")

    @property
    def https(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        var_dir = Path(env.get("CHARTER_VAR_DIR", "var"))
        base_url = (env.get("CHARTER_BASE_URL") or served_address(env)).rstrip("/")
        hosts = env.get("CHARTER_ALLOWED_HOSTS", "")
        named = tuple(h.strip() for h in hosts.split(",") if h.strip()) or (
            urlsplit(base_url).hostname or "127.0.0.1",
            "127.0.0.1",
            "localhost",
            "testserver.local",
        )
        # Browsers send the port in the Host header; accept the served and the public one.
        ports = {str(urlsplit(base_url).port or ""), env.get("CHARTER_PORT") or DEFAULT_PORT} - {""}
        allowed = named + tuple(f"{h}:{p}" for h in named if ":" not in h for p in sorted(ports))
        try:
            max_mb = int(env.get("CHARTER_MAX_UPLOAD_MB", "50"))
        except ValueError as exc:
            raise SystemExit("CHARTER_MAX_UPLOAD_MB must be a whole number of megabytes") from exc
        email = _email_settings(env, base_url)
        roles = env.get("CHARTER_2FA_ROLES")
        two_factor_roles = (
            DEFAULT_2FA_ROLES
            if roles is None
            else frozenset(r.strip() for r in roles.split(",") if r.strip())
        )
        unknown = two_factor_roles - ROLE_NAMES
        if unknown:
            raise SystemExit(
                f"CHARTER_2FA_ROLES names no such role: {', '.join(sorted(unknown))}"
                f" (roles are {', '.join(sorted(ROLE_NAMES))})"
            )
        password_sign_in = env.get("CHARTER_PASSWORD_SIGN_IN", "all").strip() or "all"
        if password_sign_in not in PASSWORD_SIGN_IN_CHOICES:
            raise SystemExit("CHARTER_PASSWORD_SIGN_IN must be all or admins_only")
        return cls(
            **email,
            trusted_proxies=_trusted_proxies(env.get("CHARTER_TRUSTED_PROXIES", "")),
            database_url=env.get("CHARTER_DATABASE_URL", DEFAULT_DATABASE_URL),
            evidence_dir=Path(env.get("CHARTER_EVIDENCE_DIR", str(var_dir / "evidence"))),
            secret_key=env.get("CHARTER_SECRET_KEY") or _secret_key(var_dir),
            base_url=base_url,
            max_upload_mb=max_mb,
            var_dir=var_dir,
            frameworks_dir=Path(env.get("CHARTER_FRAMEWORKS_DIR", "frameworks")),
            allowed_hosts=allowed,
            session_idle_minutes=int(env.get("CHARTER_SESSION_IDLE_MINUTES", "30")),
            session_absolute_hours=int(env.get("CHARTER_SESSION_ABSOLUTE_HOURS", "12")),
            signing_key=Path(env["CHARTER_SIGNING_KEY"])
            if env.get("CHARTER_SIGNING_KEY")
            else None,
            signing_cert=Path(env["CHARTER_SIGNING_CERT"])
            if env.get("CHARTER_SIGNING_CERT")
            else None,
            two_factor_roles=two_factor_roles,
            password_sign_in=password_sign_in,
            oidc_issuer=env.get("CHARTER_OIDC_ISSUER", "").strip(),
            oidc_client_id=env.get("CHARTER_OIDC_CLIENT_ID", "").strip(),
            oidc_client_secret=env.get("CHARTER_OIDC_CLIENT_SECRET", ""),
            signing_key_password=env.get("CHARTER_SIGNING_KEY_PASSWORD") or None,
        )


EMAIL_KINDS = ("none", "smtp", "notify")


class _Email(TypedDict):
    email: str
    smtp_url: str
    email_from: str
    notify_api_key: str
    notify_templates: dict[str, str]
    notify_url: str


def _email_settings(env: dict[str, str], base_url: str) -> _Email:
    """CHARTER_EMAIL and what it needs, refused at start with a message rather than at the first
    email."""
    kind = env.get("CHARTER_EMAIL", "none").strip().lower() or "none"
    if kind not in EMAIL_KINDS:
        raise SystemExit(f"CHARTER_EMAIL must be none, smtp or notify, not {kind!r}")
    smtp_url = env.get("CHARTER_SMTP_URL", "").strip()
    if kind == "smtp" and urlsplit(smtp_url).scheme not in ("smtp", "smtps"):
        raise SystemExit(
            "CHARTER_EMAIL=smtp needs CHARTER_SMTP_URL as smtp://host:port or smtps://host:port "
            "(user and password in the URL when the server asks for them)"
        )
    key = env.get("CHARTER_NOTIFY_API_KEY", "").strip()
    try:
        templates = json.loads(env.get("CHARTER_NOTIFY_TEMPLATES", "") or "{}")
    except ValueError as exc:
        raise SystemExit(f"CHARTER_NOTIFY_TEMPLATES is not JSON: {exc}") from exc
    if not isinstance(templates, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in templates.items()
    ):
        raise SystemExit(
            'CHARTER_NOTIFY_TEMPLATES must map each event to a template id: {"event": "id"}'
        )
    if kind == "notify" and not key:
        raise SystemExit("CHARTER_EMAIL=notify needs CHARTER_NOTIFY_API_KEY")
    host = urlsplit(base_url).hostname or "localhost"
    return {
        "email": kind,
        "smtp_url": smtp_url,
        "email_from": env.get("CHARTER_EMAIL_FROM", "").strip() or f"charter@{host}",
        "notify_api_key": key,
        "notify_templates": templates,
        "notify_url": env.get("CHARTER_NOTIFY_URL", "").strip().rstrip("/")
        or "https://api.notifications.service.gov.uk",
    }
