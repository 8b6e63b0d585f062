"""A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives, a self-signed
certificate for its TLS, and the department whose assessment goes round the loop."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import email.policy
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.notifications.tables import Notification
from app.settings import Settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        assert part is not None, "no text part"
        return str(part.get_content())


@dataclass
class Inbox:
    """aiosmtpd's handler: answers DATA from `answers` first (say "451 ..."), then accepts.
    `hold`, when set, makes DATA wait for it to be released (a sender killed mid-send)."""

    received: list[Received] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)
    hold: threading.Event | None = None
    logged_in: list[str] = field(default_factory=list)
    holding: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        hold = self.hold
        if hold is not None:
            self.hold = None  # only the first message waits
            self.holding.set()
            while not hold.is_set():
                await asyncio.sleep(0.05)
            return "421 closing, the client went away"
        if self.answers:
            return self.answers.pop(0)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


@contextmanager
def smtp_server(
    inbox: Inbox | None = None,
    *,
    implicit_tls: ssl.SSLContext | None = None,
    starttls: ssl.SSLContext | None = None,
    logins: dict[str, str] | None = None,
) -> Iterator[tuple[Inbox, int]]:
    """A running SMTP server for the test's duration, and its port."""
    inbox = inbox or Inbox()
    port = free_port()
    extra: dict[str, Any] = {}
    if starttls is not None:
        extra = {"tls_context": starttls, "require_starttls": True}
    if logins is not None:  # the server asks for a login (over TLS), and keeps who logged in
        extra |= {"authenticator": _Logins(logins, inbox.logged_in), "auth_required": True}
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, ssl_context=implicit_tls, **extra
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclass(frozen=True)
class _Logins:
    passwords: dict[str, str]
    logged_in: list[str]

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        login, password = data.login.decode(), data.password.decode()
        ok = self.passwords.get(login) == password
        if ok:
            self.logged_in.append(login)
        return AuthResult(success=ok, handled=False)


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context


def self_signed(directory: Path) -> Certificate:
    """A certificate for 127.0.0.1 and localhost that nobody trusts unless told to."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_path, key_path)


FROM = "Charter <charter@accreditation.example.gov.uk>"


def smtp_settings(settings: Settings, url: str) -> Settings:
    return replace(settings, email="smtp", smtp_url=url, email_from=FROM)


async def outbox() -> list[dict[str, Any]]:
    return list(
        await Notification.select().order_by(Notification.created_at).output(load_json=True)
    )


def later(seconds: float) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
