"""The ways an email leaves Charter, chosen by CHARTER_EMAIL: SMTP, GOV.UK Notify, or none.

A sender either returns (the mail was accepted) or raises: `TryAgain` for what may pass (a
4xx answer, a refused connection or TLS, a 5xx from Notify), `GiveUp` for what will not (a 5xx
answer from the mail server, a 400 from Notify, a missing template id).
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Any, Protocol
from urllib.parse import unquote, urlsplit

import aiosmtplib
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

from app.settings import Settings

SMTP_TIMEOUT_SECONDS = 30


class TryAgain(Exception):
    """The email was not accepted this time; a later try may succeed."""


class GiveUp(Exception):
    """The email will never be accepted as it is: stop trying."""


@dataclass(frozen=True)
class Email:
    id: str  # the notification's, so that a receiving server can tell a repeat
    event: str
    to: str
    subject: str
    text: str
    personalisation: dict[str, Any] = field(default_factory=dict)


class Sender(Protocol):
    async def send(self, email: Email) -> None: ...


@dataclass(frozen=True)
class SmtpSender:
    """smtp:// speaks plain SMTP and upgrades with STARTTLS when the server offers it; smtps://
    is TLS from the start. Certificates are checked against the system's trusted ones (or the
    file SSL_CERT_FILE names)."""

    url: str
    sender: str  # the From header: "Charter <charter@example.gov.uk>" or an address alone

    @property
    def address(self) -> str:
        """The envelope's sender: the address alone."""
        return parseaddr(self.sender)[1] or self.sender

    def message(self, email: Email) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Date"] = formatdate(usegmt=True)
        domain = self.address.rpartition("@")[2] or "charter"
        message["Message-ID"] = f"<{email.id}@{domain}>"
        message.set_content(email.text)
        return message

    async def send(self, email: Email) -> None:
        parts = urlsplit(self.url)
        tls = parts.scheme == "smtps"
        try:
            await aiosmtplib.send(
                self.message(email),
                sender=self.address,
                recipients=[email.to],
                hostname=parts.hostname or "localhost",
                port=parts.port or (465 if tls else 25),
                username=unquote(parts.username) if parts.username else None,
                password=unquote(parts.password) if parts.password else None,
                use_tls=tls,
                start_tls=False if tls else None,  # None: STARTTLS when offered
                timeout=SMTP_TIMEOUT_SECONDS,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            refusal = exc.recipients[0]
            _answer(refusal.code, refusal.message)
        except aiosmtplib.SMTPResponseException as exc:
            _answer(exc.code, exc.message)
        except (aiosmtplib.SMTPException, OSError) as exc:
            if _tls_failed(exc):
                raise TryAgain(f"TLS with the mail server failed: {exc}") from exc
            raise TryAgain(f"The mail server could not be reached: {exc}") from exc


def _tls_failed(exc: BaseException) -> bool:
    """aiosmtplib wraps a refused handshake (an untrusted certificate, say) in its own error."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _answer(code: int, message: str) -> None:
    said = f"The mail server answered {code} {message}".strip()
    if 400 <= code < 500 or code < 0:
        raise TryAgain(said)
    raise GiveUp(said)


@dataclass(frozen=True)
class NotifySender:
    """GOV.UK Notify through its official client: one template per event, whose
    personalisation fields are documented in the README."""

    api_key: str
    templates: dict[str, str]
    base_url: str

    async def send(self, email: Email) -> None:
        template = self.templates.get(email.event)
        if not template:
            raise GiveUp(f"CHARTER_NOTIFY_TEMPLATES has no template id for {email.event}")
        client = NotificationsAPIClient(self.api_key, base_url=self.base_url, timeout=30)
        personalisation = {
            **{k: _field(v) for k, v in email.personalisation.items()},
            "subject": email.subject,
            "body": email.text,
        }
        try:
            await asyncio.to_thread(
                client.send_email_notification,
                email_address=email.to,
                template_id=template,
                personalisation=personalisation,
                reference=email.id,
            )
        except APIError as exc:
            said = f"GOV.UK Notify answered {exc.status_code}: {_notify_message(exc.message)}"
            if exc.status_code >= 500 or exc.status_code == 429:
                raise TryAgain(said) from exc
            raise GiveUp(said) from exc


def _field(value: Any) -> str:
    """Notify's personalisation is text; a list (the elements returned) is one line."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _notify_message(message: Any) -> str:
    if isinstance(message, list):  # [{"error": "BadRequestError", "message": "..."}]
        return "; ".join(
            str(m.get("message", m)) if isinstance(m, dict) else str(m) for m in message
        )
    return str(message)


def sender_for(settings: Settings) -> Sender | None:
    """The configured sender; None for CHARTER_EMAIL=none (the outbox is kept, nothing sent)."""
    if settings.email == "smtp":
        return SmtpSender(settings.smtp_url, settings.email_from)
    if settings.email == "notify":
        return NotifySender(
            settings.notify_api_key, dict(settings.notify_templates), settings.notify_url
        )
    return None
